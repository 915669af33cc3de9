#include "core/util/utf8.hpp"

namespace hostwire::core {

bool valid_utf8(const uint8_t *p, size_t n) {
  size_t i = 0;
  while (i < n) {
    const uint8_t c = p[i];
    if (c < 0x80) {
      ++i;
      continue;
    }
    size_t len = 0;
    uint8_t lo = 0x80, hi = 0xbf;  // the range of the second byte
    if (c >= 0xc2 && c <= 0xdf) {
      len = 2;
    } else if (c == 0xe0) {
      len = 3, lo = 0xa0;
    } else if ((c >= 0xe1 && c <= 0xec) || c == 0xee || c == 0xef) {
      len = 3;
    } else if (c == 0xed) {
      len = 3, hi = 0x9f;  // U+D800..U+DFFF are surrogates
    } else if (c == 0xf0) {
      len = 4, lo = 0x90;
    } else if (c >= 0xf1 && c <= 0xf3) {
      len = 4;
    } else if (c == 0xf4) {
      len = 4, hi = 0x8f;  // nothing above U+10FFFF
    } else {
      return false;  // 0x80..0xc1 (continuation or overlong lead), 0xf5..0xff
    }
    if (n - i < len) return false;
    if (p[i + 1] < lo || p[i + 1] > hi) return false;
    for (size_t k = 2; k < len; ++k) {
      if (p[i + k] < 0x80 || p[i + k] > 0xbf) return false;
    }
    i += len;
  }
  return true;
}

}  // namespace hostwire::core
