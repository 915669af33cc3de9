#include "core/session.hpp"

#include "cpp/hostwire_abi.hpp"

namespace hostwire::core {

namespace {
constexpr int32_t kNotYet = -abi::kENOSYS;
}  // namespace

int32_t make_session(const SessionOptions &options, std::shared_ptr<SessionApi> &out) {
  // The glue checks JS arguments; C++ callers get the same rules from the IDL here.
  if (!valid(options)) return -abi::kEINVAL;
  out = std::make_shared<Session>(options);
  return 0;
}

void Session::listen(Done<std::vector<uint8_t>> done) { done(kNotYet, {}); }

int32_t Session::load_remote_conn_info(const std::string &, const uint8_t *, size_t) { return kNotYet; }

void Session::connect(const std::string &, DoneVoid done) { done(kNotYet); }

void Session::accept(const std::string &, DoneVoid done) { done(kNotYet); }

void Session::disconnect(const std::string &, DoneVoid done) { done(kNotYet); }

int32_t Session::register_memory(const Memory &, const RegisterOptions &, std::shared_ptr<MemoryRegionApi> &) {
  return kNotYet;
}

int32_t Session::alloc_memory(uint64_t, const RegisterOptions &, std::shared_ptr<MemoryRegionApi> &) {
  return kNotYet;
}

int32_t Session::deregister_memory(const std::shared_ptr<MemoryRegionApi> &) { return kNotYet; }

int32_t Session::create_transfer(const std::string &, std::shared_ptr<TransferApi> &) { return kNotYet; }

int32_t Session::metrics(std::string &) { return kNotYet; }

void Session::close(DoneVoid done) { done(kNotYet); }

}  // namespace hostwire::core
