// TerminalWindow's control-socket commands: what `cadence cli` asks of a running window
// besides the frame log (list, spawn, split-pane, send-text, get-text, activate-pane,
// set-tab-title, kill-pane, reload-config, get-marks).
//
// Protocol. A request is one line holding one flat JSON object (framelog/flat_json.hpp:
// strings, numbers, booleans, arrays of strings), `{"cmd":"list"}`; the line is at most
// kMaxControlRequest bytes (the socket's limit, set where it listens). A reply is one or
// more lines, the first `{"ok":true,...}` or `{"ok":false,"error":...}`:
//   list      one line per pane after the header, each a flat object (window, tab, pane,
//             titles, cwd, size, active, progress, scroll offset);
//   get-text  one JSON string per line of text after the header;
//   get-marks one flat object per OSC 133 mark after the header;
//   the rest  the header alone, with the ids of what they made.
// Large text for send-text comes in parts (kMaxControlText raw bytes each, so the quoted
// request stays under the line limit): parts with "more":true are kept per pane, up to
// kMaxControlPaste bytes, and pasted as one when the last part arrives, so a bracketed
// paste stays one paste. Without "paste" the parts are written as they come.
//
// Every command runs on the GUI thread like a key binding, and a command about a pane
// of a mux session (cadence connect) is refused with a pointer to `cadence cli --mux`,
// which talks to the session itself.
#include "framelog/flat_json.hpp"
#include "ui/pane_text.hpp"
#include "ui/terminal_window_impl.hpp"

namespace cadence::ui::detail {
namespace {

const log::Tag kLog{"control"};

constexpr size_t kMaxControlPaste = 8u << 20;

using framelog::find_key;
using framelog::FlatObject;
using framelog::FlatValue;
using framelog::json_quote;

ControlReply failure(const std::string& message) { return {control_error_line(message), true}; }

std::string ok_line(const std::string& fields = {}) {
  return "{\"ok\":true" + (fields.empty() ? "" : "," + fields) + "}\n";
}

std::string field(std::string_view name, const std::string& json_value) {
  return json_quote(name) + ":" + json_value;
}
std::string field(std::string_view name, int64_t n) { return field(name, std::to_string(n)); }
std::string field_bool(std::string_view name, bool b) { return field(name, b ? "true" : "false"); }
std::string field_str(std::string_view name, std::string_view s) {
  return field(name, json_quote(s));
}

struct Request {
  const FlatObject& object;

