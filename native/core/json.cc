#include "core/json.hpp"

#include "cpp/hostwire_abi.hpp"

namespace hostwire::core {

namespace {

/** Whether arrays and objects nest at most `max` deep (strings and escapes skipped). */
bool depth_ok(const uint8_t *p, size_t n, size_t max) {
  size_t depth = 0;
  bool in_string = false;
  for (size_t i = 0; i < n; ++i) {
    const uint8_t c = p[i];
    if (in_string) {
      if (c == '\\') {
        ++i;  // the escaped character
      } else if (c == '"') {
        in_string = false;
      }
    } else if (c == '"') {
      in_string = true;
    } else if (c == '[' || c == '{') {
      if (++depth > max) return false;
    } else if ((c == ']' || c == '}') && depth > 0) {
      --depth;
    }
  }
  return true;
}

}  // namespace

std::optional<Json> parse_json(const uint8_t *p, size_t n) {
  while (n > 0 && p[n - 1] == 0) --n;
  if (n == 0 || p == nullptr) return std::nullopt;
  if (!depth_ok(p, n, kMaxJsonDepth)) return std::nullopt;
  Json j = Json::parse(p, p + n, nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded()) return std::nullopt;
  return j;
}

std::optional<Json> parse_json(const std::string &s) {
  return parse_json(reinterpret_cast<const uint8_t *>(s.data()), s.size());
}

std::string json_text(const Json &j) {
  // Strings come from parsed (so valid) UTF-8 or from the host; replace guards the rest.
  return j.dump(-1, ' ', false, nlohmann::detail::error_handler_t::replace);
}

int32_t json_output(const Json &j, Output &out) { return out.write(json_text(j)); }

std::string errno_string(int32_t err) {
  if (const char *name = abi::errno_name(err)) return name;
  const int64_t magnitude = err < 0 ? -static_cast<int64_t>(err) : err;
  return "E" + std::to_string(magnitude);
}

const Json *member(const Json &obj, const char *key) {
  if (!obj.is_object()) return nullptr;
  auto it = obj.find(key);
  return it == obj.end() ? nullptr : &*it;
}

std::optional<uint64_t> as_u64(const Json *v) {
  if (v == nullptr) return std::nullopt;
  if (v->is_number_unsigned()) return v->get<uint64_t>();
  if (v->is_number_integer()) {
    const int64_t i = v->get<int64_t>();
    if (i >= 0) return static_cast<uint64_t>(i);
  }
  return std::nullopt;
}

std::optional<double> as_f64(const Json *v) {
  if (v == nullptr || !v->is_number()) return std::nullopt;
  return v->get<double>();
}

std::optional<std::string> as_str(const Json *v) {
  if (v == nullptr || !v->is_string()) return std::nullopt;
  return v->get<std::string>();
}

bool as_bool_or(const Json *v, bool dflt) { return v != nullptr && v->is_boolean() ? v->get<bool>() : dflt; }

}  // namespace hostwire::core
