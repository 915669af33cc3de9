#include "core/util/base64.hpp"

#include <cstdint>

namespace hostwire::core {

namespace {

/** The length of the Unicode White_Space character that starts at `p` (at most `n` bytes), or 0. */
size_t space_at(const unsigned char *p, size_t n) {
  if (n >= 1 && (p[0] == ' ' || (p[0] >= 0x09 && p[0] <= 0x0d))) return 1;
  if (n >= 2 && p[0] == 0xc2 && (p[1] == 0x85 || p[1] == 0xa0)) return 2;
  if (n >= 3 && p[0] == 0xe1 && p[1] == 0x9a && p[2] == 0x80) return 3;  // U+1680
  if (n >= 3 && p[0] == 0xe2 && p[1] == 0x80 && ((p[2] >= 0x80 && p[2] <= 0x8a) || p[2] == 0xa8 || p[2] == 0xa9 || p[2] == 0xaf)) return 3;
  if (n >= 3 && p[0] == 0xe2 && p[1] == 0x81 && p[2] == 0x9f) return 3;  // U+205F
  if (n >= 3 && p[0] == 0xe3 && p[1] == 0x80 && p[2] == 0x80) return 3;  // U+3000
  return 0;
}

/** Whether a White_Space character ends at `end` (bytes [begin, end)); its length in `len`. */
bool space_before(const unsigned char *begin, const unsigned char *end, size_t &len) {
  for (size_t k = 1; k <= 3 && static_cast<size_t>(end - begin) >= k; ++k) {
    if (space_at(end - k, k) == k) {
      len = k;
      return true;
    }
  }
  return false;
}

int value_of(unsigned char c) {
  if (c >= 'A' && c <= 'Z') return c - 'A';
  if (c >= 'a' && c <= 'z') return c - 'a' + 26;
  if (c >= '0' && c <= '9') return c - '0' + 52;
  if (c == '+') return 62;
  if (c == '/') return 63;
  return -1;
}

}  // namespace

std::optional<std::string> base64_decode_trimmed(const std::string &text) {
  const unsigned char *b = reinterpret_cast<const unsigned char *>(text.data());
  const unsigned char *e = b + text.size();
  for (size_t k; b < e && (k = space_at(b, static_cast<size_t>(e - b))) != 0;) b += k;
  for (size_t k; b < e && space_before(b, e, k);) e -= k;
  const size_t n = static_cast<size_t>(e - b);
  if (n % 4 != 0) return std::nullopt;
  std::string out;
  out.reserve(n / 4 * 3);
  for (size_t i = 0; i < n; i += 4) {
    const bool last = i + 4 == n;
    size_t pad = 0;
    if (last && b[i + 3] == '=') pad = b[i + 2] == '=' ? 2 : 1;
    int v[4] = {0, 0, 0, 0};
    for (size_t j = 0; j < 4 - pad; ++j) {
      v[j] = value_of(b[i + j]);
      if (v[j] < 0) return std::nullopt;
    }
    const uint32_t word = (static_cast<uint32_t>(v[0]) << 18) | (static_cast<uint32_t>(v[1]) << 12) |
                          (static_cast<uint32_t>(v[2]) << 6) | static_cast<uint32_t>(v[3]);
    out.push_back(static_cast<char>((word >> 16) & 0xff));
    if (pad == 2) {
      if ((word & 0xffff) != 0) return std::nullopt;  // bits left over
    } else {
      out.push_back(static_cast<char>((word >> 8) & 0xff));
      if (pad == 1) {
        if ((word & 0xff) != 0) return std::nullopt;
      } else {
        out.push_back(static_cast<char>(word & 0xff));
      }
    }
  }
  return out;
}

}  // namespace hostwire::core
