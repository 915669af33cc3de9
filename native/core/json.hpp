// hostwire native core: JSON in and out of the guest (nlohmann::json, insertion-ordered).
//
// Guest JSON is untrusted: parsing never throws, rejects malformed UTF-8, and refuses nesting
// deeper than kMaxJsonDepth (serializing a deeper value would recurse that deep).
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "napi/core_types.hpp"

namespace hostwire::core {

/** A JSON value whose objects keep their keys in insertion order. */
using Json = nlohmann::ordered_json;

/** Arrays and objects nested deeper than this are malformed input. */
constexpr size_t kMaxJsonDepth = 64;

/**
 * Parse `n` bytes of guest JSON at `p` (trailing NUL bytes are ignored, as C strings passed
 * with their terminator). nullopt when malformed, not UTF-8 or nested too deep.
 */
std::optional<Json> parse_json(const uint8_t *p, size_t n);

/** parse_json over a string. */
std::optional<Json> parse_json(const std::string &s);

/** The compact UTF-8 text of `j`. */
std::string json_text(const Json &j);

/** Give the guest `j` as a ctl command's output: 0 with it written, or -ENOSPC when it does not fit. */
int32_t json_output(const Json &j, Output &out);

// Reading guest JSON as SPEAR's serde_json::Value accessors do.

/** `obj[key]` when `obj` is an object that has it (Value::get), else nullptr. */
const Json *member(const Json &obj, const char *key);
/** A non-negative integer (Value::as_u64); floats, negatives and other types are nullopt. */
std::optional<uint64_t> as_u64(const Json *v);
/** Any number as a double (Value::as_f64). */
std::optional<double> as_f64(const Json *v);
/** A string (Value::as_str). */
std::optional<std::string> as_str(const Json *v);
/** A boolean (Value::as_bool), else `dflt`. */
bool as_bool_or(const Json *v, bool dflt);

/** The ABI's name of errno `err` (`"ETIMEDOUT"` for -110), or `"E<n>"` outside the table. */
std::string errno_string(int32_t err);

}  // namespace hostwire::core
