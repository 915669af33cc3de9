#include "core/transfer/wire.hpp"

namespace hostwire::core::transfer {

void encode_frame(const Frame &f, uint8_t *out) {
  abi::FrameHeader h{};
  h.version = 1;
  h.type = f.type;
  h.flags = f.flags;
  h.length = f.length;
  h.tag = f.tag;
  h.msg_id = f.msg_id;
  h.offset = f.offset;
  h.rkey = f.rkey;
  abi::encode(h, out);
}

const char *frame_type_name(uint8_t type) {
  const char *n = abi::FrameType::name(type);
  return n ? n : "?";
}

int32_t parse_frame(const uint8_t *p, Frame &out, const char **why) {
  abi::FrameHeader h{};
  switch (abi::decode(p, abi::FrameHeader::kSize, h)) {
    case abi::DecodeStatus::kOk: break;
    case abi::DecodeStatus::kConst: *why = "frame version is not 1"; return -abi::kEPROTO;
    case abi::DecodeStatus::kRange: *why = "unknown frame type"; return -abi::kEPROTO;
    case abi::DecodeStatus::kTruncated: *why = "truncated frame header"; return -abi::kEPROTO;
  }
  out.type = h.type;
  out.flags = h.flags;
  out.length = h.length;
  out.tag = h.tag;
  out.msg_id = h.msg_id;
  out.offset = h.offset;
  out.rkey = h.rkey;
  if (out.flags != 0) {
    *why = "reserved frame flags are set";
    return -abi::kEPROTO;
  }
  using T = abi::FrameType;
  switch (out.type) {
    case T::kEAGER:
      if (out.length > kMaxEagerBytes) {
        *why = "EAGER payload larger than the eager limit";
        return -abi::kEPROTO;
      }
      if ((out.msg_id & kRecvIdBit) != 0 || out.offset != 0) {
        *why = "EAGER frame with a receive id or an offset";
        return -abi::kEPROTO;
      }
      return 0;
    case T::kDATA:
      if (out.length > kMaxChunkBytes) {
        *why = "DATA chunk larger than the chunk limit";
        return -abi::kEPROTO;
      }
      if ((out.msg_id & kRecvIdBit) == 0) {
        *why = "DATA frame not addressed to a receive id";
        return -abi::kEPROTO;
      }
      return 0;
    case T::kRTR:
      if ((out.msg_id & kRecvIdBit) == 0) {
        *why = "RTR frame without a receive id";
        return -abi::kEPROTO;
      }
      break;
    case T::kERROR:
      if (out.offset == 0 || out.offset > 4095) {
        *why = "ERROR frame without an errno";
        return -abi::kEPROTO;
      }
      break;
    default: break;
  }
  if (out.length != 0) {
    *why = "control frame with a payload";
    return -abi::kEPROTO;
  }
  return 0;
}

int32_t parse_conn_info(const uint8_t *p, size_t n, abi::ConnInfo &out, std::string &why) {
  if (p == nullptr || n != abi::ConnInfo::kSize) {
    why = "a conn_info blob is " + std::to_string(abi::ConnInfo::kSize) + " bytes, got " + std::to_string(n);
    return -abi::kEINVAL;
  }
  switch (abi::decode(p, n, out)) {
    case abi::DecodeStatus::kOk: break;
    case abi::DecodeStatus::kConst: why = "bad magic (not a conn_info blob)"; return -abi::kEINVAL;
    case abi::DecodeStatus::kTruncated: why = "truncated conn_info blob"; return -abi::kEINVAL;
    case abi::DecodeStatus::kRange: why = "channel count or address family out of range"; return -abi::kEPROTO;
  }
  if (out.abi_major != abi::kAbiVersionMajor) {
    why = "conn_info of ABI major " + std::to_string(out.abi_major) + ", this engine speaks " +
          std::to_string(abi::kAbiVersionMajor);
    return -abi::kEPROTO;
  }
  const uint16_t count = out.channel_count;
  for (uint16_t i = 0; i < abi::ConnInfo::kSize / abi::ConnChannel::kSize && i < 8; ++i) {
    const abi::ConnChannel c = abi::detail::get<abi::ConnChannel>(&out, 16 + i * abi::ConnChannel::kSize);
    const uint16_t family = c.family;
    const uint16_t port = c.port;
    if (i < count) {
      if (family != abi::AddrFamily::kINET && family != abi::AddrFamily::kINET6) {
        why = "channel " + std::to_string(i) + " has no address family";
        return -abi::kEPROTO;
      }
      if (port == 0) {
        why = "channel " + std::to_string(i) + " has port 0";
        return -abi::kEPROTO;
      }
    } else if (family != abi::AddrFamily::kUNSPEC || port != 0) {
      why = "channel " + std::to_string(i) + " is past the channel count but not empty";
      return -abi::kEPROTO;
    }
  }
  return 0;
}

}  // namespace hostwire::core::transfer
