// Flat JSON objects: what one frame-log line, a control-socket header and a summary are.
//
// The frame log reads back only what it writes: one object per line whose values are
// numbers, booleans, strings or arrays of strings, never nested objects. A reader for
// that shape is a page of code with every limit visible, where a general JSON library
// would be a dependency for the one layer that has none. Anything outside the shape is
// an error naming the byte offset, so a truncated or foreign line is reported, not
// half-read.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "base/result.hpp"

namespace cadence::framelog {

struct FlatValue {
  enum class Kind : uint8_t { null, boolean, number, string, strings };
  Kind kind = Kind::null;
  bool boolean = false;
  double number = 0;
  uint64_t integer = 0;  // the number when it is a non-negative integer (exact past 2^53)
  bool is_integer = false;
  std::string string;
  std::vector<std::string> strings;
};

using FlatObject = std::vector<std::pair<std::string, FlatValue>>;

// Lines longer than this are refused before parsing (a frame line is under 2 KiB).
inline constexpr size_t kMaxFlatJsonLine = 64 * 1024;

Result<FlatObject> parse_flat_json(std::string_view line);
// The value of `key`, or nullptr.
const FlatValue* find_key(const FlatObject& object, std::string_view key);
// `text` as a JSON string literal, quotes included.
std::string json_quote(std::string_view text);
// A whole JSON string literal (what json_quote writes) back to its bytes, of any length.
Result<std::string> json_unquote(std::string_view literal);

}  // namespace cadence::framelog
