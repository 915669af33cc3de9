#include "core/session.hpp"

#include "core/transfer/socket.hpp"
#include "core/transfer/transfer.hpp"
#include "cpp/hostwire_abi.hpp"

namespace hostwire::core {

int32_t make_session(const SessionOptions &options, std::shared_ptr<SessionApi> &out) {
  // The glue checks JS arguments; C++ callers get the same rules from the IDL here.
  if (!valid(options)) return -abi::kEINVAL;
  if (transfer::check_congestion(options.congestion, error_detail()) != 0) return -abi::kEINVAL;
  if (options.name.size() > abi::kPEER_NAME_MAX) {
    error_detail() = "options.name: " + std::to_string(options.name.size()) + " bytes; a session announces at most " +
                     std::to_string(abi::kPEER_NAME_MAX);
    return -abi::kEINVAL;
  }
  out = std::make_shared<Session>(options);
  return 0;
}

Session::Session(SessionOptions options)
    : options_(std::move(options)), engine_(std::make_shared<transfer::Engine>(options_)) {}

void Session::listen(const ListenOptions &options, Done<std::vector<uint8_t>> done) {
  engine_->listen(options, std::move(done));
}

int32_t Session::load_remote_conn_info(const std::string &name, const uint8_t *blob, size_t blob_len) {
  return engine_->load_remote_conn_info(name, blob, blob_len);
}

void Session::connect(const std::string &name, const ConnectOptions &options, DoneVoid done) {
  engine_->connect(name, options, std::move(done));
}

void Session::accept(const std::string &name, const AcceptOptions &options, DoneVoid done) {
  engine_->accept(name, options, std::move(done));
}

void Session::disconnect(const std::string &name, DoneVoid done) { engine_->disconnect(name, std::move(done)); }

int32_t Session::register_memory(const Memory &memory, const RegisterOptions &options,
                                 std::shared_ptr<MemoryRegionApi> &result) {
  return engine_->register_memory(memory, options, result);
}

int32_t Session::alloc_memory(uint64_t size, const RegisterOptions &options,
                              std::shared_ptr<MemoryRegionApi> &result) {
  return engine_->alloc_memory(size, options, result);
}

int32_t Session::deregister_memory(const std::shared_ptr<MemoryRegionApi> &region) {
  return engine_->deregister_memory(region);
}

int32_t Session::create_transfer(const std::string &name, std::shared_ptr<TransferApi> &result) {
  std::shared_ptr<transfer::XferState> state;
  const int32_t err = engine_->create_transfer(name, state);
  if (err != 0) return err;
  result = std::make_shared<transfer::TransferImpl>(engine_, std::move(state));
  return 0;
}

int32_t Session::gen_notif(const std::string &name, const uint8_t *msg, size_t msg_len) {
  return engine_->gen_notif(name, msg, msg_len);
}

int32_t Session::get_notifs(std::vector<Notif> &result) {
  engine_->get_notifs(result);
  return 0;
}

void Session::wait_notif(const WaitNotifOptions &options, Done<Notif> done) {
  engine_->wait_notif(options, std::move(done));
}

int32_t Session::metrics(std::string &result) {
  result = engine_->metrics_json();
  return 0;
}

void Session::close(DoneVoid done) { engine_->close(std::move(done)); }

}  // namespace hostwire::core
