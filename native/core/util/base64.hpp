// hostwire native core: base64 of guest text, as SPEAR reads it (the Rust base64 crate's
// STANDARD engine after str::trim).
#pragma once

#include <optional>
#include <string>

namespace hostwire::core {

/**
 * Decode `text` with the standard alphabet, padding required and canonical, no bits left
 * over in the last symbol; leading and trailing Unicode white space is ignored (Rust's
 * str::trim). nullopt for anything else (a stray byte, white space inside, missing padding).
 */
std::optional<std::string> base64_decode_trimmed(const std::string &text);

}  // namespace hostwire::core
