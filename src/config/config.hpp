// The configuration: a Lua file evaluated once per load into an immutable Config.
//
// A config file is Lua 5.4, in the style WezTerm users know:
//
//     local cadence = require 'cadence'
//     local config = cadence.config_builder()
//     config.font = 'DejaVu Sans Mono'
//     config.font_size = 12
//     config.colors = { background = '#102030' }
//     return config
//
// The builder checks every assignment as it happens, so a typo is reported at the line
// that made it: an unknown key names the closest valid one, a wrong type names the type
// expected. Whatever the file returns is then copied into a Config, a plain struct the
// rest of cadence reads; nothing on a hot path ever calls into Lua or reads the
// environment. Each successful load has a generation number, so caches keyed on the
// config can tell a reload from the config they were built with.
//
// Lua runs in a box: its allocator refuses to grow past kLuaMemoryLimit, and a count
// hook stops a file that runs past kLuaInstructionBudget instructions (an endless loop
// gets an error, not a hung terminal). Only the safe standard libraries are opened
// (no io, os.execute or package loading from C).
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.hpp"

namespace cadence::config {

inline constexpr size_t kLuaMemoryLimit = 64u << 20;
inline constexpr uint64_t kLuaInstructionBudget = 50'000'000;

struct Colors {
  uint32_t foreground = 0xd8d8d8;  // 0xRRGGBB
  uint32_t background = 0x181818;
  uint32_t cursor = 0xd8d8d8;
  uint32_t selection_foreground = 0x181818;
  uint32_t selection_background = 0xa0c8f0;
  // Palette entries 0..15 ("ansi" then "brights"); unset entries keep xterm's colours.
  std::array<std::optional<uint32_t>, 16> palette;
};

enum class ExitBehavior : uint8_t { close, hold };

struct Config {
  uint64_t generation = 0;
  std::string source;  // the file it came from, or "(built-in defaults)"
  std::string font = "monospace";
  double font_size = 11.0;
  Colors colors;
  size_t scrollback_lines = 10000;
  bool cursor_blink = false;
  int window_padding = 2;                 // logical pixels
  std::vector<std::string> default_prog;  // empty: the user's shell
  std::string term = "xterm-256color";
  ExitBehavior exit_behavior = ExitBehavior::close;
  bool client_side_decorations = false;
};

// $XDG_CONFIG_HOME/cadence/cadence.lua, else ~/.config/cadence/cadence.lua.
std::string default_config_path();

// Evaluates Lua source (chunk_name names it in error messages). The error says where
// and what: "cadence.lua:4: unknown option 'font_szie' (did you mean 'font_size'?)".
Result<Config> load_string(std::string_view source, const std::string& chunk_name,
                           uint64_t generation);
Result<Config> load_file(const std::string& path, uint64_t generation);

// The option names the builder accepts (for documentation and tests).
std::vector<std::string> option_names();

}  // namespace cadence::config
