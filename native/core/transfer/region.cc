#include "core/transfer/region.hpp"

#include <sys/mman.h>

#include "cpp/hostwire_abi.hpp"

namespace hostwire::core::transfer {

MappedMemory::MappedMemory(uint64_t size) : size_(size) {
  if (size == 0) return;
  void *p = mmap(nullptr, size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (p != MAP_FAILED) data_ = static_cast<uint8_t *>(p);
}

MappedMemory::~MappedMemory() {
  if (data_ != nullptr) munmap(data_, size_);
}

int32_t MemoryRegionImpl::id(uint32_t &result) {
  result = st_->id;
  return 0;
}

int32_t MemoryRegionImpl::size(uint64_t &result) {
  result = st_->size;
  return 0;
}

int32_t MemoryRegionImpl::view(Memory &result) {
  result.data = st_->data;
  result.size = static_cast<size_t>(st_->size);
  result.owner = st_->owner;
  return 0;
}

int32_t MemoryRegionImpl::descriptor(std::vector<uint8_t> &result) {
  abi::MemoryDescriptor d{};
  d.base_addr = reinterpret_cast<uintptr_t>(st_->data);
  d.size = st_->size;
  d.kind = abi::MemKind::kHOST;
  d.region_id = st_->id;
  d.rkey = st_->rkey;
  result.assign(abi::MemoryDescriptor::kSize, 0);
  abi::encode(d, result.data());
  return 0;
}

}  // namespace hostwire::core::transfer
