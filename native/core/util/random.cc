#include "core/util/random.hpp"

#include <sys/random.h>

#include <cerrno>
#include <cstring>
#include <random>

namespace hostwire::core {

uint64_t random_u64() {
  uint64_t value = 0;
  auto *p = reinterpret_cast<unsigned char *>(&value);
  size_t got = 0;
  while (got < sizeof value) {
    const ssize_t n = ::getrandom(p + got, sizeof value - got, 0);
    if (n > 0) {
      got += static_cast<size_t>(n);
    } else if (n < 0 && errno == EINTR) {
      continue;
    } else {
      break;  // ENOSYS on a very old kernel: fall back below
    }
  }
  if (got == sizeof value) return value;
  // std::random_device reads the kernel's source too (/dev/urandom) on Linux.
  std::random_device rd;
  return (static_cast<uint64_t>(rd()) << 32) ^ static_cast<uint64_t>(rd());
}

}  // namespace hostwire::core
