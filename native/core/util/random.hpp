// hostwire native core: the host's cryptographic random source.
#pragma once

#include <cstdint>

namespace hostwire::core {

/** 64 random bits from getrandom(2) (the kernel's CSPRNG); never fails. */
uint64_t random_u64();

}  // namespace hostwire::core
