// The chat hostcalls (cchat_*): sessions, route B responses, the outbox.
#include "core/chat_response.hpp"
#include "core/chat_session.hpp"
#include "core/guard.hpp"
#include "core/guest_instance.hpp"

namespace hostwire::core {

namespace {
constexpr uint32_t kChatKinds = kind_bit(abi::FdKind::kChatSession) | kind_bit(abi::FdKind::kChatResponse);
}  // namespace

int32_t GuestInstance::cchat_create() {
  return guarded([&]() -> int32_t { return table_.insert(std::make_shared<ChatSession>(waker_)); });
}

int32_t GuestInstance::cchat_write_msg(int32_t fd, const uint8_t *role, size_t role_len, const uint8_t *content,
                                       size_t content_len) {
  return guarded([&]() -> int32_t {
    auto session = table_.find_as<ChatSession>(fd, abi::FdKind::kChatSession);
    if (!session) return -abi::kEBADF;
    return session->write_msg(role, role_len, content, content_len);
  });
}

int32_t GuestInstance::cchat_write_fn(int32_t fd, int32_t fn_offset, const uint8_t *fn, size_t fn_len) {
  return guarded([&]() -> int32_t {
    auto session = table_.find_as<ChatSession>(fd, abi::FdKind::kChatSession);
    if (!session) return -abi::kEBADF;
    return session->write_fn(fn_offset, fn, fn_len);
  });
}

// SET_PARAM takes a session; GET_METRICS a session (its counters and the host's metrics of
// its latest completed response) or a response (the host's metrics plus "_fd").
int32_t GuestInstance::cchat_ctl(int32_t fd, int32_t cmd, const uint8_t *arg, size_t arg_len, Output &arg_out) {
  return guarded([&]() -> int32_t {
    std::shared_ptr<FdEntry> e = table_.find(fd, kChatKinds);
    if (!e) return -abi::kEBADF;
    switch (cmd) {
      case abi::CchatCtlCmd::kSET_PARAM:
        if (e->kind() != abi::FdKind::kChatSession) return -abi::kEBADF;
        return static_cast<ChatSession &>(*e).set_param(arg, arg_len);
      case abi::CchatCtlCmd::kGET_METRICS:
        return json_output(e->metrics(), arg_out);
      default:
        return -abi::kEINVAL;
    }
  });
}

int32_t GuestInstance::cchat_send(int32_t fd, uint32_t flags) {
  return guarded([&]() -> int32_t {
    auto session = table_.find_as<ChatSession>(fd, abi::FdKind::kChatSession);
    if (!session) return -abi::kEBADF;
    if (!abi::CchatSendFlags::valid(flags)) return -abi::kEINVAL;
    std::string request = session->take_request(flags);
    const int32_t response_fd = table_.insert(std::make_shared<ChatResponse>(waker_, fd, flags, session->stats()));
    if (response_fd < 0) return response_fd;
    std::lock_guard<std::mutex> lock(mail_mu_);
    outbox_.push_back(ChatRequest{response_fd, std::move(request)});
    return response_fd;
  });
}

int32_t GuestInstance::cchat_recv(int32_t response_fd, Output &out) {
  return guarded([&]() -> int32_t {
    auto response = table_.find_as<ChatResponse>(response_fd, abi::FdKind::kChatResponse);
    if (!response) return -abi::kEBADF;
    const Deadline deadline = response->nonblocking() ? Deadline::poll() : Deadline::forever();
    return block(
        deadline,
        [&]() -> std::optional<int32_t> {
          if (response->guest_closed()) return -abi::kEBADF;
          return response->try_recv(out.capacity(), out);
        },
        [] { return -abi::kEAGAIN; });
  });
}

int32_t GuestInstance::cchat_close(int32_t fd) {
  return guarded([&]() -> int32_t { return table_.close(fd); });
}

}  // namespace hostwire::core
