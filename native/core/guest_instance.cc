#include "core/guest_instance.hpp"

#include <cstdlib>

#include "core/chat_response.hpp"
#include "core/chat_session.hpp"
#include "core/guard.hpp"
#include "core/instance_registry.hpp"
#include "core/json.hpp"

namespace hostwire::core {

int32_t make_guest_instance(std::shared_ptr<GuestInstanceApi> &out) {
  return guarded([&]() -> int32_t {
    auto instance = std::make_shared<GuestInstance>();
    InstanceRegistry::get().add(instance->id(), instance);
    out = std::move(instance);
    return 0;
  });
}

GuestInstance::GuestInstance() : id_(InstanceRegistry::get().next_id()), waker_(std::make_shared<Waker>()) {}

GuestInstance::~GuestInstance() {
  // The fds go with the table; nothing of the instance outlives it. Unregistering twice is harmless.
  InstanceRegistry::get().remove(id_);
}

int32_t GuestInstance::set_mcp_policy(const std::string &json) {
  return guarded([&]() -> int32_t {
    std::optional<Json> j = parse_json(json);
    McpHostPolicy p;
    if (!j || !McpHostPolicy::from_json(*j, p)) return -abi::kEINVAL;
    std::lock_guard<std::mutex> lock(policy_mu_);
    mcp_policy_ = std::move(p);
    return 0;
  });
}

std::vector<ChatRequest> GuestInstance::take_requests() {
  std::vector<ChatRequest> out;
  std::lock_guard<std::mutex> lock(mail_mu_);
  out.swap(outbox_);
  return out;
}

std::vector<GuestCallback> GuestInstance::take_callbacks() {
  std::vector<GuestCallback> out;
  std::lock_guard<std::mutex> lock(mail_mu_);
  out.swap(callbacks_);
  waker_->set_callbacks_pending(false);
  return out;
}

int32_t GuestInstance::complete_chat(int32_t response_fd, std::vector<uint8_t> bytes, const std::string &metrics_json,
                                     const std::string &append_json) {
  return guarded([&]() -> int32_t {
    if (released()) return -abi::kEBADF;
    Json metrics;  // null: none
    if (!metrics_json.empty()) {
      std::optional<Json> parsed = parse_json(metrics_json);
      if (!parsed) return -abi::kEINVAL;
      metrics = std::move(*parsed);
    }
    Json append = Json::array();
    if (!append_json.empty()) {
      std::optional<Json> parsed = parse_json(append_json);
      if (!parsed || !parsed->is_array()) return -abi::kEINVAL;
      for (const Json &m : *parsed) {
        if (!m.is_object()) return -abi::kEINVAL;
      }
      append = std::move(*parsed);
    }
    auto response = table_.find_as<ChatResponse>(response_fd, abi::FdKind::kChatResponse);
    if (!response) return -abi::kEBADF;
    if (response->settled()) return -abi::kEINVAL;
    // The session learns the messages before the response is readable, as in SPEAR's loop
    // (a session the guest closed meanwhile learns nothing).
    if (!append.empty()) {
      auto session = table_.find_as<ChatSession>(response->session_fd(), abi::FdKind::kChatSession);
      if (session) session->append_messages(append);
    }
    return response->complete(std::move(bytes), std::move(metrics));
  });
}

int32_t GuestInstance::fail_chat(int32_t response_fd, int32_t err) {
  return guarded([&]() -> int32_t {
    if (released()) return -abi::kEBADF;
    const int64_t magnitude = std::llabs(static_cast<int64_t>(err));
    if (magnitude == 0 || magnitude > 4095) return -abi::kEINVAL;
    auto response = table_.find_as<ChatResponse>(response_fd, abi::FdKind::kChatResponse);
    if (!response) return -abi::kEBADF;
    return response->fail(static_cast<int32_t>(-magnitude));
  });
}

int32_t GuestInstance::post_callback(uint64_t callback_id, std::string payload) {
  return guarded([&]() -> int32_t {
    if (released()) return -abi::kEBADF;
    {
      std::lock_guard<std::mutex> lock(mail_mu_);
      callbacks_.push_back(GuestCallback{callback_id, std::move(payload)});
      waker_->set_callbacks_pending(true);
    }
    waker_->notify();
    return 0;
  });
}

int32_t GuestInstance::abort() {
  waker_->abort();
  return 0;
}

int32_t GuestInstance::release() {
  if (released_.exchange(true)) return -abi::kEBADF;
  InstanceRegistry::get().remove(id_);
  waker_->abort();  // a call still blocked (another thread) returns kAborted
  std::vector<std::shared_ptr<FdEntry>> entries = table_.release_all();
  {
    std::lock_guard<std::mutex> lock(mail_mu_);
    std::vector<ChatRequest>().swap(outbox_);
    std::vector<GuestCallback>().swap(callbacks_);
  }
  waker_->notify();
  entries.clear();  // the fds are freed here, outside every lock
  return 0;
}

int32_t GuestInstance::host_close(int32_t fd) {
  std::shared_ptr<FdEntry> e = table_.find(fd);
  if (!e) return -abi::kEBADF;
  e->host_close();
  return 0;
}

}  // namespace hostwire::core
