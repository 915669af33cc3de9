// hostwire native core: Session (an endpoint that listens, connects and moves data).
//
// The behaviour is the transfer engine (core/transfer/, see engine.hpp): multi-channel TCP
// with tagged, zero-copy bulk transfers. This class forwards the generated SessionApi to it.
//
// Threads: the engine runs one event-loop thread per session, started by the first
// listen()/connect() and joined by close() or when the last reference (this Session, or a
// Transfer handle) goes; for JS that is an ObjectWrap finalizer, which Node also runs when
// an environment ends, so a terminating worker joins its threads before the addon can be
// unloaded. No thread is ever detached.
#pragma once

#include <memory>
#include <string>

#include "core/transfer/engine.hpp"
#include "napi/session_core.hpp"

namespace hostwire::core {

class Session final : public SessionApi {
 public:
  explicit Session(SessionOptions options);

  /** The options the session was made with. */
  const SessionOptions &options() const { return options_; }

  void listen(const ListenOptions &options, Done<std::vector<uint8_t>> done) override;
  int32_t load_remote_conn_info(const std::string &name, const uint8_t *blob, size_t blob_len) override;
  void connect(const std::string &name, const ConnectOptions &options, DoneVoid done) override;
  void accept(const std::string &name, const AcceptOptions &options, DoneVoid done) override;
  void disconnect(const std::string &name, DoneVoid done) override;
  int32_t register_memory(const Memory &memory, const RegisterOptions &options,
                          std::shared_ptr<MemoryRegionApi> &result) override;
  int32_t alloc_memory(uint64_t size, const RegisterOptions &options,
                       std::shared_ptr<MemoryRegionApi> &result) override;
  int32_t deregister_memory(const std::shared_ptr<MemoryRegionApi> &region) override;
  int32_t create_transfer(const std::string &name, std::shared_ptr<TransferApi> &result) override;
  int32_t gen_notif(const std::string &name, const uint8_t *msg, size_t msg_len) override;
  int32_t get_notifs(std::vector<Notif> &result) override;
  void wait_notif(const WaitNotifOptions &options, Done<Notif> done) override;
  int32_t metrics(std::string &result) override;
  void close(DoneVoid done) override;

 private:
  SessionOptions options_;
  std::shared_ptr<transfer::Engine> engine_;
};

}  // namespace hostwire::core
