// `cadence.action`: the constructors a configuration writes bindings with, and their
// conversion into config::Action values.
//
// WezTerm users write both `act.SpawnTab` and `act.SpawnTab 'CurrentPaneDomain'`,
// `act.ActivateTab(1)` and `act.AdjustPaneSize { 'Left', 5 }`, and older files use the
// table form `wezterm.action { ActivateTab = 1 }`. All of these are accepted by making
// an action a small Lua table {name = ..., arg = ...} whose metatable is callable:
// `act.X` is an action with no argument, calling it returns a copy with one. Checking an
// argument waits until the action is converted (when it is bound), so the error can name
// the binding it is in; the name itself is checked at `act.X`, where a typo is made.
#include <cmath>
#include <cstring>

#include "config/lua_util.hpp"

namespace cadence::config::detail {
namespace {

constexpr const char* kActionMeta = "cadence.action";

enum class Arg : uint8_t {
  none,         // nothing, or an options table the action ignores
  integer,      // required
  string,       // required
  direction,    // 'Left' | 'Right' | 'Up' | 'Down'
  adjust,       // { direction, n }
  copy_target,  // 'Clipboard' | 'PrimarySelection' | 'ClipboardAndPrimarySelection'
  paste_source,
  key_table,  // { name = ..., one_shot = ... }
  callback,   // made by cadence.action_callback only
};

struct ActionDef {
  const char* name;
  ActionKind kind;
  Arg arg;
};

constexpr ActionDef kActions[] = {
    {"Nop", ActionKind::nop, Arg::none},
    {"SpawnTab", ActionKind::spawn_tab, Arg::none},
    {"CloseCurrentTab", ActionKind::close_tab, Arg::none},
    {"ActivateTab", ActionKind::activate_tab, Arg::integer},
    {"ActivateTabRelative", ActionKind::activate_tab_relative, Arg::integer},
    {"MoveTab", ActionKind::move_tab, Arg::integer},
    {"MoveTabRelative", ActionKind::move_tab_relative, Arg::integer},
    {"RenameTab", ActionKind::rename_tab, Arg::string},
    {"SplitHorizontal", ActionKind::split_horizontal, Arg::none},
    {"SplitVertical", ActionKind::split_vertical, Arg::none},
    {"CloseCurrentPane", ActionKind::close_pane, Arg::none},
    {"ActivatePaneDirection", ActionKind::activate_pane_direction, Arg::direction},
    {"AdjustPaneSize", ActionKind::adjust_pane_size, Arg::adjust},
    {"TogglePaneZoomState", ActionKind::toggle_pane_zoom, Arg::none},
    {"CopyTo", ActionKind::copy_to_clipboard, Arg::copy_target},
    {"PasteFrom", ActionKind::paste_from_clipboard, Arg::paste_source},
    {"IncreaseFontSize", ActionKind::increase_font_size, Arg::none},
    {"DecreaseFontSize", ActionKind::decrease_font_size, Arg::none},
    {"ResetFontSize", ActionKind::reset_font_size, Arg::none},
    {"ReloadConfiguration", ActionKind::reload_configuration, Arg::none},
    {"ScrollByPage", ActionKind::scroll_by_page, Arg::integer},
    {"ScrollByLine", ActionKind::scroll_by_line, Arg::integer},
    {"ScrollToTop", ActionKind::scroll_to_top, Arg::none},
    {"ScrollToBottom", ActionKind::scroll_to_bottom, Arg::none},
    {"SendString", ActionKind::send_string, Arg::string},
    {"ActivateKeyTable", ActionKind::activate_key_table, Arg::key_table},
    {"PopKeyTable", ActionKind::pop_key_table, Arg::none},
    {"ClearKeyTableStack", ActionKind::clear_key_table_stack, Arg::none},
    {"ToggleFrameLogHud", ActionKind::toggle_frame_log_hud, Arg::none},
    {"ScrollToPrompt", ActionKind::scroll_to_prompt, Arg::integer},
    {"SelectLastCommandOutput", ActionKind::select_last_output, Arg::none},
    {"Callback", ActionKind::callback, Arg::callback},
};

const ActionDef* find_action(std::string_view name) {
  for (const ActionDef& d : kActions) {
    if (name == d.name) return &d;
  }
  return nullptr;
}

std::vector<std::string> action_names() {
  std::vector<std::string> names;
  for (const ActionDef& d : kActions) {
    if (d.arg != Arg::callback) names.emplace_back(d.name);
  }
  return names;
}

// Pushes a new action table {name = name, arg = <value at arg_index, or nil>}.
void push_action(lua_State* L, const char* name, int arg_index) {
  lua_createtable(L, 0, 2);
  lua_pushstring(L, name);
  lua_setfield(L, -2, "name");
  if (arg_index != 0) {
    lua_pushvalue(L, arg_index);
    lua_setfield(L, -2, "arg");
  }
  luaL_setmetatable(L, kActionMeta);
}

// act.X(arg): a copy of the action with its argument.
int action_call(lua_State* L) {
  const int args = lua_gettop(L);  // self, then the argument if any
  if (args > 2) return luaL_error(L, "an action takes one argument (use a table for more)");
  lua_getfield(L, 1, "name");
  const char* name = lua_tostring(L, -1);
  if (!name) return luaL_error(L, "not an action");
  push_action(L, name, args == 2 ? 2 : 0);
  return 1;
}

// act.X: the action X, with no argument yet.
int action_index(lua_State* L) {
  const char* name = lua_tostring(L, 2);
  const ActionDef* def = name ? find_action(name) : nullptr;
  if (!def || def->arg == Arg::callback) {
    const std::string_view key = name ? name : "?";
    return raise_message(L, [&] {
      return "unknown action '" + std::string(key) + "'" +
             did_you_mean(closest(key, action_names()));
    });
  }
  push_action(L, def->name, 0);
  return 1;
}

// act { ActivateTab = 1 }: the older table form.
int action_table_form(lua_State* L) {
  luaL_checktype(L, 2, LUA_TTABLE);
  lua_settop(L, 2);
  lua_pushnil(L);
  if (!lua_next(L, 2))
    return luaL_error(L, "an action table names one action, e.g. { ActivateTab = 1 }");
  lua_pushvalue(L, 3);
  if (lua_next(L, 2)) return luaL_error(L, "an action table names exactly one action");
  // Stack: module, table, name (3), argument (4). act[name] checks the name.
  lua_pushcfunction(L, action_index);
  lua_pushnil(L);
  lua_pushvalue(L, 3);
  lua_call(L, 2, 1);
  lua_pushcfunction(L, action_call);
  lua_insert(L, -2);
  lua_pushvalue(L, 4);
  lua_call(L, 2, 1);
  return 1;
}

std::string direction_of(std::string_view s, Direction& out) {
  if (s == "Left")
    out = Direction::left;
  else if (s == "Right")
    out = Direction::right;
  else if (s == "Up")
    out = Direction::up;
  else if (s == "Down")
    out = Direction::down;
  else
    return "a direction must be 'Left', 'Right', 'Up' or 'Down', not '" + std::string(s) + "'";
  return "";
}

bool integer_at(lua_State* L, int index, int64_t& out) {
  if (lua_type(L, index) != LUA_TNUMBER) return false;
  if (lua_isinteger(L, index)) {
    out = lua_tointeger(L, index);
    return true;
  }
  const double d = lua_tonumber(L, index);
  if (d != std::floor(d) || std::fabs(d) > 1e15) return false;
  out = static_cast<int64_t>(d);
  return true;
}

std::string typed(lua_State* L, int index) {
  return std::string(lua_typename(L, lua_type(L, index)));
}

// SpawnTab's domain: 'CurrentPaneDomain' and 'DefaultDomain' are this window's (the
// text stays empty); { DomainName = 'devbox' } names one, which opens in a window of
// its own unless it is this window's.
std::string spawn_domain(lua_State* L, int arg, Action& out) {
  if (lua_type(L, arg) == LUA_TSTRING) {
    const std::string_view s = string_at(L, arg);
    if (s == "CurrentPaneDomain" || s == "DefaultDomain") return "";
    return "SpawnTab takes 'CurrentPaneDomain', 'DefaultDomain' or { DomainName = 'name' }, "
           "not '" +
           std::string(s) + "'";
  }
  lua_getfield(L, arg, "DomainName");
  std::string e;
  if (lua_type(L, -1) == LUA_TSTRING) {
    out.text = string_at(L, -1);
    if (out.text.empty()) e = "SpawnTab: DomainName is empty";
  } else if (!lua_isnil(L, -1)) {
    e = "SpawnTab: DomainName needs a string, not a " + typed(L, -1);
  }
  lua_pop(L, 1);
  return e;
}

// Converts the argument at `arg` (absolute index, maybe nil) for `def` into `out`.
std::string convert_arg(lua_State* L, const ActionDef& def, int arg, Action& out) {
  const std::string n = def.name;
  const bool none = lua_isnil(L, arg);
  switch (def.arg) {
    case Arg::none:
      // Options such as { confirm = true } are accepted; cadence asks no confirmation.
      if (!none && lua_type(L, arg) != LUA_TTABLE && lua_type(L, arg) != LUA_TSTRING) {
        return n + " takes no argument (or an options table), not a " + typed(L, arg);
      }
      if (def.kind == ActionKind::spawn_tab && !none) return spawn_domain(L, arg, out);
      return "";
    case Arg::integer:
      if (none) return n + " needs a number, e.g. cadence.action." + n + "(1)";
      if (!integer_at(L, arg, out.n)) return n + " needs a whole number, not a " + typed(L, arg);
      return "";
    case Arg::string:
      if (lua_type(L, arg) != LUA_TSTRING) {
        return n + " needs a string, e.g. cadence.action." + n + " 'text'";
      }
      out.text = string_at(L, arg);
      return "";
    case Arg::direction:
      if (lua_type(L, arg) != LUA_TSTRING) return n + " needs a direction, e.g. " + n + " 'Left'";
      return direction_of(string_at(L, arg), out.direction);
    case Arg::adjust: {
      if (lua_type(L, arg) != LUA_TTABLE)
        return n + " needs { direction, cells }, e.g. " + n + " { 'Left', 5 }";
      lua_rawgeti(L, arg, 1);
      lua_rawgeti(L, arg, 2);
      std::string e = lua_type(L, -2) == LUA_TSTRING ? direction_of(string_at(L, -2), out.direction)
                                                     : n + " needs a direction first";
      if (e.empty() && !integer_at(L, -1, out.n)) e = n + " needs a number of cells second";
      lua_pop(L, 2);
      return e;
    }
    case Arg::copy_target:
    case Arg::paste_source: {
      const std::string_view s = string_at(L, arg);
      const bool copy = def.arg == Arg::copy_target;
      if (s == "Clipboard") {
        out.kind = copy ? ActionKind::copy_to_clipboard : ActionKind::paste_from_clipboard;
      } else if (s == "PrimarySelection") {
        out.kind = copy ? ActionKind::copy_to_primary : ActionKind::paste_from_primary;
      } else if (copy && s == "ClipboardAndPrimarySelection") {
        out.kind = ActionKind::copy_to_clipboard_and_primary;
      } else {
        return n + " needs 'Clipboard' or 'PrimarySelection'" +
               (copy ? std::string(" or 'ClipboardAndPrimarySelection'") : "") + ", not " +
               (s.empty() ? typed(L, arg) : "'" + std::string(s) + "'");
      }
      return "";
    }
    case Arg::key_table: {
      if (lua_type(L, arg) != LUA_TTABLE) {
        return n + " needs { name = 'table name', one_shot = true|false }";
      }
      out.one_shot = true;  // WezTerm's default
      lua_pushnil(L);
      while (lua_next(L, arg) != 0) {
        const std::string_view k = string_at(L, -2);
        std::string e;
        if (k == "name") {
          if (lua_type(L, -1) == LUA_TSTRING)
            out.text = string_at(L, -1);
          else
            e = n + ": name must be a string";
        } else if (k == "one_shot") {
          if (lua_type(L, -1) == LUA_TBOOLEAN)
            out.one_shot = lua_toboolean(L, -1);
          else
            e = n + ": one_shot must be true or false";
        } else {
          e = n + ": unknown field '" + std::string(k) + "' (cadence knows name and one_shot)";
        }
        if (!e.empty()) {
          lua_pop(L, 2);
          return e;
        }
        lua_pop(L, 1);
      }
      if (out.text.empty()) return n + " needs a table name: { name = '...' }";
      return "";
    }
    case Arg::callback:
      if (!lua_isinteger(L, arg)) return "a Callback action is made by cadence.action_callback";
      out.callback_ref = static_cast<int>(lua_tointeger(L, arg));
      return "";
  }
  return "";
}

}  // namespace

std::string parse_action(lua_State* L, int index, Action& out) {
  Unbounded unbounded(L);
  index = lua_absindex(L, index);
  out = Action{};
  if (lua_type(L, index) == LUA_TSTRING) {
    // action = 'SpawnTab': the name of an action that needs no argument.
    const std::string_view name = string_at(L, index);
    const ActionDef* def = find_action(name);
    if (!def || def->arg == Arg::callback) {
      return "unknown action '" + std::string(name) + "'" +
             did_you_mean(closest(name, action_names()));
    }
    out.kind = def->kind;
    lua_pushnil(L);
    std::string e = convert_arg(L, *def, lua_gettop(L), out);
    lua_pop(L, 1);
    return e;
  }
  bool is_action = false;
  if (lua_type(L, index) == LUA_TTABLE && lua_getmetatable(L, index)) {
    luaL_getmetatable(L, kActionMeta);
    is_action = lua_rawequal(L, -1, -2);
    lua_pop(L, 2);
  }
  if (!is_action) {
    return "an action must come from cadence.action (e.g. cadence.action.SpawnTab), not a " +
           typed(L, index);
  }
  raw_field(L, index, "name");
  const ActionDef* def = find_action(string_at(L, -1));
  lua_pop(L, 1);
  if (!def) return "not an action";
  out.kind = def->kind;
  raw_field(L, index, "arg");
  std::string e = convert_arg(L, *def, lua_gettop(L), out);
  lua_pop(L, 1);
  return e;
}

void push_action_module(lua_State* L) {
  if (luaL_newmetatable(L, kActionMeta)) {
    lua_pushcfunction(L, action_call);
    lua_setfield(L, -2, "__call");
  }
  lua_pop(L, 1);
  lua_newtable(L);  // the module: empty, every name resolves through __index
  lua_createtable(L, 0, 2);
  lua_pushcfunction(L, action_index);
  lua_setfield(L, -2, "__index");
  lua_pushcfunction(L, action_table_form);
  lua_setfield(L, -2, "__call");
  lua_setmetatable(L, -2);
}

int action_callback(lua_State* L) {
  luaL_checktype(L, 1, LUA_TFUNCTION);
  lua_pushvalue(L, 1);
  const int ref = luaL_ref(L, LUA_REGISTRYINDEX);
  box_of(L)->has_callbacks = true;
  lua_pushinteger(L, ref);
  push_action(L, "Callback", lua_gettop(L));
  return 1;
}

}  // namespace cadence::config::detail
