// hostwire native core: chat session params (cchat_ctl SET_PARAM `{"key": K, "value": V}`).
//
// As SPEAR (runtime/wasm_hostcalls.rs cchat_ctl, host_api/cchat.rs cchat_ctl_set_param):
// the argument must be JSON (else -EIO) with a non-empty string "key" (else -EIO); "value"
// is any JSON value, null when absent, and is stored as it is under the key (a later
// SET_PARAM of the key replaces it). No value is checked when it is set: the host reads
// each param as SPEAR does when the request runs (runtime/chat/loop.ts), and a value it
// cannot use counts as unset.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>

#include "core/json.hpp"

namespace hostwire::core {

/** Parse one SET_PARAM argument: 0 with `key` and `value` set, or -EIO. */
int32_t parse_param(const uint8_t *arg, size_t arg_len, std::string &key, Json &value);

}  // namespace hostwire::core
