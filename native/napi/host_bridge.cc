// binding.host: how a guest's worker and the host services on any JS thread reach a native
// GuestInstance (runtime/guest/README.md, "The bridge").
//
//   instanceId(inst)                                   worker  the id (a number > 0); -EBADF once released
//   takeRequests(inst)                                 worker  [{kind:'chat', responseFd, request}] ([] once released)
//   takeCallbacks(inst)                                worker  [{id, payload}] ([] once released)
//   completeChat(id, responseFd, bytes, metricsJson, appendJson?)
//                                                      any     0 | -EBADF | -EINVAL
//   failChat(id, responseFd, errno)                    any     0 | -EBADF | -EINVAL
//   postCallback(id, callbackId, payload)              any     0 | -EBADF
//   abortInstance(id)                                  any     0 | -EBADF
//   releaseInstance(inst)                              worker  0 | -EBADF (already released)
//   setMcpPolicy(inst, policyJson)                     worker  0 | -EINVAL: the host's MCP policy (before the guest runs)
//   rtasrConnects(id)                                  any     [{fd, config}]: "websocket" streams CONNECTed since ([] when stale)
//   rtasrAttach(id, fd, external)                      any     0 | -EBADF: the host's transport takes it (true) or the stub runs
//   rtasrTake(id, fd, maxItems)                        any     [{audio, data}] from the send queue; null once the fd is gone
//   rtasrPush(id, fd, bytes)                           any     0 | -EBADF: a server event for the guest
//   rtasrFail(id, fd, message)                         any     0 | -EBADF: the transport failed (state Error)
//   rtasrHangup(id, fd)                                any     0 | -EBADF: the server closed (EPOLLHUP)
//   streamPush(id, bytes)                              any     0 | -EINVAL | -ENOTCONN | -ENOSPC: a client's SSF frame
//   streamTake(id, maxBytes)                           any     [Buffer] outbound frames; null when the guest has no session
//   streamClose(id)                                    any     0 | -EBADF: the client session ended
//
// `id` resolves through the process-wide registry, so any thread of the process (each with
// its own instance of the addon) reaches any instance; a stale id (released, collected, or
// never given) is -EBADF, never an exception. Arguments of the wrong type are a TypeError
// naming the argument, as in the generated glue. `bytes` is a Uint8Array (a Buffer is one)
// or a string (UTF-8); `metricsJson` a JSON string, or "" / undefined / null for none;
// `appendJson` a JSON array of messages to append to the response's session, or none.
#include "host_bridge.hpp"

#include <cmath>
#include <cstdint>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "core/guest_instance.hpp"
#include "core/instance_registry.hpp"
#include "core/rtasr.hpp"
#include "core/user_stream.hpp"
#include "cpp/hostwire_abi.hpp"
#include "napi/guest_instance.hpp"
#include "napi/wrap.hpp"

