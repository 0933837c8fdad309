// `cadence cli ...`: scripting a running cadence over its control socket, or a mux
// daemon's session over its socket. This file picks the command; frame-log is in
// cli_framelog.cpp, the window's commands in cli_control.cpp, the mux's in cli_mux.cpp.
//
// Exit status (every command): 0 done, 1 the window or session failed the request or
// could not be reached, 2 a usage error.
#include "app/cli.hpp"

#include <dirent.h>
#include <signal.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <span>
#include <string_view>

#include "app/cli_common.hpp"
#include "base/control_socket.hpp"

namespace cadence::app {
namespace {

constexpr const char* kUsage =
    "usage: cadence cli COMMAND [options]\n"
    "\n"
    "A running cadence window (its control socket: --socket PATH, else $CADENCE_SOCKET,\n"
    "else the newest in $XDG_RUNTIME_DIR/cadence); the pane is --pane ID, else\n"
    "$CADENCE_PANE inside cadence, else the active one:\n"
    "  list [--json]                           windows, tabs and panes\n"
    "  spawn [--cwd DIR] [-- CMD...]           a new tab\n"
    "  split-pane [--horizontal] [--pane ID] [--cwd DIR] [-- CMD...]\n"
    "  send-text [--pane ID] [--no-paste] [TEXT]   TEXT or standard input\n"
    "  get-text [--pane ID] [--start-line N] [--end-line N] [--escapes]\n"
    "  get-marks [--pane ID]                   the shell's prompt marks (OSC 133)\n"
    "  activate-pane ID\n"
    "  set-tab-title [--tab ID] TITLE\n"
    "  kill-pane [--pane ID]\n"
    "  reload-config\n"
    "  frame-log [options]                     (cadence cli frame-log --help)\n"
    "\n"
    "A mux daemon's session (default socket $XDG_RUNTIME_DIR/cadence/mux.sock):\n"
    "  --mux [SOCKET] list|spawn|split-pane|send-text|get-text|kill-pane ...\n";

}  // namespace

Result<WindowSocket> window_socket(const std::string& option) {
  if (!option.empty()) return WindowSocket{option, false};
  if (const char* env = std::getenv("CADENCE_SOCKET"); env && *env) return WindowSocket{env, true};
  const std::string dir = control_dir();
  if (dir.empty()) return make_error("no running cadence found: XDG_RUNTIME_DIR is not set");
  Result<std::string> found = find_control_socket(dir);
  if (!found) return found.error();
  return WindowSocket{found.value(), false};
}

std::vector<std::string> all_window_sockets() {
  std::vector<std::pair<long, std::string>> found;
  const std::string dir = control_dir();
  if (dir.empty()) return {};
  DIR* d = opendir(dir.c_str());
  if (!d) return {};
  while (dirent* e = readdir(d)) {
    const std::string_view name = e->d_name;
    if (!name.starts_with("control-") || !name.ends_with(".sock")) continue;
    const std::string digits(name.substr(8, name.size() - 8 - 5));
    char* end = nullptr;
    const long pid = std::strtol(digits.c_str(), &end, 10);
    if (digits.empty() || *end != '\0' || pid <= 0) continue;
    if (kill(static_cast<pid_t>(pid), 0) != 0 && errno != EPERM) continue;  // stale
    found.emplace_back(pid, dir + "/" + std::string(name));
  }
  closedir(d);
  std::sort(found.begin(), found.end());
  std::vector<std::string> out;
  for (auto& [pid, path] : found) out.push_back(std::move(path));
  return out;
}

int run_cli(int argc, char** argv) {
  const std::span<char*> args(argv, static_cast<size_t>(argc));
  if (args.empty() || std::string_view(args[0]) == "--help" || std::string_view(args[0]) == "-h") {
    std::fputs(kUsage, args.empty() ? stderr : stdout);
    return args.empty() ? kExitUsage : kExitOk;
  }
  const std::string_view command = args[0];
  if (command == "frame-log") return frame_log_main(args.subspan(1));
  if (command == "--mux") return mux_main(args.subspan(1));
  static constexpr std::string_view kWindowCommands[] = {
      "list",      "spawn",         "split-pane",    "send-text", "get-text",
      "get-marks", "activate-pane", "set-tab-title", "kill-pane", "reload-config"};
  if (std::find(std::begin(kWindowCommands), std::end(kWindowCommands), command) !=
      std::end(kWindowCommands)) {
    return control_main(args);
  }
  std::fprintf(stderr, "cadence cli: unknown command '%s'\n\n%s", args[0], kUsage);
  return kExitUsage;
}

}  // namespace cadence::app
