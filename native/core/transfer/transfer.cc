#include "core/transfer/transfer.hpp"

namespace hostwire::core::transfer {

namespace {

std::vector<PostOp> one(const std::shared_ptr<MemoryRegionApi> &region, uint64_t offset, uint64_t size, uint64_t tag) {
  std::vector<PostOp> ops(1);
  ops[0].region = region;
  ops[0].offset = offset;
  ops[0].size = size;
  ops[0].tag = tag;
  return ops;
}

std::vector<RemoteOp> one_remote(const std::shared_ptr<MemoryRegionApi> &region, uint64_t offset, uint64_t size,
                                 const abi::MemoryDescriptor &remote, uint64_t remote_offset) {
  std::vector<RemoteOp> ops(1);
  ops[0].region = region;
  ops[0].offset = offset;
  ops[0].size = size;
  ops[0].remote = remote;
  ops[0].remote_offset = remote_offset;
  return ops;
}

}  // namespace

TransferImpl::~TransferImpl() { engine_->abandon(state_); }

int32_t TransferImpl::post_send(const std::shared_ptr<MemoryRegionApi> &region, uint64_t offset, uint64_t size,
                                uint64_t tag) {
  return engine_->post(*state_, false, one(region, offset, size, tag));
}

int32_t TransferImpl::post_recv(const std::shared_ptr<MemoryRegionApi> &region, uint64_t offset, uint64_t size,
                                uint64_t tag) {
  return engine_->post(*state_, true, one(region, offset, size, tag));
}

int32_t TransferImpl::post_send_batch(const std::vector<PostOp> &ops) { return engine_->post(*state_, false, ops); }

int32_t TransferImpl::post_recv_batch(const std::vector<PostOp> &ops) { return engine_->post(*state_, true, ops); }

int32_t TransferImpl::post_write(const std::shared_ptr<MemoryRegionApi> &region, uint64_t offset, uint64_t size,
                                 const abi::MemoryDescriptor &remote, uint64_t remote_offset) {
  return engine_->post_one_sided(*state_, false, one_remote(region, offset, size, remote, remote_offset), std::nullopt);
}

int32_t TransferImpl::post_read(const std::shared_ptr<MemoryRegionApi> &region, uint64_t offset, uint64_t size,
                                const abi::MemoryDescriptor &remote, uint64_t remote_offset) {
  return engine_->post_one_sided(*state_, true, one_remote(region, offset, size, remote, remote_offset), std::nullopt);
}

int32_t TransferImpl::post_write_batch(const std::vector<RemoteOp> &ops, const WriteBatchOptions &options) {
  return engine_->post_one_sided(*state_, false, ops, options.notify);
}

int32_t TransferImpl::post_read_batch(const std::vector<RemoteOp> &ops) {
  return engine_->post_one_sided(*state_, true, ops, std::nullopt);
}

void TransferImpl::wait(const WaitOptions &options, DoneVoid done) { engine_->wait(state_, options, std::move(done)); }

int32_t TransferImpl::is_complete(bool &result) { return engine_->is_complete(*state_, result); }

int32_t TransferImpl::received_bytes(uint64_t tag, uint64_t &result) {
  return engine_->received_bytes(*state_, tag, result);
}

int32_t TransferImpl::release() {
  engine_->cancel(*state_, true);
  return 0;
}

}  // namespace hostwire::core::transfer
