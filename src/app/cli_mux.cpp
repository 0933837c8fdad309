// `cadence cli --mux [SOCKET] list | spawn | split-pane | send-text | get-text |
// activate-pane | set-tab-title | kill-pane`: the same commands for a mux daemon's
// session, through mux::MuxClient.
//
// The client is asynchronous (requests return at once, answers come as events and
// topology), so each command here connects, waits for the first pane list, makes its
// request and waits, bounded by kWaitMs, for the evidence that the server did it: the
// Spawned event, the pane gone from the topology, or (for input, which has no answer)
// the pane list asked for after it, which the server handles in order; activate-pane and
// set-tab-title for the topology to say so.
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <thread>

#include "app/cli_common.hpp"
#include "framelog/flat_json.hpp"
#include "mux/client.hpp"
#include "ui/pane_text.hpp"
#include "vt/utf8.hpp"

namespace cadence::app {
namespace {

constexpr int kWaitMs = 10000;
constexpr int kDefaultRows = 24;
constexpr int kDefaultCols = 80;

int fail(const std::string& message) {
  std::fprintf(stderr, "cadence cli --mux: %s\n", message.c_str());
  return kExitFailure;
}

std::string default_socket() {
  const char* runtime = std::getenv("XDG_RUNTIME_DIR");
  return std::string(runtime && *runtime ? runtime : "/tmp") + "/cadence/mux.sock";
}

// Polls `done` every few milliseconds until it holds or the wait runs out.
template <typename F>
bool wait_for(F&& done) {
  const auto end = std::chrono::steady_clock::now() + std::chrono::milliseconds(kWaitMs);
  while (std::chrono::steady_clock::now() < end) {
    if (done()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  return done();
}

// The text of a row of a remote screen, as get-text gives a local one.
std::string row_text(const mux::RemoteScreen& s, const mux::RemoteScreen::Line& line,
                     bool escapes) {
  std::string out;
  size_t blanks = 0;
  vt::Style current;
  for (const mux::RemoteScreen::Cell& c : line.cells) {
    if (c.width == 0) continue;
    const vt::Style& style = s.style(c.style);
    if (c.cp == 0 && (!escapes || style == vt::Style{})) {
      ++blanks;
      continue;
    }
    if (escapes && !(style == current)) {
      out.append(blanks, ' ');
      blanks = 0;
      out += ui::sgr_for(style);
      current = style;
    }
    out.append(blanks, ' ');
    blanks = 0;
    if (c.cluster > 0 && c.cluster <= line.clusters.size()) {
      for (char32_t cp : line.clusters[c.cluster - 1]) vt::append_utf8(out, cp);
    } else {
      vt::append_utf8(out, c.cp ? c.cp : U' ');
    }
  }
  if (escapes && !(current == vt::Style{})) out += "\x1b[0m";
  return out;
}

}  // namespace

int mux_main(std::span<char*> args) {
  std::string socket = default_socket();
  if (!args.empty() && !std::string_view(args[0]).starts_with("-") &&
      std::string_view(args[0]).find('/') != std::string_view::npos) {
    socket = args[0];
    args = args.subspan(1);
  }
  if (args.empty()) {
    std::fprintf(stderr,
                 "cadence cli --mux: which command? (list, spawn, split-pane, "
                 "send-text, get-text, activate-pane, set-tab-title, kill-pane)\n");
    return kExitUsage;
  }
  const std::string_view command = args[0];
  if (command != "list" && command != "spawn" && command != "split-pane" &&
      command != "send-text" && command != "get-text" && command != "kill-pane" &&
      command != "activate-pane" && command != "set-tab-title") {
    std::fprintf(stderr, "cadence cli --mux: unknown command '%s'\n", args[0]);
    return kExitUsage;
  }
  Result<CommandArgs> parsed =
      parse_command_args(args, command_options(command), command_positionals(command));
  if (!parsed) {
    std::fprintf(stderr, "cadence cli --mux: %s\n", parsed.error().message.c_str());
    return kExitUsage;
  }
  CommandArgs& a = parsed.value();
  if (!a.socket.empty()) socket = a.socket;
  if (command == "activate-pane") {
    if (Result<void> r = take_pane_id(a); !r) {
      std::fprintf(stderr, "cadence cli --mux: %s\n", r.error().message.c_str());
      return kExitUsage;
    }
  }
  if (command == "set-tab-title" && a.positional.empty()) {
    std::fprintf(stderr, "cadence cli --mux: set-tab-title needs a title\n");
    return kExitUsage;
  }

  auto connected = mux::MuxClient::connect(socket, [] {});
  if (!connected) return fail(socket + ": " + connected.error().message);
  mux::MuxClient& client = *connected.value();
  if (!wait_for([&] {
        return client.topology_version() > 0 || client.status().state == mux::ConnectionState::lost;
      }) ||
      client.status().state == mux::ConnectionState::lost) {
    return fail(socket + ": no session: " + client.status().reason);
  }
  mux::Topology topo = client.topology();
  // The pane a command is about: --pane, else the active pane of the first active tab.
  mux::RemotePaneId pane = static_cast<mux::RemotePaneId>(a.pane);
  if (pane == 0) {
    for (const mux::RemoteTab& t : topo.tabs) {
      if (t.active) {
        pane = t.active_pane;
        break;
      }
    }
  }
  auto known = [&](mux::RemotePaneId id) {
    for (const mux::RemotePane& p : client.topology().panes) {
      if (p.id == id) return true;
    }
    return false;
  };
  const bool needs_pane = command != "list" && command != "spawn";
  if (needs_pane && !known(pane)) {
    return fail(pane ? "no pane " + std::to_string(pane) + " in the session"
                     : "the session has no pane");
  }
  // Input has no answer: a pane list asked after it arrives after the server handled it.
  auto settle = [&]() {
    const uint64_t v = client.topology_version();
    client.list_panes();
    return wait_for([&] { return client.topology_version() > v; });
  };

  if (command == "list") {
    std::string out;
    if (a.json) {
      out = "{\"tabs\":[";
      for (size_t i = 0; i < topo.tabs.size(); ++i) {
        const mux::RemoteTab& t = topo.tabs[i];
        out += (i ? "," : "");
        out += "{\"window\":" + std::to_string(t.window) + ",\"id\":" + std::to_string(t.id) +
               ",\"title\":" + framelog::json_quote(t.title) +
               ",\"active\":" + (t.active ? "true" : "false") + ",\"panes\":[";
        bool first = true;
        for (const mux::RemotePane& p : topo.panes) {
          if (p.tab != t.id) continue;
          out += first ? "" : ",";
          first = false;
          out += "{\"id\":" + std::to_string(p.id) + ",\"title\":" + framelog::json_quote(p.title) +
                 ",\"cwd\":" + framelog::json_quote(p.cwd) + ",\"rows\":" + std::to_string(p.rows) +
                 ",\"cols\":" + std::to_string(p.cols) +
                 ",\"active\":" + (t.active_pane == p.id ? "true" : "false") + "}";
        }
        out += "]}";
      }
      out += "]}\n";
    } else {
      char line[256];
      std::snprintf(line, sizeof line, "%-7s %-5s %-5s %-9s %-6s %-24s %s\n", "WINDOW", "TAB",
                    "PANE", "SIZE", "ACTIVE", "TITLE", "CWD");
      out = line;
      for (const mux::RemoteTab& t : topo.tabs) {
        for (const mux::RemotePane& p : topo.panes) {
          if (p.tab != t.id) continue;
          const std::string size = std::to_string(p.cols) + "x" + std::to_string(p.rows);
          std::snprintf(line, sizeof line, "%-7llu %-5llu %-5llu %-9s %-6s %-24.24s ",
                        static_cast<unsigned long long>(t.window),
                        static_cast<unsigned long long>(t.id),
                        static_cast<unsigned long long>(p.id), size.c_str(),
                        t.active && t.active_pane == p.id ? "*" : "", p.title.c_str());
          out += line + p.cwd + "\n";
        }
      }
    }
    std::fwrite(out.data(), 1, out.size(), stdout);
    return kExitOk;
  }

  if (command == "spawn" || command == "split-pane") {
    uint64_t request = 0;
    if (command == "spawn") {
      // A new tab in the first window, sized like the panes there.
      mux::RemoteWindowId window = topo.tabs.empty() ? 0 : topo.tabs.front().window;
      int rows = kDefaultRows, cols = kDefaultCols;
      for (const mux::RemotePane& p : topo.panes) {
        rows = std::max(rows, p.top + p.rows);
        cols = std::max(cols, p.left + p.cols);
      }
      request = client.spawn(window, rows, cols, a.cwd, a.argv);
    } else {
      request =
          client.split(pane, a.horizontal ? net::SplitAxis::horizontal : net::SplitAxis::vertical,
                       500, a.cwd, a.argv);
    }
    std::optional<mux::RemotePaneId> made;
    std::string error;
    wait_for([&] {
      for (mux::ClientEvent& e : client.take_events()) {
        if (auto* s = std::get_if<net::Spawned>(&e); s && s->request_id == request) made = s->pane;
        if (auto* f = std::get_if<mux::RequestFailed>(&e); f && f->request_id == request) {
          error = f->message.empty() ? "refused" : f->message;
        }
      }
      return made || !error.empty() || client.status().state == mux::ConnectionState::lost;
    });
    if (!error.empty()) return fail(std::string(command) + ": " + error);
    if (!made) return fail(std::string(command) + ": no answer from the server");
    std::printf("%llu\n", static_cast<unsigned long long>(*made));
    return kExitOk;
  }

  if (command == "send-text") {
    std::string text;
    if (!a.positional.empty()) {
      text = a.positional[0];
    } else {
      Result<std::string> in = read_stdin(kMaxSendText);
      if (!in) return fail(in.error().message);
      text = std::move(in.value());
    }
    if (text.size() > kMaxSendText)
      return fail("more than " + std::to_string(kMaxSendText) + " bytes of text");
    if (a.no_paste) {
      client.write(pane, text);
    } else {
      client.paste(pane, text);
    }
    if (!settle()) return fail("the server did not confirm the text");
    return kExitOk;
  }

  if (command == "activate-pane") {
    client.activate(pane);
    if (!wait_for([&] {
          for (const mux::RemoteTab& t : client.topology().tabs) {
            if (t.active && t.active_pane == pane) return true;
          }
          // The server lists again after the event it sends; ask too, in case there was
          // none (it was already active).
          client.list_panes();
          std::this_thread::sleep_for(std::chrono::milliseconds(20));
          return false;
        })) {
      return fail("the server did not make pane " + std::to_string(pane) + " active");
    }
    return kExitOk;
  }

  if (command == "set-tab-title") {
    // --tab, else the tab of the pane (--pane, else the active one).
    mux::RemoteTabId tab = static_cast<mux::RemoteTabId>(a.tab);
    if (tab == 0) {
      for (const mux::RemotePane& p : topo.panes) {
        if (p.id == pane) tab = p.tab;
      }
    }
    const std::string& title = a.positional[0];
    client.rename_tab(tab, title);
    std::string error;
    if (!wait_for([&] {
          for (mux::ClientEvent& e : client.take_events()) {
            if (auto* f = std::get_if<mux::RequestFailed>(&e)) error = f->message;
          }
          if (!error.empty()) return true;
          for (const mux::RemoteTab& t : client.topology().tabs) {
            if (t.id == tab && t.title == title) return true;
          }
          return false;
        }) ||
        !error.empty()) {
      return fail("set-tab-title: " + (error.empty() ? "no answer from the server" : error));
    }
    return kExitOk;
  }

  if (command == "kill-pane") {
    client.close_pane(pane);
    if (!wait_for([&] { return !known(pane); })) return fail("the pane is still there");
    return kExitOk;
  }

  // get-text: the screen from the published snapshot; scrollback lines fetched through
  // the history cache.
  std::shared_ptr<const mux::RemoteScreen> screen;
  wait_for([&] { return (screen = client.screen(pane)) != nullptr; });
  if (!screen) return fail("no screen of pane " + std::to_string(pane) + " arrived");
  const int64_t first = a.start_line.value_or(0);
  const int64_t last = std::min<int64_t>(a.end_line.value_or(screen->rows - 1), screen->rows - 1);
  if (last - first >= ui::kMaxTextLines)
    return fail("at most " + std::to_string(ui::kMaxTextLines) + " lines at once");
  std::string out;
  if (first < 0) {
    const int64_t from = screen->top_stable_row + first;
    const int count =
        static_cast<int>(std::min<int64_t>(-first, last < 0 ? last - first + 1 : -first));
    mux::HistoryRows rows;
    wait_for([&] {
      rows = client.history(pane, from, count);
      if (rows.first_available < 0) return false;
      for (size_t i = 0; i < rows.lines.size(); ++i) {
        if (from + static_cast<int64_t>(i) >= rows.first_available && !rows.lines[i]) return false;
      }
      return true;
    });
    for (size_t i = 0; i < rows.lines.size(); ++i) {
      if (rows.lines[i]) out += row_text(*screen, *rows.lines[i], a.escapes) + "\n";
    }
  }
  for (int64_t r = std::max<int64_t>(first, 0); r <= last; ++r) {
    out += row_text(*screen, screen->lines[static_cast<size_t>(r)], a.escapes) + "\n";
  }
  std::fwrite(out.data(), 1, out.size(), stdout);
  return kExitOk;
}

}  // namespace cadence::app
