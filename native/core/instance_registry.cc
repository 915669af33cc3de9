#include "core/instance_registry.hpp"

namespace hostwire::core {

InstanceRegistry &InstanceRegistry::get() {
  // Leaked on purpose: instances may be released on other threads while the process exits.
  static InstanceRegistry *const registry = new InstanceRegistry();
  return *registry;
}

uint64_t InstanceRegistry::next_id() {
  std::lock_guard<std::mutex> lock(mu_);
  return ++last_id_;
}

void InstanceRegistry::add(uint64_t id, const std::weak_ptr<GuestInstance> &instance) {
  std::lock_guard<std::mutex> lock(mu_);
  instances_[id] = instance;
}

void InstanceRegistry::remove(uint64_t id) {
  std::lock_guard<std::mutex> lock(mu_);
  instances_.erase(id);
}

std::shared_ptr<GuestInstance> InstanceRegistry::find(uint64_t id) const {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = instances_.find(id);
  return it == instances_.end() ? nullptr : it->second.lock();
}

size_t InstanceRegistry::size() const {
  std::lock_guard<std::mutex> lock(mu_);
  return instances_.size();
}

}  // namespace hostwire::core
