// hostwire transfer engine: the Transfer handle (a set of tagged operations with one peer).
#pragma once

#include <memory>

#include "core/transfer/engine.hpp"
#include "napi/transfer_core.hpp"

namespace hostwire::core::transfer {

class TransferImpl final : public TransferApi {
 public:
  TransferImpl(std::shared_ptr<Engine> engine, std::shared_ptr<XferState> state)
      : engine_(std::move(engine)), state_(std::move(state)) {}
  /**
   * Dropping the handle (the JS object collected) does not cancel anything: a transfer with
   * active operations stays with the engine until they settle (its pending waits settle with
   * them) or the session closes. release() cancels.
   */
  ~TransferImpl() override;

  int32_t post_send(const std::shared_ptr<MemoryRegionApi> &region, uint64_t offset, uint64_t size,
                    uint64_t tag) override;
  int32_t post_recv(const std::shared_ptr<MemoryRegionApi> &region, uint64_t offset, uint64_t size,
                    uint64_t tag) override;
  int32_t post_send_batch(const std::vector<PostOp> &ops) override;
  int32_t post_recv_batch(const std::vector<PostOp> &ops) override;
  int32_t post_write(const std::shared_ptr<MemoryRegionApi> &region, uint64_t offset, uint64_t size,
                     const abi::MemoryDescriptor &remote, uint64_t remote_offset) override;
  int32_t post_read(const std::shared_ptr<MemoryRegionApi> &region, uint64_t offset, uint64_t size,
                    const abi::MemoryDescriptor &remote, uint64_t remote_offset) override;
  int32_t post_write_batch(const std::vector<RemoteOp> &ops, const WriteBatchOptions &options) override;
  int32_t post_read_batch(const std::vector<RemoteOp> &ops) override;
  void wait(const WaitOptions &options, DoneVoid done) override;
  int32_t is_complete(bool &result) override;
  int32_t received_bytes(uint64_t tag, uint64_t &result) override;
  int32_t release() override;

 private:
  std::shared_ptr<Engine> engine_;
  std::shared_ptr<XferState> state_;
};

}  // namespace hostwire::core::transfer
