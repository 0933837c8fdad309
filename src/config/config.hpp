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
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.hpp"
#include "config/action.hpp"
#include "config/keys.hpp"
#include "config/ssh_domain.hpp"

namespace cadence::config {

inline constexpr size_t kLuaMemoryLimit = 64u << 20;
inline constexpr uint64_t kLuaInstructionBudget = 50'000'000;

class LuaRuntime;

// How one kind of tab (or the new-tab button) is drawn in the tab bar.
struct TabStyle {
  uint32_t bg = 0;
  uint32_t fg = 0;
  bool bold = false;
  bool italic = false;
  bool underline = false;
  friend bool operator==(const TabStyle&, const TabStyle&) = default;
};

// `colors.tab_bar`, as WezTerm names it.
struct TabBarColors {
  uint32_t background = 0x0b0b0b;
  TabStyle active_tab{0x2b2b3b, 0xe0e0e0, true};
  TabStyle inactive_tab{0x1b1b1b, 0x909090};
  TabStyle inactive_tab_hover{0x3b3b4b, 0xc0c0c0, false, true};
  TabStyle new_tab{0x1b1b1b, 0x909090};
  TabStyle new_tab_hover{0x3b3b4b, 0xc0c0c0, false, true};
  friend bool operator==(const TabBarColors&, const TabBarColors&) = default;
};

struct Colors {
  uint32_t foreground = 0xd8d8d8;  // 0xRRGGBB
  uint32_t background = 0x181818;
  uint32_t cursor = 0xd8d8d8;
  uint32_t selection_foreground = 0x181818;
  uint32_t selection_background = 0xa0c8f0;
  // Palette entries 0..15 ("ansi" then "brights"); unset entries keep xterm's colours.
  std::array<std::optional<uint32_t>, 16> palette;
  TabBarColors tab_bar;
};

enum class ExitBehavior : uint8_t { close, hold };

enum class CursorStyle : uint8_t {
  steady_block,
  blinking_block,
  steady_underline,
  blinking_underline,
  steady_bar,
  blinking_bar,
};

// Mux domains: parsed and checked here, connected to by the mux (SshDomain is in
// ssh_domain.hpp).
struct UnixDomain {
  std::string name;
  std::string socket_path;  // "" = the default socket
  friend bool operator==(const UnixDomain&, const UnixDomain&) = default;
};

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
  std::string term;  // empty: cadence if its terminfo entry is found, else xterm-256color
  bool shell_integration = true;  // start bash with shell-integration/bash/cadence.bash
  ExitBehavior exit_behavior = ExitBehavior::close;
  bool client_side_decorations = false;

  std::vector<std::string> font_features;  // "calt=0", "ss01" (HarfBuzz feature syntax)
  std::string color_scheme;                // a bundled scheme's name; "" = none
  CursorStyle cursor_style = CursorStyle::steady_block;

  bool enable_tab_bar = true;
  bool tab_bar_at_bottom = false;
  bool hide_tab_bar_if_only_one_tab = true;  // a lone tab needs no bar
  int tab_max_width = 16;                    // cells
  double inactive_pane_dim = 0.0;

  std::vector<KeyBinding> keys;
  std::map<std::string, std::vector<KeyBinding>> key_tables;
  bool disable_default_key_bindings = false;
  std::vector<MouseBinding> mouse_bindings;

  std::map<std::string, std::string> set_environment_variables;
  int status_update_interval_ms = 1000;
  // Flood pacing: after a paint that showed more new output than a pane's height (lines
  // went by that no one could read), the next paint waits until this long after it,
  // leaving the CPU to reading and parsing. 0: every frame callback paints.
  int flood_frame_interval_ms = 50;
  size_t frame_log_capacity = 4096;  // frames
  bool frame_log_hud = false;
  std::vector<UnixDomain> unix_domains;
  std::vector<SshDomain> ssh_domains;

  // The configuration file and every module it `require`d: what a watcher should watch.
  std::vector<std::string> loaded_files;
  // The Lua state the file ran in, kept when it registered callbacks (cadence.on,
  // cadence.action_callback); null otherwise. Only the GUI thread may use it.
  std::shared_ptr<LuaRuntime> lua;
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

// The names of the colour schemes built into cadence (lua/colors/), for color_scheme.
std::vector<std::string> color_scheme_names();

}  // namespace cadence::config
