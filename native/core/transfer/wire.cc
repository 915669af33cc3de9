#include "core/transfer/wire.hpp"

#include <algorithm>
#include <cstddef>
#include <cstring>

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
  using T = abi::FrameType;
  if (out.flags != 0) {
    // The one-sided flags, one at a time, on the frames of an operation.
    const bool op_frame = out.type == T::kRTR || out.type == T::kEAGER || out.type == T::kDATA || out.type == T::kACK ||
                          out.type == T::kERROR || out.type == T::kCANCEL;
    if ((out.flags != kFlagInitiator && out.flags != kFlagTarget) || !op_frame) {
      *why = "reserved frame flags are set";
      return -abi::kEPROTO;
    }
  }
  switch (out.type) {
    case T::kWRITE_REQ:
    case T::kREAD_REQ:
      if (out.length != abi::RemoteAccess::kSize) {
        *why = "WRITE_REQ/READ_REQ without its remote_access record";
        return -abi::kEPROTO;
      }
      if (((out.msg_id & kRecvIdBit) != 0) != (out.type == T::kREAD_REQ)) {
        *why = "WRITE_REQ/READ_REQ with an id of the wrong direction";
        return -abi::kEPROTO;
      }
      return 0;
    case T::kNOTIF:
      if (out.length > abi::kNOTIF_MAX_BYTES) {
        *why = "NOTIF longer than NOTIF_MAX_BYTES";
        return -abi::kEPROTO;
      }
      if (out.tag != 0 || out.msg_id != 0 || out.offset != 0 || out.rkey != 0) {
        *why = "NOTIF with fields other than its length";
        return -abi::kEPROTO;
      }
      return 0;
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
    case T::kHELLO:
      if (out.length < abi::Hello::kSize || out.length > abi::Hello::kSize + abi::kPEER_NAME_MAX) {
        *why = "HELLO without its hello record, or with a name too long";
        return -abi::kEPROTO;
      }
      return 0;
    default: break;
  }
  if (out.length != 0) {
    *why = "control frame with a payload";
    return -abi::kEPROTO;
  }
  return 0;
}

std::string version_text(uint16_t major, uint16_t minor) { return std::to_string(major) + "." + std::to_string(minor); }

std::vector<uint8_t> encode_hello(const std::string &name, uint16_t major, uint16_t minor) {
  const size_t n = std::min<size_t>(name.size(), abi::kPEER_NAME_MAX);
  std::vector<uint8_t> out(abi::Hello::kSize + n);
  abi::Hello h{};
  h.version_major = major;
  h.version_minor = minor;
  h.name_length = static_cast<uint16_t>(n);
  abi::encode(h, out.data());
  std::memcpy(out.data() + abi::Hello::kSize, name.data(), n);
  return out;
}

int32_t parse_hello(const uint8_t *p, size_t n, Hello &out, std::string &why) {
  // The version fields keep their place in every version: read them first, so that a peer of
  // another major is named even when the rest of its record means something else.
  if (n >= 4) {
    out.major = static_cast<uint16_t>(p[0] | p[1] << 8);
    out.minor = static_cast<uint16_t>(p[2] | p[3] << 8);
  }
  abi::Hello h{};
  const abi::DecodeStatus status = abi::decode(p, n, h);
  const bool whole = status == abi::DecodeStatus::kOk && n == abi::Hello::kSize + h.name_length;
  if (whole) out.name.assign(reinterpret_cast<const char *>(p + abi::Hello::kSize), h.name_length);
  if (n >= 4 && out.major != kVersionMajor) {
    why = "the peer speaks transfer protocol " + version_text(out.major, out.minor) + ", this engine " +
          version_text(kVersionMajor, kVersionMinor) + " (another major version)";
    return -abi::kEPROTO;
  }
  switch (status) {
    case abi::DecodeStatus::kOk: break;
    case abi::DecodeStatus::kTruncated: why = "truncated hello record"; return -abi::kEPROTO;
    case abi::DecodeStatus::kRange: why = "hello name longer than 255 bytes"; return -abi::kEPROTO;
    case abi::DecodeStatus::kConst: why = "hello reserved field is set"; return -abi::kEPROTO;
  }
  if (!whole) {
    why = "HELLO length does not match its name's length";
    return -abi::kEPROTO;
  }
  return 0;
}

int32_t parse_conn_info(const uint8_t *p, size_t n, abi::ConnInfo &out, std::string &why) {
  // `magic` and `version_major` keep their place in every version: a blob of another major
  // is named as such, whatever its length.
  if (p != nullptr && n >= 8 && p[0] == 0x48 && p[1] == 0x57 && p[2] == 0x43 && p[3] == 0x49) {
    const uint16_t major = static_cast<uint16_t>(p[4] | p[5] << 8);
    const uint16_t minor = static_cast<uint16_t>(p[6] | p[7] << 8);
    if (major != kVersionMajor) {
      // Protocol 1 had no minor in its blob (those bytes were the channel count).
      why = "conn_info of transfer protocol " + (major < 2 ? std::to_string(major) : version_text(major, minor)) +
            ", this engine speaks " + version_text(kVersionMajor, kVersionMinor) + " (another major version)";
      return -abi::kEPROTO;
    }
  }
  if (p == nullptr || n != abi::ConnInfo::kSize) {
    why = "a conn_info blob is " + std::to_string(abi::ConnInfo::kSize) + " bytes, got " + std::to_string(n);
    return -abi::kEINVAL;
  }
  switch (abi::decode(p, n, out)) {
    case abi::DecodeStatus::kOk: break;
    case abi::DecodeStatus::kConst: why = "bad magic (not a conn_info blob)"; return -abi::kEINVAL;
    case abi::DecodeStatus::kTruncated: why = "truncated conn_info blob"; return -abi::kEINVAL;
    case abi::DecodeStatus::kRange: why = "channel count, address count or address family out of range"; return -abi::kEPROTO;
  }
  for (uint16_t i = 0; i < abi::kCONN_INFO_MAX_CHANNELS; ++i) {
    const uint16_t port = out.ports[i];
    if (i < out.channel_count && port == 0) {
      why = "channel " + std::to_string(i) + " has port 0";
      return -abi::kEPROTO;
    }
    if (i >= out.channel_count && port != 0) {
      why = "channel " + std::to_string(i) + " is past the channel count but has a port";
      return -abi::kEPROTO;
    }
  }
  for (uint16_t i = 0; i < abi::kCONN_INFO_MAX_ADDRS; ++i) {
    const abi::ConnAddr a = abi::detail::get<abi::ConnAddr>(&out, offsetof(abi::ConnInfo, addrs) + i * abi::ConnAddr::kSize);
    const uint16_t family = a.family;
    bool zero = family == abi::AddrFamily::kUNSPEC;
    for (uint8_t b : a.addr) zero = zero && b == 0;
    if (i < out.addr_count) {
      if (family != abi::AddrFamily::kINET && family != abi::AddrFamily::kINET6) {
        why = "address " + std::to_string(i) + " has no address family";
        return -abi::kEPROTO;
      }
    } else if (!zero) {
      why = "address " + std::to_string(i) + " is past the address count but not empty";
      return -abi::kEPROTO;
    }
  }
  return 0;
}

}  // namespace hostwire::core::transfer