namespace hostwire::bridge {

namespace {

// ---- the core behind a GuestInstance object ------------------------------------------------

/** The native instance behind `v`, a GuestInstance object; a TypeError otherwise. */
std::shared_ptr<core::GuestInstance> instance_arg(const Napi::CallbackInfo &info, size_t i, const char *where) {
  glue::GuestInstance *wrapper = glue::unwrap_tagged<glue::GuestInstance>(info[i]);
  std::shared_ptr<core::GuestInstance> inst;
  if (wrapper != nullptr) inst = std::dynamic_pointer_cast<core::GuestInstance>(wrapper->core());
  if (!inst) throw Napi::TypeError::New(info.Env(), std::string(where) + ": inst must be a GuestInstance");
  return inst;
}

// ---- arguments -----------------------------------------------------------------------------

constexpr double kMaxSafeInteger = 9007199254740991.0;

/** A non-negative safe integer (an instance or callback id). */
uint64_t id_arg(const Napi::CallbackInfo &info, size_t i, const char *where, const char *name) {
  const Napi::Value v = info[i];
  if (v.IsNumber()) {
    const double d = v.As<Napi::Number>().DoubleValue();
    if (std::isfinite(d) && d == std::floor(d) && d >= 0 && d <= kMaxSafeInteger) return static_cast<uint64_t>(d);
  }
  throw Napi::TypeError::New(info.Env(), std::string(where) + ": " + name + " must be an integer in 0..2^53-1");
}

int32_t int32_arg(const Napi::CallbackInfo &info, size_t i, const char *where, const char *name) {
  const Napi::Value v = info[i];
  if (v.IsNumber()) {
    const double d = v.As<Napi::Number>().DoubleValue();
    if (std::isfinite(d) && d == std::floor(d) && d >= INT32_MIN && d <= INT32_MAX) return static_cast<int32_t>(d);
  }
  throw Napi::TypeError::New(info.Env(),
                             std::string(where) + ": " + name + " must be an integer in -2147483648..2147483647");
}

std::string string_arg(const Napi::CallbackInfo &info, size_t i, const char *where, const char *name, bool optional) {
  const Napi::Value v = info[i];
  if (v.IsString()) return v.As<Napi::String>().Utf8Value();
  if (optional && (v.IsUndefined() || v.IsNull())) return std::string();
  throw Napi::TypeError::New(info.Env(), std::string(where) + ": " + name + " must be a string");
}

std::vector<uint8_t> bytes_arg(const Napi::CallbackInfo &info, size_t i, const char *where, const char *name) {
  const Napi::Value v = info[i];
  if (v.IsTypedArray() && v.As<Napi::TypedArray>().TypedArrayType() == napi_uint8_array) {
    Napi::Uint8Array a = v.As<Napi::Uint8Array>();
    const uint8_t *p = a.Data();
    return std::vector<uint8_t>(p, p + a.ByteLength());
  }
  if (v.IsString()) {
    const std::string s = v.As<Napi::String>().Utf8Value();
    return std::vector<uint8_t>(s.begin(), s.end());
  }
  throw Napi::TypeError::New(info.Env(), std::string(where) + ": " + name + " must be a Uint8Array or a string");
}

/** The live instance `id`, or nullptr (a stale id). */
std::shared_ptr<core::GuestInstance> lookup(uint64_t id) { return core::InstanceRegistry::get().find(id); }

Napi::Value errno_or(Napi::Env env, const std::shared_ptr<core::GuestInstance> &inst, int32_t (*call)(core::GuestInstance &)) {
  return Napi::Number::New(env, inst ? call(*inst) : -abi::kEBADF);
}

// ---- the functions -------------------------------------------------------------------------

Napi::Value InstanceId(const Napi::CallbackInfo &info) {
  auto inst = instance_arg(info, 0, "host.instanceId");
  if (inst->released()) return Napi::Number::New(info.Env(), -abi::kEBADF);
  return Napi::Number::New(info.Env(), static_cast<double>(inst->id()));
}

Napi::Value TakeRequests(const Napi::CallbackInfo &info) {
  Napi::Env env = info.Env();
  auto inst = instance_arg(info, 0, "host.takeRequests");
  std::vector<core::ChatRequest> requests = inst->take_requests();
  Napi::Array out = Napi::Array::New(env, requests.size());
  for (uint32_t k = 0; k < requests.size(); ++k) {
    Napi::Object o = Napi::Object::New(env);
    o.Set("kind", Napi::String::New(env, "chat"));
    o.Set("responseFd", Napi::Number::New(env, requests[k].response_fd));
    o.Set("request", Napi::String::New(env, requests[k].json));
    out.Set(k, o);
  }
  return out;
}

Napi::Value TakeCallbacks(const Napi::CallbackInfo &info) {
  Napi::Env env = info.Env();
  auto inst = instance_arg(info, 0, "host.takeCallbacks");
  std::vector<core::GuestCallback> callbacks = inst->take_callbacks();
  Napi::Array out = Napi::Array::New(env, callbacks.size());
  for (uint32_t k = 0; k < callbacks.size(); ++k) {
    Napi::Object o = Napi::Object::New(env);
    o.Set("id", Napi::Number::New(env, static_cast<double>(callbacks[k].id)));
    o.Set("payload", Napi::String::New(env, callbacks[k].payload));
    out.Set(k, o);
  }
  return out;
}

Napi::Value CompleteChat(const Napi::CallbackInfo &info) {
  static constexpr const char *kWhere = "host.completeChat";
  const uint64_t id = id_arg(info, 0, kWhere, "id");
  const int32_t fd = int32_arg(info, 1, kWhere, "responseFd");
  std::vector<uint8_t> bytes = bytes_arg(info, 2, kWhere, "bytes");
  const std::string metrics = string_arg(info, 3, kWhere, "metricsJson", true);
  const std::string append = string_arg(info, 4, kWhere, "appendJson", true);
  auto inst = lookup(id);
  return Napi::Number::New(info.Env(), inst ? inst->complete_chat(fd, std::move(bytes), metrics, append) : -abi::kEBADF);
}

Napi::Value FailChat(const Napi::CallbackInfo &info) {
  static constexpr const char *kWhere = "host.failChat";
  const uint64_t id = id_arg(info, 0, kWhere, "id");
  const int32_t fd = int32_arg(info, 1, kWhere, "responseFd");
  const int32_t err = int32_arg(info, 2, kWhere, "errno");
  auto inst = lookup(id);
  return Napi::Number::New(info.Env(), inst ? inst->fail_chat(fd, err) : -abi::kEBADF);
}

Napi::Value PostCallback(const Napi::CallbackInfo &info) {
  static constexpr const char *kWhere = "host.postCallback";
  const uint64_t id = id_arg(info, 0, kWhere, "id");
  const uint64_t callback_id = id_arg(info, 1, kWhere, "callbackId");
  std::string payload = string_arg(info, 2, kWhere, "payload", false);
  auto inst = lookup(id);
  return Napi::Number::New(info.Env(), inst ? inst->post_callback(callback_id, std::move(payload)) : -abi::kEBADF);
}

Napi::Value AbortInstance(const Napi::CallbackInfo &info) {
  const uint64_t id = id_arg(info, 0, "host.abortInstance", "id");
  return errno_or(info.Env(), lookup(id), [](core::GuestInstance &g) { return g.abort(); });
}

Napi::Value ReleaseInstance(const Napi::CallbackInfo &info) {
  auto inst = instance_arg(info, 0, "host.releaseInstance");
  return Napi::Number::New(info.Env(), inst->release());
}

Napi::Value SetMcpPolicy(const Napi::CallbackInfo &info) {
  static constexpr const char *kWhere = "host.setMcpPolicy";
  auto inst = instance_arg(info, 0, kWhere);
  const std::string policy = string_arg(info, 1, kWhere, "policyJson", false);
  return Napi::Number::New(info.Env(), inst->set_mcp_policy(policy));
}

// ---- realtime ASR ---------------------------------------------------------------------------

/** The stream `fd` of instance `id`, or null. */
std::shared_ptr<core::RtAsrStream> stream_of(uint64_t id, int32_t fd) {
  auto inst = lookup(id);
  return inst ? inst->rtasr_stream(fd) : nullptr;
}

Napi::Value RtasrConnects(const Napi::CallbackInfo &info) {
  Napi::Env env = info.Env();
  const uint64_t id = id_arg(info, 0, "host.rtasrConnects", "id");
  auto inst = lookup(id);
  std::vector<int32_t> fds;
  if (inst) fds = inst->take_rtasr_connects();
  Napi::Array out = Napi::Array::New(env);
  uint32_t k = 0;
  for (int32_t fd : fds) {
    auto s = inst->rtasr_stream(fd);
    if (!s) continue;
    Napi::Object o = Napi::Object::New(env);
    o.Set("fd", Napi::Number::New(env, fd));
    o.Set("config", Napi::String::New(env, core::json_text(s->transport_config())));
    out.Set(k++, o);
  }
  return out;
}

Napi::Value RtasrAttach(const Napi::CallbackInfo &info) {
  static constexpr const char *kWhere = "host.rtasrAttach";
  const uint64_t id = id_arg(info, 0, kWhere, "id");
  const int32_t fd = int32_arg(info, 1, kWhere, "fd");
  if (!info[2].IsBoolean()) throw Napi::TypeError::New(info.Env(), std::string(kWhere) + ": external must be a boolean");
  const bool external = info[2].As<Napi::Boolean>().Value();
  auto s = stream_of(id, fd);
  if (!s) return Napi::Number::New(info.Env(), -abi::kEBADF);
  if (external) {
    s->attach_external();
  } else {
    s->use_stub();
  }
  return Napi::Number::New(info.Env(), 0);
}

Napi::Value RtasrTake(const Napi::CallbackInfo &info) {
  static constexpr const char *kWhere = "host.rtasrTake";
  Napi::Env env = info.Env();
  const uint64_t id = id_arg(info, 0, kWhere, "id");
  const int32_t fd = int32_arg(info, 1, kWhere, "fd");
  const int32_t max_items = int32_arg(info, 2, kWhere, "maxItems");
  auto s = stream_of(id, fd);
  if (!s || s->guest_closed()) return env.Null();
  std::deque<core::RtAsrOutgoing> items = s->take_outgoing(max_items > 0 ? static_cast<size_t>(max_items) : 0);
  Napi::Array out = Napi::Array::New(env, items.size());
  uint32_t k = 0;
  for (const core::RtAsrOutgoing &it : items) {
    Napi::Object o = Napi::Object::New(env);
    o.Set("audio", Napi::Boolean::New(env, it.audio));
    o.Set("data", Napi::Buffer<uint8_t>::Copy(env, reinterpret_cast<const uint8_t *>(it.bytes.data()), it.bytes.size()));
    out.Set(k++, o);
  }
  return out;
}

Napi::Value RtasrPush(const Napi::CallbackInfo &info) {
  static constexpr const char *kWhere = "host.rtasrPush";
  const uint64_t id = id_arg(info, 0, kWhere, "id");
  const int32_t fd = int32_arg(info, 1, kWhere, "fd");
  std::vector<uint8_t> bytes = bytes_arg(info, 2, kWhere, "bytes");
  auto s = stream_of(id, fd);
  if (!s || s->guest_closed()) return Napi::Number::New(info.Env(), -abi::kEBADF);
  s->push_event(std::string(bytes.begin(), bytes.end()));
  return Napi::Number::New(info.Env(), 0);
}

Napi::Value RtasrFail(const Napi::CallbackInfo &info) {
  static constexpr const char *kWhere = "host.rtasrFail";
  const uint64_t id = id_arg(info, 0, kWhere, "id");
  const int32_t fd = int32_arg(info, 1, kWhere, "fd");
  const std::string message = string_arg(info, 2, kWhere, "message", false);
  auto s = stream_of(id, fd);
  if (!s || s->guest_closed()) return Napi::Number::New(info.Env(), -abi::kEBADF);
  s->transport_error(message);
  return Napi::Number::New(info.Env(), 0);
}

Napi::Value RtasrHangup(const Napi::CallbackInfo &info) {
  static constexpr const char *kWhere = "host.rtasrHangup";
  const uint64_t id = id_arg(info, 0, kWhere, "id");
  const int32_t fd = int32_arg(info, 1, kWhere, "fd");
  auto inst = lookup(id);
  if (!inst || !inst->rtasr_stream(fd)) return Napi::Number::New(info.Env(), -abi::kEBADF);
  return Napi::Number::New(info.Env(), inst->host_close(fd));
}

// ---- user streams ---------------------------------------------------------------------------

Napi::Value StreamPush(const Napi::CallbackInfo &info) {
  static constexpr const char *kWhere = "host.streamPush";
  const uint64_t id = id_arg(info, 0, kWhere, "id");
  std::vector<uint8_t> bytes = bytes_arg(info, 1, kWhere, "bytes");
  auto inst = lookup(id);
  if (!inst) return Napi::Number::New(info.Env(), -abi::kENOTCONN);
  return Napi::Number::New(info.Env(), inst->stream_push(bytes.data(), bytes.size()));
}

Napi::Value StreamTake(const Napi::CallbackInfo &info) {
  static constexpr const char *kWhere = "host.streamTake";
  Napi::Env env = info.Env();
  const uint64_t id = id_arg(info, 0, kWhere, "id");
  const int32_t max_bytes = int32_arg(info, 1, kWhere, "maxBytes");
  auto inst = lookup(id);
  if (!inst) return env.Null();
  std::optional<std::vector<std::string>> frames = inst->stream_take(max_bytes > 0 ? static_cast<size_t>(max_bytes) : 0);
  if (!frames) return env.Null();
  Napi::Array out = Napi::Array::New(env, frames->size());
  uint32_t k = 0;
  for (const std::string &f : *frames) {
    out.Set(k++, Napi::Buffer<uint8_t>::Copy(env, reinterpret_cast<const uint8_t *>(f.data()), f.size()));
  }
  return out;
}

Napi::Value StreamClose(const Napi::CallbackInfo &info) {
  const uint64_t id = id_arg(info, 0, "host.streamClose", "id");
  auto inst = lookup(id);
  if (!inst) return Napi::Number::New(info.Env(), -abi::kEBADF);
  inst->stream_session_closed();
  return Napi::Number::New(info.Env(), 0);
}

}  // namespace

Napi::Object make_host_bridge(Napi::Env env) {
  Napi::Object host = Napi::Object::New(env);
  host.Set("instanceId", Napi::Function::New<&InstanceId>(env, "instanceId"));
  host.Set("takeRequests", Napi::Function::New<&TakeRequests>(env, "takeRequests"));
  host.Set("takeCallbacks", Napi::Function::New<&TakeCallbacks>(env, "takeCallbacks"));
  host.Set("completeChat", Napi::Function::New<&CompleteChat>(env, "completeChat"));
  host.Set("failChat", Napi::Function::New<&FailChat>(env, "failChat"));
  host.Set("postCallback", Napi::Function::New<&PostCallback>(env, "postCallback"));
  host.Set("abortInstance", Napi::Function::New<&AbortInstance>(env, "abortInstance"));
  host.Set("releaseInstance", Napi::Function::New<&ReleaseInstance>(env, "releaseInstance"));
  host.Set("setMcpPolicy", Napi::Function::New<&SetMcpPolicy>(env, "setMcpPolicy"));
  host.Set("rtasrConnects", Napi::Function::New<&RtasrConnects>(env, "rtasrConnects"));
  host.Set("rtasrAttach", Napi::Function::New<&RtasrAttach>(env, "rtasrAttach"));
  host.Set("rtasrTake", Napi::Function::New<&RtasrTake>(env, "rtasrTake"));
  host.Set("rtasrPush", Napi::Function::New<&RtasrPush>(env, "rtasrPush"));
  host.Set("rtasrFail", Napi::Function::New<&RtasrFail>(env, "rtasrFail"));
  host.Set("rtasrHangup", Napi::Function::New<&RtasrHangup>(env, "rtasrHangup"));
  host.Set("streamPush", Napi::Function::New<&StreamPush>(env, "streamPush"));
  host.Set("streamTake", Napi::Function::New<&StreamTake>(env, "streamTake"));
  host.Set("streamClose", Napi::Function::New<&StreamClose>(env, "streamClose"));
  host.Freeze();
  return host;
}

}  // namespace hostwire::bridge
