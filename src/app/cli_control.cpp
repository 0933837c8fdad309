// `cadence cli list | spawn | split-pane | send-text | get-text | get-marks |
// activate-pane | set-tab-title | kill-pane | reload-config`: one request to a window's
// control socket each (the protocol is in src/ui/terminal_window_control.cpp).
//
// Decisions:
// - `list` asks every live window in $XDG_RUNTIME_DIR/cadence unless --socket names one:
//   it is how a script finds the window and pane ids the other commands take.
// - The default pane is --pane, else $CADENCE_PANE when the window is the one
//   $CADENCE_SOCKET names (so `cadence cli send-text` run in a pane types into that
//   pane), else the window's active pane.
// - send-text's text is cut into parts of kTextPart bytes, which quote to well under the
//   socket's line limit whatever they hold; a paste is kept whole by the window until its
//   last part. More than kMaxSendText is refused before anything is sent.
#include <unistd.h>

#include <cerrno>
#include <charconv>
#include <cstdio>
#include <cstring>
#include <map>

#include "app/cli_common.hpp"
#include "base/control_socket.hpp"
#include "framelog/flat_json.hpp"

namespace cadence::app {
namespace {

using framelog::find_key;
using framelog::FlatObject;
using framelog::FlatValue;
using framelog::json_quote;

constexpr size_t kMaxReply = 256u << 20;
constexpr int kTimeoutMs = 10000;
// Raw bytes per send-text request: quoted, at most 6 bytes each (\u00XX), under the
// 64 KiB line limit with room for the other fields.
constexpr size_t kTextPart = 8192;

struct Reply {
  FlatObject header;
  std::vector<std::string> lines;  // after the header
};

Result<Reply> request(const std::string& socket, const std::string& line) {
  Result<std::string> text = control_request(socket, line, kMaxReply, kTimeoutMs);
  if (!text) return text.error();
  Reply reply;
  std::string_view rest = text.value();
  bool first = true;
  while (!rest.empty()) {
    const size_t nl = rest.find('\n');
    const std::string_view l = rest.substr(0, nl);
    rest = nl == std::string_view::npos ? std::string_view() : rest.substr(nl + 1);
    if (first) {
      Result<FlatObject> h = framelog::parse_flat_json(l);
      if (!h) return make_error(socket + " sent an unreadable reply: is it a cadence socket?");
      const FlatValue* ok = find_key(h.value(), "ok");
      if (!ok || ok->kind != FlatValue::Kind::boolean) {
        return make_error(socket + " sent an unreadable reply");
      }
      if (!ok->boolean) {
        const FlatValue* e = find_key(h.value(), "error");
        return make_error(e ? e->string : std::string(l));
      }
      reply.header = std::move(h.value());
      first = false;
    } else {
      reply.lines.emplace_back(l);
    }
  }
  if (first) return make_error(socket + " closed without an answer");
  return reply;
}

std::string get_string(const FlatObject& o, std::string_view key) {
  const FlatValue* v = find_key(o, key);
  return v && v->kind == FlatValue::Kind::string ? v->string : std::string();
}
int64_t get_int(const FlatObject& o, std::string_view key) {
  const FlatValue* v = find_key(o, key);
  return v && v->kind == FlatValue::Kind::number ? static_cast<int64_t>(v->number) : 0;
}
bool get_bool(const FlatObject& o, std::string_view key) {
  const FlatValue* v = find_key(o, key);
  return v && v->kind == FlatValue::Kind::boolean && v->boolean;
}

std::string json_strings(const std::vector<std::string>& items) {
  std::string out = "[";
  for (size_t i = 0; i < items.size(); ++i) out += (i ? "," : "") + json_quote(items[i]);
  return out + "]";
}

int fail(const std::string& message) {
  std::fprintf(stderr, "cadence cli: %s\n", message.c_str());
  return kExitFailure;
}

// The window and pane list as a table or one JSON document.
int list(const CommandArgs& a) {
  std::vector<std::string> sockets;
  if (!a.socket.empty()) {
    sockets.push_back(a.socket);
  } else {
    sockets = all_window_sockets();
    if (sockets.empty()) {
      return fail(control_dir().empty() ? "XDG_RUNTIME_DIR is not set"
                                        : "no running cadence in " + control_dir());
    }
  }
  struct Window {
    FlatObject header;
    std::vector<FlatObject> panes;
  };
  std::vector<Window> windows;
  for (const std::string& s : sockets) {
    Result<Reply> r = request(s, "{\"cmd\":\"list\"}");
    if (!r) {
      if (!a.socket.empty()) return fail(s + ": " + r.error().message);
      continue;  // a window closing while we ask
    }
    Window w{std::move(r->header), {}};
    for (const std::string& l : r->lines) {
      Result<FlatObject> pane = framelog::parse_flat_json(l);
      if (!pane) return fail(s + ": unreadable pane line: " + pane.error().message);
      w.panes.push_back(std::move(pane.value()));
    }
    windows.push_back(std::move(w));
  }
  std::string out;
  if (a.json) {
    out = "{\"windows\":[";
    for (size_t wi = 0; wi < windows.size(); ++wi) {
      const Window& w = windows[wi];
      out += (wi ? "," : "");
      out += "{\"id\":" + std::to_string(get_int(w.header, "pid")) +
             ",\"title\":" + json_quote(get_string(w.header, "title")) +
             ",\"focused\":" + (get_bool(w.header, "focused") ? "true" : "false") +
             ",\"notifications\":{\"sent\":" +
             std::to_string(get_int(w.header, "notifications_sent")) +
             ",\"bells\":" + std::to_string(get_int(w.header, "notification_bells")) +
             ",\"dropped\":" + std::to_string(get_int(w.header, "notifications_dropped")) +
             "},\"tabs\":[";
      int64_t tab = -1;
      bool first_pane = true;
      for (const FlatObject& p : w.panes) {
        if (get_int(p, "tab") != tab) {
          if (tab != -1) out += "]},";
          tab = get_int(p, "tab");
          out += "{\"id\":" + std::to_string(tab) +
                 ",\"index\":" + std::to_string(get_int(p, "tab_index")) +
                 ",\"title\":" + json_quote(get_string(p, "tab_title")) +
                 ",\"active\":" + (get_bool(p, "tab_active") ? "true" : "false") + ",\"panes\":[";
          first_pane = true;
        }
        out += first_pane ? "" : ",";
        first_pane = false;
        out += "{\"id\":" + std::to_string(get_int(p, "pane")) +
               ",\"title\":" + json_quote(get_string(p, "title")) +
               ",\"cwd\":" + json_quote(get_string(p, "cwd")) +
               ",\"rows\":" + std::to_string(get_int(p, "rows")) +
               ",\"cols\":" + std::to_string(get_int(p, "cols")) +
               ",\"active\":" + (get_bool(p, "active") ? "true" : "false") +
               ",\"remote\":" + (get_bool(p, "remote") ? "true" : "false") +
               ",\"progress_state\":" + std::to_string(get_int(p, "progress_state")) +
               ",\"progress\":" + std::to_string(get_int(p, "progress")) +
               ",\"scroll_offset\":" + std::to_string(get_int(p, "scroll_offset")) + "}";
      }
      if (tab != -1) out += "]}";
      out += "]}";
    }
    out += "]}\n";
  } else {
    char line[256];
    std::snprintf(line, sizeof line, "%-8s %-5s %-5s %-9s %-6s %-24s %s\n", "WINDOW", "TAB", "PANE",
                  "SIZE", "ACTIVE", "TITLE", "CWD");
    out = line;
    for (const Window& w : windows) {
      for (const FlatObject& p : w.panes) {
        const std::string size =
            std::to_string(get_int(p, "cols")) + "x" + std::to_string(get_int(p, "rows"));
        std::string title = get_string(p, "tab_title");
        if (title.empty()) title = get_string(p, "title");
        std::snprintf(line, sizeof line, "%-8lld %-5lld %-5lld %-9s %-6s %-24.24s ",
                      static_cast<long long>(get_int(w.header, "pid")),
                      static_cast<long long>(get_int(p, "tab")),
                      static_cast<long long>(get_int(p, "pane")), size.c_str(),
                      get_bool(p, "active") ? "*" : "", title.c_str());
        out += line + get_string(p, "cwd") + "\n";
      }
    }
  }
  std::fwrite(out.data(), 1, out.size(), stdout);
  return kExitOk;
}

}  // namespace

Result<void> take_pane_id(CommandArgs& a) {
  if (a.pane == 0 && a.positional.empty()) return make_error("activate-pane needs a pane id");
  if (a.positional.empty()) return {};
  Result<int64_t> id = parse_int("activate-pane", a.positional[0], false);
  if (!id) return id.error();
  a.pane = id.value();
  return {};
}

Result<int64_t> parse_int(std::string_view option, std::string_view text, bool allow_negative) {
  int64_t v = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (text.empty() || ec != std::errc() || end != text.data() + text.size() ||
      (!allow_negative && v <= 0)) {
    return make_error(std::string(option) + ": '" + std::string(text) + "' is not " +
                      (allow_negative ? "a whole number" : "an id (a number above 0)"));
  }
  return v;
}

Result<std::string> read_stdin(size_t max) {
  std::string text;
  char buf[65536];
  while (true) {
    const ssize_t n = read(STDIN_FILENO, buf, sizeof buf);
    if (n < 0) {
      if (errno == EINTR) continue;
      return make_error(std::string("reading standard input: ") + std::strerror(errno));
    }
    if (n == 0) break;
    text.append(buf, static_cast<size_t>(n));
    if (text.size() > max) {
      return make_error("more than " + std::to_string(max) + " bytes of text; send less at once");
    }
  }
  return text;
}

std::vector<std::string_view> command_options(std::string_view c) {
  if (c == "list") return {"--socket", "--json"};
  if (c == "spawn") return {"--socket", "--cwd"};
  if (c == "split-pane") return {"--socket", "--pane", "--horizontal", "--cwd"};
  if (c == "send-text") return {"--socket", "--pane", "--no-paste"};
  if (c == "get-text") return {"--socket", "--pane", "--start-line", "--end-line", "--escapes"};
  if (c == "get-marks" || c == "kill-pane") return {"--socket", "--pane"};
  if (c == "activate-pane") return {"--socket", "--pane"};
  if (c == "set-tab-title") return {"--socket", "--tab", "--pane"};
  return {"--socket"};
}

size_t command_positionals(std::string_view c) {
  return c == "send-text" || c == "activate-pane" || c == "set-tab-title" ? 1 : 0;
}

Result<CommandArgs> parse_command_args(std::span<char*> args,
                                       const std::vector<std::string_view>& allowed,
                                       size_t max_positional) {
  CommandArgs a;
  a.command = args[0];
  for (size_t i = 1; i < args.size(); ++i) {
    const std::string_view arg = args[i];
    if (arg == "--") {
      if (std::find(allowed.begin(), allowed.end(), "--cwd") == allowed.end()) {
        return make_error(a.command + " runs no command: '--' is not an option of it");
      }
      for (size_t k = i + 1; k < args.size(); ++k) a.argv.emplace_back(args[k]);
      if (a.argv.empty()) return make_error("'--' needs a command after it");
      break;
    }
    if (!arg.starts_with("--") || arg == "-") {
      if (a.positional.size() >= max_positional) {
        return make_error("unexpected argument '" + std::string(arg) + "'");
      }
      a.positional.emplace_back(arg);
      continue;
    }
    if (std::find(allowed.begin(), allowed.end(), arg) == allowed.end()) {
      return make_error("unknown option '" + std::string(arg) + "' for " + a.command);
    }
    auto value = [&]() -> Result<std::string> {
      if (i + 1 >= args.size()) return make_error(std::string(arg) + " needs a value");
      return std::string(args[++i]);
    };
    if (arg == "--horizontal") {
      a.horizontal = true;
    } else if (arg == "--no-paste") {
      a.no_paste = true;
    } else if (arg == "--escapes") {
      a.escapes = true;
    } else if (arg == "--json") {
      a.json = true;
    } else {
      Result<std::string> v = value();
      if (!v) return v.error();
      if (arg == "--socket") {
        a.socket = v.value();
      } else if (arg == "--cwd") {
        a.cwd = v.value();
      } else {
        const bool line = arg == "--start-line" || arg == "--end-line";
        Result<int64_t> n = parse_int(arg, v.value(), line);
        if (!n) return n.error();
        if (arg == "--pane") a.pane = n.value();
        if (arg == "--tab") a.tab = n.value();
        if (arg == "--start-line") a.start_line = n.value();
        if (arg == "--end-line") a.end_line = n.value();
      }
    }
  }
  if (a.start_line && a.end_line && *a.end_line < *a.start_line) {
    return make_error("--end-line is before --start-line");
  }
  return a;
}

int control_main(std::span<char*> args) {
  const std::string_view command = args[0];
  Result<CommandArgs> parsed =
      parse_command_args(args, command_options(command), command_positionals(command));
  if (!parsed) {
    std::fprintf(stderr, "cadence cli: %s (see cadence cli --help)\n",
                 parsed.error().message.c_str());
    return kExitUsage;
  }
  CommandArgs& a = parsed.value();
  if (command == "list") return list(a);

  if (command == "activate-pane") {
    if (Result<void> r = take_pane_id(a); !r) {
      std::fprintf(stderr, "cadence cli: %s\n", r.error().message.c_str());
      return kExitUsage;
    }
  }
  if (command == "set-tab-title" && a.positional.empty()) {
    std::fprintf(stderr, "cadence cli: set-tab-title needs a title\n");
    return kExitUsage;
  }

  Result<WindowSocket> socket = window_socket(a.socket);
  if (!socket) return fail(socket.error().message);
  const std::string& path = socket->path;
  if (a.pane == 0 && socket->from_environment) {
    if (const char* env = std::getenv("CADENCE_PANE"); env && *env) {
      if (Result<int64_t> id = parse_int("CADENCE_PANE", env, false); id) a.pane = id.value();
    }
  }
  std::string base = "{\"cmd\":" + json_quote(command);
  if (a.pane) base += ",\"pane\":" + std::to_string(a.pane);

  if (command == "send-text") {
    std::string text;
    if (!a.positional.empty()) {
      text = a.positional[0];
    } else {
      Result<std::string> in = read_stdin(kMaxSendText);
      if (!in) return fail(in.error().message);
      text = std::move(in.value());
    }
    if (text.size() > kMaxSendText) {
      return fail("more than " + std::to_string(kMaxSendText) +
                  " bytes of text; send less at once");
    }
    const bool paste = !a.no_paste;
    size_t sent = 0;
    do {
      const size_t n = std::min(kTextPart, text.size() - sent);
      const bool more = sent + n < text.size();
      std::string line = base + ",\"text\":" + json_quote(std::string_view(text).substr(sent, n));
      if (paste) {
        line += ",\"paste\":true";
        if (sent == 0) line += ",\"first\":true";
        if (more) line += ",\"more\":true";
      }
      Result<Reply> r = request(path, line + "}");
      if (!r) return fail(r.error().message);
      sent += n;
    } while (sent < text.size());
    return kExitOk;
  }

  std::string line = base;
  if (command == "spawn" || command == "split-pane") {
    if (!a.cwd.empty()) line += ",\"cwd\":" + json_quote(a.cwd);
    if (!a.argv.empty()) line += ",\"argv\":" + json_strings(a.argv);
    if (a.horizontal) line += ",\"horizontal\":true";
  } else if (command == "get-text") {
    if (a.start_line) line += ",\"start_line\":" + std::to_string(*a.start_line);
    if (a.end_line) line += ",\"end_line\":" + std::to_string(*a.end_line);
    if (a.escapes) line += ",\"escapes\":true";
  } else if (command == "set-tab-title") {
    if (a.tab) line += ",\"tab\":" + std::to_string(a.tab);
    line += ",\"title\":" + json_quote(a.positional[0]);
  }
  Result<Reply> r = request(path, line + "}");
  if (!r) return fail(r.error().message);

  std::string out;
  if (command == "spawn" || command == "split-pane") {
    out = std::to_string(get_int(r->header, "pane")) + "\n";
  } else if (command == "get-text") {
    for (const std::string& l : r->lines) {
      Result<std::string> text = framelog::json_unquote(l);
      if (!text) return fail("unreadable text line: " + text.error().message);
      out += text.value() + "\n";
    }
  } else if (command == "get-marks") {
    for (const std::string& l : r->lines) {
      Result<FlatObject> m = framelog::parse_flat_json(l);
      if (!m) return fail("unreadable mark: " + m.error().message);
      out +=
          std::to_string(get_int(m.value(), "line")) + " " + get_string(m.value(), "kind") + "\n";
    }
  }
  std::fwrite(out.data(), 1, out.size(), stdout);
  return kExitOk;
}

}  // namespace cadence::app
