// hostwire native core: no exception crosses the core API.
#pragma once

#include <cstdint>
#include <new>

#include "cpp/hostwire_abi.hpp"

namespace hostwire::core {

/** Run `f`: its result, or -ENOMEM for std::bad_alloc and -EIO for any other exception. */
template <class F> auto guarded(F &&f) noexcept -> decltype(f()) {
  try {
    return f();
  } catch (const std::bad_alloc &) {
    return -abi::kENOMEM;
  } catch (...) {
    return -abi::kEIO;
  }
}

}  // namespace hostwire::core
