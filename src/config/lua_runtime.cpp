// LuaRuntime (see lua_runtime.hpp): boxed calls, the proxies callbacks see, and the
// conversion of format-tab-title results.
#include "config/lua_runtime.hpp"

#include <cstring>

#include "base/clock.hpp"
#include "base/log.hpp"
#include "config/config.hpp"
#include "config/lua_util.hpp"

namespace cadence::config {
namespace {

const log::Tag kLog("lua");

constexpr const char* kHandlers = "cadence.handlers";  // registry: event → { fn, ... }
constexpr const char* kProxyMeta = "cadence.proxy";
constexpr size_t kMaxLogged = 1024;

}  // namespace

namespace detail {

uint32_t event_bit(std::string_view name) {
  if (name == "format-tab-title") return kEventFormatTabTitle;
  if (name == "update-status") return kEventUpdateStatus;
  if (name == "window-config-reloaded") return kEventConfigReloaded;
  if (name == "bell") return kEventBell;
  return kEventOther;
}

int cadence_on(lua_State* L) {
  const char* event = luaL_checkstring(L, 1);
  luaL_checktype(L, 2, LUA_TFUNCTION);
  if (lua_getfield(L, LUA_REGISTRYINDEX, kHandlers) != LUA_TTABLE) {
    lua_pop(L, 1);
    lua_newtable(L);
    lua_pushvalue(L, -1);
    lua_setfield(L, LUA_REGISTRYINDEX, kHandlers);
  }
  if (lua_getfield(L, -1, event) != LUA_TTABLE) {
    lua_pop(L, 1);
    lua_newtable(L);
    lua_pushvalue(L, -1);
    lua_setfield(L, -3, event);
    // Other events may be registered (a later cadence may send them), but a typo in a
    // known name would otherwise fail silently: say so, once per name.
    if (event_bit(event) == kEventOther) {
      LOG_WARN(kLog, "cadence.on: '", event,
               "' is not an event cadence sends (format-tab-title, update-status, "
               "window-config-reloaded, bell)");
    }
  }
  lua_pushvalue(L, 2);
  lua_rawseti(L, -2, static_cast<lua_Integer>(lua_rawlen(L, -2)) + 1);
  Box* box = box_of(L);
  box->events |= event_bit(event);
  box->has_callbacks = true;
  return 0;
}

int cadence_log(lua_State* L) {
  const auto level = static_cast<log::Level>(lua_tointeger(L, lua_upvalueindex(1)));
  const int n = lua_gettop(L);
  luaL_Buffer b;
  luaL_buffinit(L, &b);
  for (int i = 1; i <= n; ++i) {
    if (i > 1) luaL_addchar(&b, ' ');
    luaL_tolstring(L, i, nullptr);
    luaL_addvalue(&b);
  }
  luaL_pushresult(&b);
  size_t len = 0;
  const char* text = lua_tolstring(L, -1, &len);
  CADENCE_LOG_AT(level, kLog, std::string_view(text, len));
  return 0;
}

// What one boxed call needs, in the caller's frame: Lua may unwind the body, never this.
struct CallContext {
  int (*body)(lua_State* L, CallContext& ctx) = nullptr;
  // Set by LuaRuntime::call: the epoch proxies made in this call carry, and where the
  // runtime's current epoch lives.
  const uint64_t* epoch_now = nullptr;
  uint64_t epoch = 0;
  int config_ref = 0;
  // Inputs.
  const char* event = nullptr;
  int callback_ref = 0;
  LuaHost* host = nullptr;
  const TabInfo* tab = nullptr;
  std::span<const TabInfo> tabs;
  int max_width = 0;
  const Config* config = nullptr;
  // Outputs.
  std::vector<TitleSpan>* spans = nullptr;
  bool returned = false;
  int new_ref = 0;
  std::string error;  // a problem found in a result (not a Lua error)
};

}  // namespace detail

namespace {

using detail::Box;
using detail::CallContext;
using detail::raw_field;
using detail::string_at;
using detail::Unbounded;

enum class Kind : uint8_t { tab, pane_info, tabs, window, pane, mux_tab };

struct Proxy {
  const uint64_t* epoch_now;  // the runtime's epoch, to compare with `epoch`
  uint64_t epoch;
  Kind kind;
  const TabInfo* tab;
  const TabInfo* tabs;
  size_t count;
  LuaHost* host;
};

void push_proxy(lua_State* L, const Proxy& p) {
  auto* u = static_cast<Proxy*>(lua_newuserdatauv(L, sizeof(Proxy), 0));
  *u = p;
  luaL_setmetatable(L, kProxyMeta);
}

Proxy* check_proxy(lua_State* L, int index, Kind kind, const char* what) {
  auto* p = static_cast<Proxy*>(luaL_checkudata(L, index, kProxyMeta));
  if (p->epoch != *p->epoch_now) {
    luaL_error(L, "%s was kept past the callback it was given to", what);
  }
  if (p->kind != kind) luaL_error(L, "expected %s", what);
  return p;
}

void push_string(lua_State* L, const std::string& s) { lua_pushlstring(L, s.data(), s.size()); }

// Host calls that return a string: the string is pushed inside an Unbounded scope, so
// nothing can raise while it is alive.
template <typename Get>
int push_host_string(lua_State* L, Get get) {
  {
    Unbounded unbounded(L);
    const std::string s = get();
    push_string(L, s);
  }
  return 1;
}

int window_perform_action(lua_State* L) {
  Proxy* w = check_proxy(L, 1, Kind::window, "a window");
  char error[512] = "";
  {
    Action a;
    const std::string e = detail::parse_action(L, 2, a);
    if (e.empty()) {
      w->host->perform(a);
    } else {
      std::snprintf(error, sizeof error, "%s", e.c_str());
    }
  }
  if (error[0]) return luaL_error(L, "perform_action: %s", error);
  return 0;
}

template <bool kRight>
int window_set_status(lua_State* L) {
  Proxy* w = check_proxy(L, 1, Kind::window, "a window");
  size_t n = 0;
  const char* s = luaL_checklstring(L, 2, &n);
  if (kRight) {
    w->host->set_right_status(std::string(s, n));
  } else {
    w->host->set_left_status(std::string(s, n));
  }
  return 0;
}

int window_active_tab(lua_State* L) {
  Proxy p = *check_proxy(L, 1, Kind::window, "a window");
  p.kind = Kind::mux_tab;
  push_proxy(L, p);
  return 1;
}

int window_active_pane(lua_State* L) {
  Proxy p = *check_proxy(L, 1, Kind::window, "a window");
  p.kind = Kind::pane;
  push_proxy(L, p);
  return 1;
}

int mux_tab_get_title(lua_State* L) {
  LuaHost* host = check_proxy(L, 1, Kind::mux_tab, "a tab")->host;
  return push_host_string(L, [&] { return host->active_tab_title(); });
}

int pane_get_title(lua_State* L) {
  LuaHost* host = check_proxy(L, 1, Kind::pane, "a pane")->host;
  return push_host_string(L, [&] { return host->active_pane_title(); });
}

int pane_pane_id(lua_State* L) {
  LuaHost* host = check_proxy(L, 1, Kind::pane, "a pane")->host;
  lua_pushinteger(L, static_cast<lua_Integer>(host->active_pane_id()));
  return 1;
}

int pane_send_text(lua_State* L) {
  LuaHost* host = check_proxy(L, 1, Kind::pane, "a pane")->host;
  size_t n = 0;
  const char* s = luaL_checklstring(L, 2, &n);
  host->send_text(std::string_view(s, n));
  return 0;
}

void push_tab(lua_State* L, const Proxy& from, const TabInfo* tab, Kind kind = Kind::tab) {
  Proxy p = from;
  p.kind = kind;
  p.tab = tab;
  push_proxy(L, p);
}

// Fields of the tab and pane information format-tab-title gets (WezTerm's names).
int tab_field(lua_State* L, Proxy& p, std::string_view key) {
  const TabInfo& t = *p.tab;
  if (key == "tab_id")
    lua_pushinteger(L, static_cast<lua_Integer>(t.id));
  else if (key == "tab_index")
    lua_pushinteger(L, t.index);
  else if (key == "is_active")
    lua_pushboolean(L, t.active);
  else if (key == "tab_title")
    push_string(L, t.title);
  else if (key == "has_unseen_output")
    lua_pushboolean(L, t.has_unseen_output);
  else if (key == "pane_count")
    lua_pushinteger(L, t.pane_count);
  else if (key == "progress")
    t.progress < 0 ? lua_pushnil(L) : lua_pushinteger(L, t.progress);
  else if (key == "progress_state") {
    static const char* const kStates[] = {nullptr, "normal", "error", "indeterminate", "paused"};
    const char* name =
        t.progress_state > 0 && t.progress_state <= 4 ? kStates[t.progress_state] : nullptr;
    name ? (void)lua_pushstring(L, name) : lua_pushnil(L);
  } else if (key == "active_pane")
    push_tab(L, p, p.tab, Kind::pane_info);
  else
    lua_pushnil(L);
  return 1;
}

int pane_info_field(lua_State* L, Proxy& p, std::string_view key) {
  const TabInfo& t = *p.tab;
  if (key == "title")
    push_string(L, t.active_pane_title);
  else if (key == "is_active")
    lua_pushboolean(L, true);
  else if (key == "has_unseen_output")
    lua_pushboolean(L, t.has_unseen_output);
  else
    lua_pushnil(L);
  return 1;
}

int proxy_index(lua_State* L) {
  auto* p = static_cast<Proxy*>(luaL_checkudata(L, 1, kProxyMeta));
  if (p->epoch != *p->epoch_now) {
    return luaL_error(L, "an argument of a callback was kept past the callback");
  }
  if (p->kind == Kind::tabs) {
    if (!lua_isinteger(L, 2)) return 0;
    const lua_Integer i = lua_tointeger(L, 2);
    if (i < 1 || static_cast<size_t>(i) > p->count) return 0;
    push_tab(L, *p, p->tabs + (i - 1));
    return 1;
  }
  size_t n = 0;
  const char* k = luaL_checklstring(L, 2, &n);
  const std::string_view key(k, n);
  lua_CFunction method = nullptr;
  switch (p->kind) {
    case Kind::tab: return tab_field(L, *p, key);
    case Kind::pane_info: return pane_info_field(L, *p, key);
    case Kind::tabs: break;
    case Kind::window:
      if (key == "perform_action")
        method = window_perform_action;
      else if (key == "set_right_status")
        method = window_set_status<true>;
      else if (key == "set_left_status")
        method = window_set_status<false>;
      else if (key == "active_tab")
        method = window_active_tab;
      else if (key == "active_pane")
        method = window_active_pane;
      break;
    case Kind::pane:
      if (key == "get_title")
        method = pane_get_title;
      else if (key == "pane_id")
        method = pane_pane_id;
      else if (key == "send_text")
        method = pane_send_text;
      break;
    case Kind::mux_tab:
      if (key == "get_title") method = mux_tab_get_title;
      break;
  }
  if (!method) return 0;
  lua_pushcfunction(L, method);
  return 1;
}

int proxy_len(lua_State* L) {
  auto* p = static_cast<Proxy*>(luaL_checkudata(L, 1, kProxyMeta));
  lua_pushinteger(L, p->kind == Kind::tabs && p->epoch == *p->epoch_now
                         ? static_cast<lua_Integer>(p->count)
                         : 0);
  return 1;
}

void time_hook(lua_State* L, lua_Debug*) {
  Box* box = detail::box_of(L);
  if (box->deadline_ns == 0) return;
  if (box->timed_out || monotonic_ns() > box->deadline_ns) {
    // From now on every instruction raises, so a pcall inside the callback cannot catch
    // the stop and carry on.
    box->timed_out = true;
    lua_sethook(L, time_hook, LUA_MASKCOUNT, 1);
    luaL_error(L, "stopped: ran past its time budget");
  }
}

int trampoline(lua_State* L) {
  auto* ctx = static_cast<CallContext*>(lua_touserdata(L, 1));
  lua_settop(L, 0);
  return ctx->body(L, *ctx);
}

void push_window_and_pane(lua_State* L, CallContext& ctx, uint64_t epoch, const uint64_t* now) {
  Proxy p{now, epoch, Kind::window, nullptr, nullptr, 0, ctx.host};
  push_proxy(L, p);
  p.kind = Kind::pane;
  push_proxy(L, p);
}

// Pushes the list of handlers for ctx.event, or returns false.
bool push_handlers(lua_State* L, const char* event) {
  if (lua_getfield(L, LUA_REGISTRYINDEX, kHandlers) != LUA_TTABLE ||
      lua_getfield(L, -1, event) != LUA_TTABLE) {
    return false;
  }
  lua_remove(L, -2);
  return true;
}

// Style state while reading format items.
struct Style {
  std::optional<uint32_t> fg, bg;
  bool bold = false, italic = false, underline = false;
};

// Reads the result at `index` into spans. Raises nothing: the problem is returned.
std::string read_title(lua_State* L, int index, std::vector<TitleSpan>& spans) {
  Unbounded unbounded(L);
  if (lua_type(L, index) == LUA_TSTRING) {
    spans.push_back({std::string(string_at(L, index))});
    return "";
  }
  if (lua_type(L, index) != LUA_TTABLE) {
    return std::string("format-tab-title must return a string or a list of format items, not a ") +
           lua_typename(L, lua_type(L, index));
  }
  Style style;
  const lua_Integer n = static_cast<lua_Integer>(lua_rawlen(L, index));
  for (lua_Integer i = 1; i <= n; ++i) {
    const std::string where = "format item " + std::to_string(i);
    lua_rawgeti(L, index, i);
    const int item = lua_gettop(L);
    std::string e;
    if (string_at(L, item) == "ResetAttributes") {
      style = Style{};
    } else if (lua_type(L, item) != LUA_TTABLE) {
      e = where + " must be a table like { Text = '...' } or 'ResetAttributes'";
    } else if (raw_field(L, item, "Text") == LUA_TSTRING) {
      spans.push_back({std::string(string_at(L, -1)), style.fg, style.bg, style.bold, style.italic,
                       style.underline});
    } else if (raw_field(L, item, "Foreground") == LUA_TTABLE ||
               raw_field(L, item, "Background") == LUA_TTABLE) {
      const bool fg = lua_type(L, item + 2) == LUA_TTABLE;
      uint32_t rgb = 0;
      raw_field(L, lua_gettop(L), "Color");
      if (!detail::parse_color(string_at(L, -1), rgb)) {
        e = where + ": a colour is { Color = '#rrggbb' }";
      } else {
        (fg ? style.fg : style.bg) = rgb;
      }
    } else if (raw_field(L, item, "Attribute") == LUA_TTABLE) {
      const int a = lua_gettop(L);
      if (raw_field(L, a, "Intensity") == LUA_TSTRING) {
        style.bold = string_at(L, -1) == "Bold";
      } else if (raw_field(L, a, "Italic") == LUA_TBOOLEAN) {
        style.italic = lua_toboolean(L, -1);
      } else if (raw_field(L, a, "Underline") == LUA_TSTRING) {
        style.underline = string_at(L, -1) != "None";
      } else {
        e = where +
            ": an Attribute is { Intensity = ... }, { Italic = ... } or { Underline = ... }";
      }
    } else {
      e = where + ": expected Text, Foreground, Background or Attribute";
    }
    lua_settop(L, item - 1);
    if (!e.empty()) return e;
  }
  return "";
}

int format_body(lua_State* L, CallContext& ctx) {
  if (!push_handlers(L, "format-tab-title")) return 0;
  const int handlers = lua_gettop(L);
  const uint64_t* now = ctx.epoch_now;
  const uint64_t epoch = ctx.epoch;
  Proxy base{now, epoch, Kind::tab, ctx.tab, ctx.tabs.data(), ctx.tabs.size(), nullptr};
  const lua_Integer n = static_cast<lua_Integer>(lua_rawlen(L, handlers));
  for (lua_Integer i = 1; i <= n && !ctx.returned; ++i) {
    lua_rawgeti(L, handlers, i);
    push_proxy(L, base);  // tab
    Proxy tabs = base;
    tabs.kind = Kind::tabs;
    push_proxy(L, tabs);
    lua_createtable(L, 1, 0);  // panes: the tab's active pane
    push_tab(L, base, ctx.tab, Kind::pane_info);
    lua_rawseti(L, -2, 1);
    lua_rawgeti(L, LUA_REGISTRYINDEX, ctx.config_ref);
    lua_pushboolean(L, false);  // hover: applied by the window after the cache
    lua_pushinteger(L, ctx.max_width);
    lua_call(L, 6, 1);
    if (!lua_isnil(L, -1)) {
      ctx.returned = true;
      ctx.error = read_title(L, lua_gettop(L), *ctx.spans);
    }
    lua_pop(L, 1);
  }
  return 0;
}

int event_body(lua_State* L, CallContext& ctx) {
  if (!push_handlers(L, ctx.event)) return 0;
  const int handlers = lua_gettop(L);
  const uint64_t* now = ctx.epoch_now;
  const uint64_t epoch = ctx.epoch;
  const lua_Integer n = static_cast<lua_Integer>(lua_rawlen(L, handlers));
  for (lua_Integer i = 1; i <= n; ++i) {
    lua_rawgeti(L, handlers, i);
    push_window_and_pane(L, ctx, epoch, now);
    lua_call(L, 2, 0);
  }
  return 0;
}

int callback_body(lua_State* L, CallContext& ctx) {
  if (lua_rawgeti(L, LUA_REGISTRYINDEX, ctx.callback_ref) != LUA_TFUNCTION) {
    return luaL_error(L, "the callback is gone");
  }
  const uint64_t* now = ctx.epoch_now;
  const uint64_t epoch = ctx.epoch;
  push_window_and_pane(L, ctx, epoch, now);
  lua_call(L, 2, 0);
  return 0;
}

void push_color(lua_State* L, uint32_t rgb) {
  char buf[8];
  std::snprintf(buf, sizeof buf, "#%06x", rgb & 0xffffff);
  lua_pushstring(L, buf);
}

// The `config` argument of format-tab-title: the effective values, built once.
int config_table_body(lua_State* L, CallContext& ctx) {
  const Config& c = *ctx.config;
  lua_createtable(L, 0, 16);
  lua_pushstring(L, c.font.c_str());
  lua_setfield(L, -2, "font");
  lua_pushnumber(L, c.font_size);
  lua_setfield(L, -2, "font_size");
  lua_pushstring(L, c.color_scheme.c_str());
  lua_setfield(L, -2, "color_scheme");
  lua_pushboolean(L, c.enable_tab_bar);
  lua_setfield(L, -2, "enable_tab_bar");
  lua_pushboolean(L, c.tab_bar_at_bottom);
  lua_setfield(L, -2, "tab_bar_at_bottom");
  lua_pushboolean(L, c.hide_tab_bar_if_only_one_tab);
  lua_setfield(L, -2, "hide_tab_bar_if_only_one_tab");
  lua_pushinteger(L, c.tab_max_width);
  lua_setfield(L, -2, "tab_max_width");
  lua_pushinteger(L, c.status_update_interval_ms);
  lua_setfield(L, -2, "status_update_interval");
  lua_pushinteger(L, c.flood_frame_interval_ms);
  lua_setfield(L, -2, "flood_frame_interval");
  lua_pushstring(L, c.term.c_str());
  lua_setfield(L, -2, "term");
  lua_createtable(L, 0, 4);
  push_color(L, c.colors.foreground);
  lua_setfield(L, -2, "foreground");
  push_color(L, c.colors.background);
  lua_setfield(L, -2, "background");
  lua_createtable(L, 0, 2);
  push_color(L, c.colors.tab_bar.background);
  lua_setfield(L, -2, "background");
  lua_setfield(L, -2, "tab_bar");
  lua_setfield(L, -2, "colors");
  ctx.new_ref = luaL_ref(L, LUA_REGISTRYINDEX);
  return 0;
}

}  // namespace

LuaRuntime::LuaRuntime() : box_(std::make_unique<Box>()) {
  box_->limit = kLuaMemoryLimit;
  box_->instruction_budget = kLuaInstructionBudget;
  L_ = lua_newstate(detail::box_alloc, box_.get());
  if (L_) {
    luaL_newmetatable(L_, kProxyMeta);
    lua_pushcfunction(L_, proxy_index);
    lua_setfield(L_, -2, "__index");
    lua_pushcfunction(L_, proxy_len);
    lua_setfield(L_, -2, "__len");
    lua_pop(L_, 1);
  }
}

LuaRuntime::~LuaRuntime() {
  if (L_) lua_close(L_);
}

size_t LuaRuntime::memory_used() const { return box_->used; }

bool LuaRuntime::has_handler(std::string_view event) const {
  const uint32_t bit = detail::event_bit(event);
  if (bit != detail::kEventOther) return (box_->events & bit) != 0;
  Unbounded unbounded(L_);  // outside any pcall: nothing here may raise
  if (lua_getfield(L_, LUA_REGISTRYINDEX, kHandlers) != LUA_TTABLE) {
    lua_pop(L_, 1);
    return false;
  }
  lua_pushlstring(L_, event.data(), event.size());
  const bool found = lua_rawget(L_, -2) == LUA_TTABLE;
  lua_pop(L_, 2);
  return found;
}

void LuaRuntime::finish_load(const Config& config) {
  generation_ = config.generation;
  box_->instruction_budget = 0;
  CallContext ctx;
  ctx.body = config_table_body;
  ctx.config = &config;
  if (call(ctx, "loading")) config_table_ref_ = ctx.new_ref;
  stats_ = LuaStats{};
}

bool LuaRuntime::emit(std::string_view event, LuaHost& host) {
  if (!has_handler(event)) return false;
  const std::string name(event);
  CallContext ctx;
  ctx.body = event_body;
  ctx.event = name.c_str();
  ctx.host = &host;
  return call(ctx, name);
}

bool LuaRuntime::run_callback(const Action& action, LuaHost& host) {
  if (action.kind != ActionKind::callback) return false;
  CallContext ctx;
  ctx.body = callback_body;
  ctx.callback_ref = action.callback_ref;
  ctx.host = &host;
  return call(ctx, "action callback #" + std::to_string(action.callback_ref));
}

LuaRuntime::Title LuaRuntime::format_tab_title(const TabInfo& tab, std::span<const TabInfo> tabs,
                                               int max_width, std::vector<TitleSpan>& out) {
  if (!has_handler("format-tab-title")) return Title::no_handler;
  out.clear();
  CallContext ctx;
  ctx.body = format_body;
  ctx.tab = &tab;
  ctx.tabs = tabs;
  ctx.max_width = max_width;
  ctx.spans = &out;
  if (!call(ctx, "format-tab-title")) {
    out.clear();
    return Title::failed;
  }
  return ctx.returned ? Title::formatted : Title::declined;
}

bool LuaRuntime::call(CallContext& ctx, const std::string& who) {
  if (in_call_) {
    // A callback that makes the window run another callback: refused, not nested, so
    // one budget covers one call and proxies stay tied to it.
    log_once(who, "not run: called from inside another callback");
    return false;
  }
  in_call_ = true;
  ++epoch_;
  ctx.epoch_now = &epoch_;
  ctx.epoch = epoch_;
  ctx.config_ref = config_table_ref_;
  lua_settop(L_, 0);
  const uint64_t start = monotonic_ns();
  box_->timed_out = false;
  box_->budget_ns = budget_ns_;
  box_->deadline_ns = start + budget_ns_;
  lua_sethook(L_, time_hook, LUA_MASKCOUNT, kHookInstructions);
  lua_pushcfunction(L_, trampoline);
  lua_pushlightuserdata(L_, &ctx);
  const int status = lua_pcall(L_, 1, 0, 0);
  lua_sethook(L_, nullptr, 0, 0);
  box_->deadline_ns = 0;
  ++epoch_;
  in_call_ = false;
  ++stats_.calls;
  stats_.total_us += (monotonic_ns() - start) / 1000;
  if (status == LUA_OK && ctx.error.empty()) {
    lua_settop(L_, 0);
    return true;
  }
  ++stats_.errors;
  std::string message;
  if (box_->timed_out) {
    ++stats_.timeouts;
    message = "stopped after its " + std::to_string(budget_ns_ / 1000000) + " ms budget";
  } else if (status != LUA_OK) {
    const std::string_view m = string_at(L_, -1);
    message = m.empty() ? "failed (the error is not a string)" : std::string(m);
  } else {
    message = ctx.error;
  }
  lua_settop(L_, 0);
  log_once(who, message);
  return false;
}

void LuaRuntime::log_once(const std::string& who, const std::string& message) {
  std::string key = who + '\n' + message;
  if (logged_.count(key)) return;
  if (logged_.size() >= kMaxLogged) return;  // enough said; the counters go on counting
  logged_.insert(std::move(key));
  LOG_ERROR(kLog, who, ": ", message, " (logged once)");
}

}  // namespace cadence::config
