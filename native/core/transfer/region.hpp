// hostwire transfer engine: registered memory.
//
// A RegionState is shared by the engine's registry, the MemoryRegion handle JS holds and
// every operation that reads or writes it, so the bytes stay valid while any of them may
// touch them. Deregistering only removes it from the registry (and fails with -EBUSY while
// an active operation uses it).
#pragma once

#include <cstdint>
#include <memory>
#include <vector>

#include "napi/memory_region_core.hpp"

namespace hostwire::core::transfer {

struct RegionState {
  /** The engine that registered it (regions of another session are -EINVAL). */
  uint64_t engine_id = 0;
  uint32_t id = 0;
  uint8_t *data = nullptr;
  uint64_t size = 0;
  /** Keeps the bytes alive (JS memory or an engine allocation). */
  std::shared_ptr<MemoryOwner> owner;
  bool allow_recv = false;
  bool allow_send = true;
  uint64_t rkey = 0;
  /** Active operations using it (the engine's lock guards it). */
  uint32_t busy = 0;
  bool registered = true;
  bool engine_owned = false;
};

/** Engine-allocated memory (mmap'd, zero-filled lazily, page aligned). */
class MappedMemory final : public MemoryOwner {
 public:
  /** Map `size` bytes; data() is nullptr when that failed. */
  explicit MappedMemory(uint64_t size);
  ~MappedMemory() override;
  MappedMemory(const MappedMemory &) = delete;
  MappedMemory &operator=(const MappedMemory &) = delete;
  uint8_t *data() const { return data_; }

 private:
  uint8_t *data_ = nullptr;
  uint64_t size_ = 0;
};

/** The MemoryRegion handle. */
class MemoryRegionImpl final : public MemoryRegionApi {
 public:
  explicit MemoryRegionImpl(std::shared_ptr<RegionState> st) : st_(std::move(st)) {}
  int32_t id(uint32_t &result) override;
  int32_t size(uint64_t &result) override;
  int32_t view(Memory &result) override;
  int32_t descriptor(std::vector<uint8_t> &result) override;
  const std::shared_ptr<RegionState> &state() const { return st_; }

 private:
  std::shared_ptr<RegionState> st_;
};

}  // namespace hostwire::core::transfer
