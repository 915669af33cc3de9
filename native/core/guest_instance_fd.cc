// spear_fd_ctl: generic control of any fd.
//
//   SET_FLAGS    {"set":["O_NONBLOCK"],"clear":[]}: both arrays optional, names from fd_flags;
//                an unknown name, a non-array, a non-string or a name in both: -EINVAL
//   GET_FLAGS    {"flags":["O_NONBLOCK"]}
//   GET_KIND     {"kind":"ChatSession"}
//   GET_STATUS   {"fd","kind","flags","poll_mask","closed", ...kind-specific}
//   GET_METRICS  kind-specific counters
//
// The fd is checked first (-EBADF), then the command (-EINVAL). Commands with output ignore
// the input bytes (the guest's buffer is passed in whole).
#include "core/guard.hpp"
#include "core/guest_instance.hpp"
#include "core/json.hpp"

namespace hostwire::core {

namespace {

/** The fd_flags bits an array of flag names stands for; nullopt when it is not one. */
std::optional<uint32_t> flag_bits(const Json &names) {
  if (!names.is_array()) return std::nullopt;
  uint32_t bits = 0;
  for (const Json &n : names) {
    if (!n.is_string()) return std::nullopt;
    if (n.get_ref<const std::string &>() == "O_NONBLOCK") {
      bits |= abi::FdFlags::kO_NONBLOCK;
    } else {
      return std::nullopt;
    }
  }
  return bits;
}

int32_t set_flags(FdEntry &e, const uint8_t *arg, size_t arg_len) {
  std::optional<Json> j = parse_json(arg, arg_len);
  if (!j || !j->is_object()) return -abi::kEINVAL;
  uint32_t set = 0, clear = 0;
  if (j->contains("set")) {
    std::optional<uint32_t> bits = flag_bits((*j)["set"]);
    if (!bits) return -abi::kEINVAL;
    set = *bits;
  }
  if (j->contains("clear")) {
    std::optional<uint32_t> bits = flag_bits((*j)["clear"]);
    if (!bits) return -abi::kEINVAL;
    clear = *bits;
  }
  if (set & clear) return -abi::kEINVAL;
  e.set_flags((e.flags() | set) & ~clear);
  return 0;
}

// The answers of GET_FLAGS and GET_KIND have a fixed shape: written as text, with no JSON
// value built (the same bytes nlohmann would print, checked by the core tests).
int32_t flags_output(uint32_t flags, Output &out) {
  static const std::string kNone = R"({"flags":[]})";
  static const std::string kNonblock = R"({"flags":["O_NONBLOCK"]})";
  return out.write((flags & abi::FdFlags::kO_NONBLOCK) ? kNonblock : kNone);
}

int32_t kind_output(abi::FdKind::type kind, Output &out) {
  return out.write(std::string(R"({"kind":")") + abi::FdKind::name(kind) + R"("})");
}

}  // namespace

int32_t GuestInstance::spear_fd_ctl(int32_t fd, int32_t cmd, const uint8_t *arg, size_t arg_len, Output &arg_out) {
  return guarded([&]() -> int32_t {
    std::shared_ptr<FdEntry> e = table_.find(fd);
    if (!e) return -abi::kEBADF;
    switch (cmd) {
      case abi::FdCtlCmd::kSET_FLAGS: return set_flags(*e, arg, arg_len);
      case abi::FdCtlCmd::kGET_FLAGS: return flags_output(e->flags(), arg_out);
      case abi::FdCtlCmd::kGET_KIND: return kind_output(e->kind(), arg_out);
      case abi::FdCtlCmd::kGET_STATUS: return json_output(e->status(), arg_out);
      case abi::FdCtlCmd::kGET_METRICS: return json_output(e->metrics(), arg_out);
      default: return -abi::kEINVAL;
    }
  });
}

}  // namespace hostwire::core
