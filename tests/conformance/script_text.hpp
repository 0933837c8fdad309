// Text helpers for libvterm's test scripts (t/*.test).
//
// run-test.pl evaluates PUSH arguments and string expectations with Perl's eval; the
// test files use only double-quoted literals with C escapes, concatenation (`.`) and
// repetition (`x N`), which is what eval_perl_string understands. A Perl string is a
// sequence of characters, so the results are UTF-32: "\xCC" is one character, U+00CC,
// which PUSH sends as the byte 0xCC (to_bytes).
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "vt/utf8.hpp"

namespace cadence::conformance {

std::string_view trim(std::string_view s);
bool starts_with(std::string_view s, std::string_view prefix);

using cadence::vt::append_utf8;
// The terminal's own text is valid UTF-8, so this decoder needs no error handling.
std::u32string decode_utf8(std::string_view s);
// 0x41,0x42,... as libvterm's harness prints code points and bytes.
std::string hex_list(const std::u32string& values);
// Bytes as a C string literal, for messages.
std::string c_literal(std::string_view bytes);
// Comma- or space-separated integers (decimal, 0x hex); false on anything else.
bool parse_ints(std::string_view text, std::vector<int>& out);

// expression := literal ('x' count)? ('.' literal ('x' count)?)*
std::optional<std::u32string> eval_perl_string(std::string_view s);
// Characters of a Perl string as the bytes PUSH sends (wider ones as UTF-8).
std::string to_bytes(const std::u32string& chars);
// An expectation written either as a Perl string or as a list of numbers (0x41,0x42).
std::optional<std::u32string> parse_char_list(std::string_view text);

}  // namespace cadence::conformance
