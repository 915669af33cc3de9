#include "core/chat_params.hpp"

#include "cpp/hostwire_abi.hpp"

namespace hostwire::core {

int32_t parse_param(const uint8_t *arg, size_t arg_len, std::string &key, Json &value) {
  std::optional<Json> j = parse_json(arg, arg_len);
  if (!j) return -abi::kEIO;
  Json k = j->is_object() && j->contains("key") ? (*j)["key"] : Json();
  if (!k.is_string() || k.get_ref<const std::string &>().empty()) return -abi::kEIO;
  key = k.get<std::string>();
  value = j->is_object() && j->contains("value") ? (*j)["value"] : Json();
  return 0;
}

}  // namespace hostwire::core
