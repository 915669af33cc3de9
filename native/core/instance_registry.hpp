// hostwire native core: the process-wide registry of guest instances.
//
// Host services on any thread reach an instance by its numeric id (runtime/guest/README.md,
// "The bridge"). The registry holds weak references: it never keeps an instance alive, and
// an id stops resolving once the instance is released or destroyed. Ids are never reused.
// Its mutex is a leaf: no other lock is taken while holding it.
#pragma once

#include <cstdint>
#include <memory>
#include <mutex>
#include <unordered_map>

namespace hostwire::core {

class GuestInstance;

class InstanceRegistry {
 public:
  /** The registry of the process (never destroyed, so late releases on any thread are safe). */
  static InstanceRegistry &get();

  /** A new id, never 0 and never given before. */
  uint64_t next_id();

  void add(uint64_t id, const std::weak_ptr<GuestInstance> &instance);
  void remove(uint64_t id);

  /** The live instance `id`, or nullptr. */
  std::shared_ptr<GuestInstance> find(uint64_t id) const;

  /** Registered instances (for tests). */
  size_t size() const;

 private:
  InstanceRegistry() = default;

  mutable std::mutex mu_;  // leaf
  uint64_t last_id_ = 0;
  std::unordered_map<uint64_t, std::weak_ptr<GuestInstance>> instances_;
};

}  // namespace hostwire::core
