// What the `cadence cli` subcommands share: exit codes, finding the window to talk to,
// and the commands' entry points (cli.cpp dispatches to them).
#pragma once

#include <cstdint>
#include <initializer_list>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.hpp"

namespace cadence::app {

inline constexpr int kExitOk = 0;
inline constexpr int kExitFailure = 1;
inline constexpr int kExitUsage = 2;

struct WindowSocket {
  std::string path;
  // Whether it came from $CADENCE_SOCKET: then $CADENCE_PANE names a pane of that window
  // and is the default pane.
  bool from_environment = false;
};

// --socket PATH when given; else $CADENCE_SOCKET (set for the programs cadence starts,
// so a command run in a pane talks to its own window); else the newest live socket in
// $XDG_RUNTIME_DIR/cadence.
Result<WindowSocket> window_socket(const std::string& option);
// Every live control socket in $XDG_RUNTIME_DIR/cadence, oldest process first.
std::vector<std::string> all_window_sockets();

// The options of the window and mux commands, parsed once for all of them; which ones a
// command accepts is checked by the command (`allowed`).
struct CommandArgs {
  std::string command;
  std::string socket;
  int64_t pane = 0;  // 0: not given
  int64_t tab = 0;
  std::string cwd;
  bool horizontal = false;
  bool no_paste = false;
  bool escapes = false;
  bool json = false;
  std::optional<int64_t> start_line, end_line;
  std::vector<std::string> argv;        // after --
  std::vector<std::string> positional;  // TEXT, TITLE, ID
};
// args[0] is the command. `allowed` lists the options it takes ("--pane", ...), and
// `max_positional` how many plain arguments.
Result<CommandArgs> parse_command_args(std::span<char*> args,
                                       const std::vector<std::string_view>& allowed,
                                       size_t max_positional);
// The options each command takes.
std::vector<std::string_view> command_options(std::string_view command);
size_t command_positionals(std::string_view command);

// A whole number given for `option`; above 0 unless `allow_negative`.
Result<int64_t> parse_int(std::string_view option, std::string_view text, bool allow_negative);

// activate-pane's pane: its argument, else --pane (an error when neither is given).
Result<void> take_pane_id(CommandArgs& a);

// Standard input, at most `max` bytes (an error past that).
Result<std::string> read_stdin(size_t max);

// Bytes send-text takes at most, in one go (the window keeps a paste whole up to this).
inline constexpr size_t kMaxSendText = 8u << 20;

int frame_log_main(std::span<char*> args);
// list, spawn, split-pane, send-text, get-text, get-marks, activate-pane,
// set-tab-title, kill-pane, reload-config: args[0] is the command.
int control_main(std::span<char*> args);
// `--mux [SOCKET] COMMAND ...`: args start after --mux.
int mux_main(std::span<char*> args);

}  // namespace cadence::app
