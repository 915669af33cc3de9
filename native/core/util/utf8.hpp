// hostwire native core: UTF-8 validation of guest strings.
#pragma once

#include <cstddef>
#include <cstdint>

namespace hostwire::core {

/**
 * Whether `n` bytes at `p` are well-formed UTF-8 (RFC 3629: no overlong forms, no UTF-16
 * surrogates, nothing above U+10FFFF). NUL bytes are well-formed.
 */
bool valid_utf8(const uint8_t *p, size_t n);

}  // namespace hostwire::core
