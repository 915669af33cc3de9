#include "core/chat_params.hpp"

#include <cmath>
#include <cstdint>

#include "cpp/hostwire_abi.hpp"

namespace hostwire::core {

namespace {

constexpr int64_t kI32Max = 0x7fffffff;

bool non_empty_string(const Json &v) { return v.is_string() && !v.get_ref<const std::string &>().empty(); }

bool int_at_least(const Json &v, int64_t min) {
  if (v.is_number_unsigned()) return v.get<uint64_t>() >= static_cast<uint64_t>(min) && v.get<uint64_t>() <= kI32Max;
  if (v.is_number_integer()) return v.get<int64_t>() >= min && v.get<int64_t>() <= kI32Max;
  if (v.is_number_float()) {  // 128.0 is an integer in JSON's number model, as in JS
    const double d = v.get<double>();
    return std::isfinite(d) && d == std::floor(d) && d >= static_cast<double>(min) && d <= static_cast<double>(kI32Max);
  }
  return false;
}

}  // namespace

bool valid_chat_param(const std::string &key, const Json &value) {
  if (key == "model" || key == "backend") return non_empty_string(value);
  if (key == "timeout_ms" || key == "max_tokens" || key == "max_iterations") return int_at_least(value, 1);
  if (key == "max_tool_calls" || key == "max_total_tool_calls" || key == "max_tool_output_bytes" ||
      key == "tool_arena_ptr" || key == "tool_arena_len") {
    return int_at_least(value, 0);
  }
  if (key == "temperature") {
    if (!value.is_number()) return false;
    const double d = value.get<double>();
    return std::isfinite(d) && d >= 0 && d <= 2;
  }
  if (key == "response_format") {
    return non_empty_string(value) || (value.is_object() && value.contains("type") && value["type"].is_string());
  }
  return true;
}

int32_t apply_param(Json &params, const uint8_t *arg, size_t arg_len, bool (*valid)(const std::string &, const Json &)) {
  std::optional<Json> j = parse_json(arg, arg_len);
  if (!j || !j->is_object()) return -abi::kEINVAL;
  auto key = j->find("key");
  auto value = j->find("value");
  if (key == j->end() || !non_empty_string(*key) || value == j->end()) return -abi::kEINVAL;
  const std::string &k = key->get_ref<const std::string &>();
  if (value->is_null()) {
    params.erase(k);
    return 0;
  }
  if (!valid(k, *value)) return -abi::kEINVAL;
  params[k] = std::move(*value);
  return 0;
}

}  // namespace hostwire::core
