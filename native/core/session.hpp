// hostwire native core: Session (an endpoint that listens, connects and moves data).
//
// Not implemented yet: construction validates and stores the options; every method fails
// with -ENOSYS (async ones through their completion, which the glue delivers to JS through
// its thread-safe function), so nothing pretends to work.
//
// Threads: a thread the core starts runs code of hostwire.node, which Node unloads when the
// last environment that loaded it ends (a worker loading the addon unloads it on exit). The
// core must therefore join every thread it starts before that (from an env cleanup hook),
// never detach one: a detached completion thread crashes a terminating worker.
#pragma once

#include <memory>
#include <string>

#include "napi/session_core.hpp"

namespace hostwire::core {

class Session final : public SessionApi {
 public:
  explicit Session(SessionOptions options) : options_(std::move(options)) {}

  /** The options the session was made with. */
  const SessionOptions &options() const { return options_; }

  void listen(Done<std::vector<uint8_t>> done) override;
  int32_t load_remote_conn_info(const std::string &name, const uint8_t *blob, size_t blob_len) override;
  void connect(const std::string &name, DoneVoid done) override;
  void accept(const std::string &name, DoneVoid done) override;
  void disconnect(const std::string &name, DoneVoid done) override;
  int32_t register_memory(const Memory &memory, const RegisterOptions &options,
                          std::shared_ptr<MemoryRegionApi> &result) override;
  int32_t alloc_memory(uint64_t size, const RegisterOptions &options,
                       std::shared_ptr<MemoryRegionApi> &result) override;
  int32_t deregister_memory(const std::shared_ptr<MemoryRegionApi> &region) override;
  int32_t create_transfer(const std::string &name, std::shared_ptr<TransferApi> &result) override;
  int32_t metrics(std::string &result) override;
  void close(DoneVoid done) override;

 private:
  SessionOptions options_;
};

}  // namespace hostwire::core
