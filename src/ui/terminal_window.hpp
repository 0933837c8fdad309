// The terminal window: one Wayland window showing tabs of local panes.
//
// TerminalWindow wires the layers together and owns the one decision that makes cadence
// what it is: when to paint (see "Frame pacing" in terminal_window.cpp). Everything else
// here is plumbing: keys become bytes for the pty (ui/key_encoder), pointer events become
// selections or mouse reports, the clipboard and primary selection move text in and out,
// the window's size and scale become the pty's rows and columns.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "config/config.hpp"
#include "render/font/font_set.hpp"
#include "ssh/link.hpp"
#include "ssh/target.hpp"
#include "ui/view.hpp"

namespace cadence::ui {

struct WindowConfig {
  std::vector<std::string> command;  // the first pane's program; empty: the user's shell
  // What new tabs and splits run (the configuration's default_prog); empty: the shell.
  std::vector<std::string> default_command;
  render::font::FontSpec font;
  std::string title = "cadence";
  std::string app_id = "cadence";
  bool hold = false;            // keep the window open after the program exits
  std::string screenshot_path;  // where SIGUSR1 and Ctrl+Shift+S save the next frame
  std::string stats_path;       // frame counters written at exit and on SIGUSR2 (JSON)
  std::string frame_log_path;   // one JSON line per frame, stalls and their cause marked
  bool cursor_blink = false;
  size_t scrollback_lines = 10000;
  int padding = 2;  // logical pixels around the grid
  // Draw a title bar and resize edges ourselves even when the compositor would decorate
  // the window (without xdg-decoration cadence does this anyway).
  bool client_side_decorations = false;
  ColorScheme colors;
  std::array<std::optional<uint32_t>, 16> palette;  // 0xRRGGBB; unset: xterm's colours
  std::string term = "xterm-256color";
  // NAME=value for every program the window starts, after TERM (TERMINFO_DIRS when the
  // entry is found only in cadence's prefix; CADENCE_SHELL_INTEGRATION).
  std::vector<std::string> env;
  // The folder of the shell integration scripts; empty: bash is started as it is
  // (ui/shell_integration.hpp).
  std::string shell_integration_dir;
  // A mux server's socket to attach to (`cadence connect`); empty: local panes.
  std::string connect_socket;
  // An SSH domain to connect to (`cadence connect ssh:NAME`): with multiplexing
  // 'cadence' the window attaches to cadence-mux there, with 'none' every pane is a
  // remote shell of its own. Its link options (known_hosts, agent) come with it.
  std::optional<ssh::Target> connect_ssh;
  ssh::LinkOptions ssh_options;
  // The configuration file as loaded (or the defaults): key bindings, the tab bar's
  // options, callbacks. The fields above are what the command line may override.
  config::Config file;
  // Shown in the terminal before the program's output (a configuration error).
  std::string startup_message;
  // The configuration file to watch and reload (Ctrl+Shift+R, or when it changes on
  // disk); empty: none. Reloads apply colours, font, padding and cursor blink; the font
  // only when --font did not set it.
  std::string config_path;
  bool font_from_command_line = false;
  bool blink_from_command_line = false;
  // Frame pacing safety net: a frame callback that has not arrived after this long is
  // given up on (the window may be hidden) and painting resumes.
  int watchdog_ms = 1000;
  // Synchronized output (DEC mode 2026) holds painting at most this long.
  int sync_timeout_ms = 150;
};

// Runs the window until it closes; returns the exit status for `cadence` (the program's
// status when it exited, 1 when the window could not be created).
int run_terminal_window(const WindowConfig& config);

}  // namespace cadence::ui