  const FlatValue* get(std::string_view key) const { return find_key(object, key); }
  std::string text(std::string_view key) const {
    const FlatValue* v = get(key);
    return v && v->kind == FlatValue::Kind::string ? v->string : std::string();
  }
  bool flag(std::string_view key) const {
    const FlatValue* v = get(key);
    return v && v->kind == FlatValue::Kind::boolean && v->boolean;
  }
  std::vector<std::string> strings(std::string_view key) const {
    const FlatValue* v = get(key);
    return v && v->kind == FlatValue::Kind::strings ? v->strings : std::vector<std::string>();
  }
  // A whole number, or `fallback` when absent; an error for anything else.
  Result<int64_t> integer(std::string_view key, int64_t fallback) const {
    const FlatValue* v = get(key);
    if (!v || v->kind == FlatValue::Kind::null) return fallback;
    if (v->kind != FlatValue::Kind::number ||
        v->number != static_cast<double>(static_cast<int64_t>(v->number))) {
      return make_error(std::string(key) + " must be a whole number");
    }
    return static_cast<int64_t>(v->number);
  }
};

}  // namespace

Result<mux::PaneId> TerminalWindow::control_spawn(const std::vector<std::string>& command,
                                                  std::string cwd, Pane* from,
                                                  mux::SplitAxis axis) {
  const std::vector<std::string>& program = command.empty() ? config_.default_command : command;
  if (cwd.empty()) cwd = active_cwd(from ? from : active_pane());
  int rows = pane_area().rows;
  int cols = pane_area().cols;
  if (from) {
    const bool side = axis == mux::SplitAxis::horizontal;
    rows = side ? from->rect.rows : std::max(1, (from->rect.rows - 1) / 2);
    cols = side ? std::max(1, (from->rect.cols - 1) / 2) : from->rect.cols;
  }
  auto pane = spawn_pane(program, rows, cols, cwd);
  if (!pane) return pane.error();
  const mux::PaneId id = pane.value()->id;
  io_->add(pane.value()->pty.get());
  panes_.emplace(id, std::move(pane.value()));
  if (from) {
    tabs_.activate_pane(from->id);
    tabs_.split_active(id, axis);
  } else {
    tabs_.add(next_id_++, id);
  }
  layout_dirty_ = true;
  set_window_title();
  mark_dirty();
  return id;
}

ControlReply TerminalWindow::on_control_command(std::string_view line) {
  Result<FlatObject> parsed = framelog::parse_flat_json(line);
  if (!parsed) return failure("malformed request: " + parsed.error().message);
  const Request req{parsed.value()};
  const std::string cmd = req.text("cmd");

  // The pane a command is about: "pane" when given, else the active one.
  Result<int64_t> pane_id = req.integer("pane", 0);
  if (!pane_id) return failure(pane_id.error().message);
  Pane* pane =
      pane_id.value() ? find_pane(static_cast<mux::PaneId>(pane_id.value())) : active_pane();
  auto need_pane = [&]() -> std::optional<ControlReply> {
    if (!pane) {
      return failure(pane_id.value() ? "no pane " + std::to_string(pane_id.value()) +
                                           " in this window (see cadence cli list)"
                                     : std::string("this window has no pane"));
    }
    if (!pane->pty) {
      return failure("pane " + std::to_string(pane->id) +
                     " belongs to a mux session: use cadence cli --mux for it");
    }
    return std::nullopt;
  };

  if (cmd == "list") {
    std::string out =
        ok_line(field("pid", getpid()) + "," + field("tabs", static_cast<int64_t>(tabs_.size())) +
                "," + field("panes", static_cast<int64_t>(panes_.size())) + "," +
                field_str("title", title_) + "," + field_bool("focused", focused_) + "," +
                field("notifications_sent", static_cast<int64_t>(notify_.sent)) + "," +
                field("notification_bells", static_cast<int64_t>(notify_.bells)) + "," +
                field("notifications_dropped", static_cast<int64_t>(notify_.dropped)));
    const auto& tabs = tabs_.tabs();
    for (size_t i = 0; i < tabs.size(); ++i) {
      const mux::Tab& tab = tabs[i];
      const bool tab_active = i == tabs_.active_index();
      for (mux::PaneId id : tab.layout.panes()) {
        Pane* p = find_pane(id);
        if (!p) continue;
        out += "{" + field("window", getpid()) + "," + field("tab", static_cast<int64_t>(tab.id)) +
               "," + field("tab_index", static_cast<int64_t>(i)) + "," +
               field_str("tab_title", tab.user_title) + "," + field_bool("tab_active", tab_active) +
               "," + field("pane", static_cast<int64_t>(id)) + "," + field_str("title", p->title) +
               "," + field_str("cwd", active_cwd(p)) + "," + field("rows", p->rect.rows) + "," +
               field("cols", p->rect.cols) + "," +
               field_bool("active", tab_active && tab.active_pane == id) + "," +
               field_bool("remote", !p->pty) + "," + field("progress_state", p->progress_state) +
               "," + field("progress", p->progress_value) + "," +
               field("scroll_offset", p->view.scroll_offset()) + "}\n";
      }
    }
    return {std::move(out), false};
  }

  if (cmd == "spawn" || cmd == "split-pane") {
    if (client_) {
      return failure("this window shows a mux session: use cadence cli --mux " + cmd);
    }
    Pane* from = nullptr;
    if (cmd == "split-pane") {
      if (auto e = need_pane()) return *e;
      from = pane;
    }
    const auto axis =
        req.flag("horizontal") ? mux::SplitAxis::horizontal : mux::SplitAxis::vertical;
    const std::string cwd = req.text("cwd");
    if (!cwd.empty() && access(cwd.c_str(), X_OK) != 0) {
      return failure("--cwd " + cwd + ": " + std::strerror(errno));
    }
    Result<mux::PaneId> id = control_spawn(req.strings("argv"), cwd, from, axis);
    if (!id) return failure(cmd + ": " + id.error().message);
    const mux::Tab* tab = tabs_.tab_of(id.value());
    return {ok_line(field("pane", static_cast<int64_t>(id.value())) + "," +
                    field("tab", static_cast<int64_t>(tab ? tab->id : 0))),
            false};
  }

  if (cmd == "send-text") {
    if (auto e = need_pane()) return *e;
    const FlatValue* text = req.get("text");
    if (!text || text->kind != FlatValue::Kind::string) return failure("send-text needs text");
    if (!req.flag("paste")) {
      if (!pane->pty->write(text->string)) {
        return failure("pane " + std::to_string(pane->id) + " does not take input (exited?)");
      }
      return {ok_line(field("bytes", static_cast<int64_t>(text->string.size()))), false};
    }
    std::string& pending = control_paste_[pane->id];
    if (req.flag("first")) pending.clear();
    if (pending.size() + text->string.size() > kMaxControlPaste) {
      control_paste_.erase(pane->id);
      return failure("paste over the limit of " + std::to_string(kMaxControlPaste) + " bytes");
    }
    pending += text->string;
    if (req.flag("more"))
      return {ok_line(field("pending", static_cast<int64_t>(pending.size()))), false};
    const std::string all = std::move(pending);
    control_paste_.erase(pane->id);
    pane->view.scroll_to_bottom();
    if (!pane->pty->write(prepare_paste(all, pane->bracketed_paste()))) {
      return failure("pane " + std::to_string(pane->id) + " does not take input (exited?)");
    }
    return {ok_line(field("bytes", static_cast<int64_t>(all.size()))), false};
  }

  if (cmd == "get-text") {
    if (auto e = need_pane()) return *e;
    Result<int64_t> first = req.integer("start_line", 0);
    if (!first) return failure(first.error().message);
    std::string text;
    {
      std::lock_guard<std::mutex> guard(pane->pty->mutex());
      const vt::Terminal& t = pane->pty->terminal();
      Result<int64_t> last = req.integer("end_line", t.rows() - 1);
      if (!last) return failure(last.error().message);
      if (last.value() - first.value() >= kMaxTextLines) {
        return failure("at most " + std::to_string(kMaxTextLines) + " lines at once");
      }
      text = pane_text(t, LineRange{first.value(), last.value()}, req.flag("escapes"));
    }
    size_t lines = 0;
    std::string out;
    for (size_t start = 0; start < text.size();) {
      const size_t nl = text.find('\n', start);
      const size_t end = nl == std::string::npos ? text.size() : nl;
      out += json_quote(std::string_view(text).substr(start, end - start)) + "\n";
      ++lines;
      start = end + 1;
    }
    return {ok_line(field("lines", static_cast<int64_t>(lines))) + out, false};
  }

  if (cmd == "get-marks") {
    if (auto e = need_pane()) return *e;
    std::string out;
    size_t n = 0;
    {
      std::lock_guard<std::mutex> guard(pane->pty->mutex());
      const vt::Terminal& t = pane->pty->terminal();
      const int64_t screen_top = static_cast<int64_t>(t.history_total());
      static const char kKinds[] = {'A', 'B', 'C', 'D'};
      for (const auto& [row, kind] : t.prompt_marks()) {
        out += "{" + field("line", row.get() - screen_top) + "," +
               field_str("kind", std::string(1, kKinds[static_cast<int>(kind)])) + "}\n";
        ++n;
      }
    }
    return {ok_line(field("marks", static_cast<int64_t>(n))) + out, false};
  }

  if (cmd == "activate-pane") {
    if (!pane || !pane_id.value()) return failure("activate-pane needs a pane id");
    if (!tabs_.activate_pane(pane->id))
      return failure("pane " + std::to_string(pane->id) + " has no tab");
    layout_dirty_ = true;
    chrome_dirty_ = true;
    set_window_title();
    mark_dirty();
    return {ok_line(field("pane", static_cast<int64_t>(pane->id))), false};
  }

  if (cmd == "set-tab-title") {
    Result<int64_t> tab_id = req.integer("tab", 0);
    if (!tab_id) return failure(tab_id.error().message);
    mux::Tab* tab = nullptr;
    if (tab_id.value()) {
      tab = tabs_.find(static_cast<mux::TabId>(tab_id.value()));
      if (!tab) return failure("no tab " + std::to_string(tab_id.value()) + " in this window");
    } else {
      if (!pane) return failure("this window has no pane");
      tab = tabs_.tab_of(pane->id);
    }
    if (!tab) return failure("no tab to rename");
    const FlatValue* title = req.get("title");
    if (!title || title->kind != FlatValue::Kind::string)
      return failure("set-tab-title needs a title");
    if (title->string.size() > vt::kMaxTitleBytes) {
      return failure("a title is at most " + std::to_string(vt::kMaxTitleBytes) + " bytes");
    }
    tab->user_title = title->string;
    tabs_.touch(*tab);
    // A remote window's tabs are the server's (same ids): every attached window and the
    // next attach get the title.
    if (client_) client_->rename_tab(tab->id, title->string);
    set_window_title();
    dirty_ = true;
    mark_dirty();
    return {ok_line(field("tab", static_cast<int64_t>(tab->id))), false};
  }

  if (cmd == "kill-pane") {
    if (!pane)
      return failure(pane_id.value() ? "no pane " + std::to_string(pane_id.value()) : "no pane");
    const mux::PaneId id = pane->id;
    if (pane->remote && client_) {
      client_->close_pane(pane->remote);
    } else {
      close_pane(id);
    }
    return {ok_line(field("pane", static_cast<int64_t>(id))), false};
  }

  if (cmd == "reload-config") {
    if (config_.config_path.empty())
      return failure("this window runs without a configuration file");
    const uint64_t before = config_generation_;
    reload_config();
    if (config_generation_ == before) {
      return failure(
          "the configuration did not load; the window keeps the one it had (see its log)");
    }
    return {ok_line(field_str("config", config_.config_path)), false};
  }

  LOG_DEBUG(kLog, "unknown control command '", cmd, "'");
  return failure("unknown command '" + cmd.substr(0, 40) +
                 "' (known: list, spawn, split-pane, send-text, get-text, get-marks, "
                 "activate-pane, set-tab-title, kill-pane, reload-config)");
}

}  // namespace cadence::ui::detail
