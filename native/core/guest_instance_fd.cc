// spear_fd_ctl: generic control of any fd, as SPEAR's (hostcall/fd_table.rs fd_ctl and
// runtime/wasm_hostcalls.rs spear_fd_ctl).
//
//   SET_FLAGS    {"set":["O_NONBLOCK"],"clear":[]}: any JSON value is accepted; a "set" or
//                "clear" that is not an array, and names that are not "O_NONBLOCK", are
//                ignored; "set" is applied first, then "clear". Malformed JSON: -EINVAL.
//   GET_FLAGS    {"flags":["O_NONBLOCK"]}
//   GET_KIND     {"kind":"ChatSession"}
//   GET_STATUS   {"closed":false,"flags":[],"kind":"ChatSession","poll_mask":["EPOLLIN"]}
//   GET_METRICS  the kind's metrics; `{}` for a kind without any
//
// The command is checked first (-EINVAL), then the fd (-EBADF: a number never handed out).
// An fd the guest closed is still answered (GET_STATUS says "closed":true). Commands with
// output ignore the input bytes (the guest's buffer is passed in whole).
#include "core/guard.hpp"
#include "core/guest_instance.hpp"
#include "core/json.hpp"

namespace hostwire::core {

namespace {

/** Whether `v` is an array holding the string "O_NONBLOCK" (other elements are ignored). */
bool names_nonblock(const Json &v) {
  if (!v.is_array()) return false;
  for (const Json &n : v) {
    if (n.is_string() && n.get_ref<const std::string &>() == "O_NONBLOCK") return true;
  }
  return false;
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
    if (!abi::FdCtlCmd::valid(cmd)) return -abi::kEINVAL;
    std::shared_ptr<FdEntry> e = table_.guest_find_known(fd);
    if (!e) return -abi::kEBADF;
    switch (cmd) {
      case abi::FdCtlCmd::kSET_FLAGS: {
        std::optional<Json> j = parse_json(arg, arg_len);
        if (!j) return -abi::kEINVAL;
        uint32_t flags = e->flags();
        if (j->is_object() && j->contains("set") && names_nonblock((*j)["set"])) flags |= abi::FdFlags::kO_NONBLOCK;
        if (j->is_object() && j->contains("clear") && names_nonblock((*j)["clear"])) flags &= ~abi::FdFlags::kO_NONBLOCK;
        table_.set_flags(fd, flags);
        return 0;
      }
      case abi::FdCtlCmd::kGET_FLAGS: return flags_output(e->flags(), arg_out);
      case abi::FdCtlCmd::kGET_KIND: return kind_output(e->kind(), arg_out);
      case abi::FdCtlCmd::kGET_STATUS: return json_output(e->fd_status(), arg_out);
      default: return json_output(e->metrics(), arg_out);  // GET_METRICS
    }
  });
}

}  // namespace hostwire::core
