// hostwire native core: chat session params (cchat_ctl SET_PARAM `{"key": K, "value": V}`).
//
// The known keys of SPEAR-ABI.md are checked by type, with the same rules as the host's chat
// service (runtime/chat/params.ts), so a bad value fails at SET_PARAM (-EINVAL) instead of
// at the request:
//
//   model, backend                                      a non-empty string
//   timeout_ms, max_tokens, max_iterations              an integer in 1..2^31-1
//   max_tool_calls, max_total_tool_calls,
//   max_tool_output_bytes, tool_arena_ptr,
//   tool_arena_len                                      an integer in 0..2^31-1
//   temperature                                         a number in 0..2
//   response_format                                     a non-empty string, or an object
//                                                       with a string "type"
//
// Unknown keys are accepted and kept (SPEAR accepts them; the host ignores them). A `null`
// value removes the key.
#pragma once

#include <string>

#include "core/json.hpp"

namespace hostwire::core {

/** Whether `value` is acceptable for chat param `key` (any value for an unknown key). */
bool valid_chat_param(const std::string &key, const Json &value);

/**
 * Apply one SET_PARAM argument (the JSON text) to `params` (an object): 0, or -EINVAL for
 * malformed JSON, a missing or empty string `key`, a missing `value`, or a known key's
 * value of the wrong type (then `params` is unchanged).
 */
int32_t apply_param(Json &params, const uint8_t *arg, size_t arg_len, bool (*valid)(const std::string &, const Json &));

}  // namespace hostwire::core
