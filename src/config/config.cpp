// Config loading (see config.hpp): the option table, the checks each value gets, and the
// copy of a loaded file's table into a Config.
//
// Every option is one row of kOptions: its name, the type the builder checks at the
// assignment, and a function that copies a checked value into a Config. The builder's
// check and the final copy run the same function (the check copies into a scratch
// Config), so what the builder accepts and what the Config gets cannot drift apart, and
// a list changed after assignment (table.insert(config.keys, ...)) is checked again when
// the file has run.
#include "config/config.hpp"

#include "render/font/font_feature.hpp"

#include <lauxlib.h>
#include <lua.h>
#include <lualib.h>

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <iterator>
#include <sstream>

#include "base/log.hpp"
#include "config/lua_runtime.hpp"
#include "config/lua_util.hpp"
#include "lua_files.hpp"

namespace cadence::config {

using detail::closest;
using detail::did_you_mean;
using detail::raw_field;
using detail::string_at;
using detail::Unbounded;

namespace detail {

size_t edit_distance(std::string_view a, std::string_view b) {
  std::vector<size_t> row(b.size() + 1);
  for (size_t j = 0; j <= b.size(); ++j) row[j] = j;
  for (size_t i = 1; i <= a.size(); ++i) {
    size_t diag = row[0];
    row[0] = i;
    for (size_t j = 1; j <= b.size(); ++j) {
      const size_t up = row[j];
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, diag + (a[i - 1] == b[j - 1] ? 0 : 1)});
      diag = up;
    }
  }
  return row[b.size()];
}

bool parse_color(std::string_view s, uint32_t& out) {
  if (s.size() != 7 || s[0] != '#') return false;
  uint32_t v = 0;
  for (char ch : s.substr(1)) {
    const int d = ch >= '0' && ch <= '9'   ? ch - '0'
                  : ch >= 'a' && ch <= 'f' ? ch - 'a' + 10
                  : ch >= 'A' && ch <= 'F' ? ch - 'A' + 10
                                           : -1;
    if (d < 0) return false;
    v = v << 4 | static_cast<uint32_t>(d);
  }
  out = v;
  return true;
}

Box* box_of(lua_State* L) {
  void* ud = nullptr;
  lua_getallocf(L, &ud);
  return static_cast<Box*>(ud);
}

void* box_alloc(void* ud, void* ptr, size_t osize, size_t nsize) {
  auto* box = static_cast<Box*>(ud);
  if (ptr == nullptr) osize = 0;
  if (nsize == 0) {
    std::free(ptr);
    box->used -= osize;
    return nullptr;
  }
  if (nsize > osize && box->unbounded == 0 && box->used + (nsize - osize) > box->limit) {
    return nullptr;
  }
  void* p = std::realloc(ptr, nsize);
  if (p) box->used = box->used - osize + nsize;
  return p;
}

}  // namespace detail

namespace {

enum class Type : uint8_t {
  string,
  number,
  integer,
  boolean,
  choice,
  string_list,
  table,  // checked by the option's own function
};

using Apply = std::string (*)(lua_State* L, int index, Config& c);

struct Option {
  const char* name;
  Type type;
  const char* help;  // what a wrong value is told it should be
  Apply apply;
  double min = 0;
  double max = 0;
  const char* const* choices = nullptr;
};

constexpr const char* kExitBehaviors[] = {"Close", "Hold", nullptr};
constexpr const char* kDecorations[] = {"server", "client", nullptr};
constexpr const char* kCursorStyles[] = {
    "SteadyBlock", "BlinkingBlock", "SteadyUnderline", "BlinkingUnderline", "SteadyBar",
    "BlinkingBar", nullptr};

const char* type_name(Type t) {
  switch (t) {
    case Type::string:
    case Type::choice: return "a string";
    case Type::number: return "a number";
    case Type::integer: return "an integer";
    case Type::boolean: return "a boolean";
    case Type::string_list: return "a list of strings";
    case Type::table: return "a table";
  }
  return "?";
}

std::vector<std::string> string_list(lua_State* L, int index) {
  std::vector<std::string> out;
  const lua_Integer n = static_cast<lua_Integer>(lua_rawlen(L, index));
  for (lua_Integer i = 1; i <= n; ++i) {
    lua_rawgeti(L, index, i);
    out.emplace_back(string_at(L, -1));
    lua_pop(L, 1);
  }
  return out;
}

// --- colours ----------------------------------------------------------------------------

constexpr const char* kColorKeys[] = {"foreground",   "background", "cursor_bg", "selection_fg",
                                      "selection_bg", "ansi",       "brights",   "tab_bar"};
constexpr const char* kTabBarKeys[] = {"background",         "active_tab", "inactive_tab",
                                       "inactive_tab_hover", "new_tab",    "new_tab_hover"};
constexpr const char* kTabStyleKeys[] = {"bg_color", "fg_color", "intensity", "italic",
                                         "underline"};

std::string color_at(lua_State* L, int index, const std::string& what, uint32_t& out) {
  if (!detail::parse_color(string_at(L, index), out)) {
    return what + " must be a colour like '#rrggbb'";
  }
  return "";
}

// A table's entries, each checked by `one(key, value index)`; stops at the first error.
template <typename F>
std::string for_each_field(lua_State* L, int t, const std::string& what, F one) {
  lua_pushnil(L);
  while (lua_next(L, t) != 0) {
    std::string e = lua_type(L, -2) == LUA_TSTRING
                        ? one(std::string(string_at(L, -2)), lua_gettop(L))
                        : what + ": keys must be names";
    lua_pop(L, 1);
    if (!e.empty()) {
      lua_pop(L, 1);
      return e;
    }
  }
  return "";
}

std::string tab_style_at(lua_State* L, int t, const std::string& what, TabStyle& s) {
  if (lua_type(L, t) != LUA_TTABLE)
    return what + " must be a table like { bg_color = '#000000', fg_color = '#ffffff' }";
  return for_each_field(L, t, what, [&](const std::string& k, int v) -> std::string {
    const std::string field = what + "." + k;
    if (k == "bg_color") return color_at(L, v, field, s.bg);
    if (k == "fg_color") return color_at(L, v, field, s.fg);
    if (k == "intensity") {
      const std::string_view i = string_at(L, v);
      if (i != "Normal" && i != "Bold" && i != "Half")
        return field + " must be 'Normal', 'Bold' or 'Half'";
      s.bold = i == "Bold";
      return "";
    }
    if (k == "italic") {
      if (lua_type(L, v) != LUA_TBOOLEAN) return field + " must be true or false";
      s.italic = lua_toboolean(L, v);
      return "";
    }
    if (k == "underline") {
      const std::string_view u = string_at(L, v);
      if (u != "None" && u != "Single" && u != "Double")
        return field + " must be 'None', 'Single' or 'Double'";
      s.underline = u != "None";
      return "";
    }
    return "unknown field '" + field + "'" + did_you_mean(closest(k, kTabStyleKeys));
  });
}

std::string tab_bar_at(lua_State* L, int t, TabBarColors& tb) {
  if (lua_type(L, t) != LUA_TTABLE) return "colors.tab_bar must be a table";
  return for_each_field(L, t, "colors.tab_bar", [&](const std::string& k, int v) -> std::string {
    const std::string field = "colors.tab_bar." + k;
    if (k == "background") return color_at(L, v, field, tb.background);
    if (k == "active_tab") return tab_style_at(L, v, field, tb.active_tab);
    if (k == "inactive_tab") return tab_style_at(L, v, field, tb.inactive_tab);
    if (k == "inactive_tab_hover") return tab_style_at(L, v, field, tb.inactive_tab_hover);
    if (k == "new_tab") return tab_style_at(L, v, field, tb.new_tab);
    if (k == "new_tab_hover") return tab_style_at(L, v, field, tb.new_tab_hover);
    return "unknown colour '" + field + "'" + did_you_mean(closest(k, kTabBarKeys));
  });
}

// Applies the colours set in the table at `t` over `c`; `tab_bar_set` says whether the
// table had its own tab_bar.
std::string colors_at(lua_State* L, int t, Colors& c, bool* tab_bar_set = nullptr) {
  if (lua_type(L, t) != LUA_TTABLE) return "colors must be a table";
  return for_each_field(L, t, "colors", [&](const std::string& k, int v) -> std::string {
    if (k == "foreground") return color_at(L, v, "colors.foreground", c.foreground);
    if (k == "background") return color_at(L, v, "colors.background", c.background);
    if (k == "cursor_bg") return color_at(L, v, "colors.cursor_bg", c.cursor);
    if (k == "selection_fg") return color_at(L, v, "colors.selection_fg", c.selection_foreground);
    if (k == "selection_bg") return color_at(L, v, "colors.selection_bg", c.selection_background);
    if (k == "ansi" || k == "brights") {
      if (lua_type(L, v) != LUA_TTABLE || lua_rawlen(L, v) != 8) {
        return "colors." + k + " must be a list of 8 colours";
      }
      for (int i = 1; i <= 8; ++i) {
        lua_rawgeti(L, v, i);
        uint32_t rgb = 0;
        std::string e = color_at(L, -1, "colors." + k + "[" + std::to_string(i) + "]", rgb);
        lua_pop(L, 1);
        if (!e.empty()) return e;
        c.palette[(k == "ansi" ? 0 : 8) + i - 1] = rgb;
      }
      return "";
    }
    if (k == "tab_bar") {
      if (tab_bar_set) *tab_bar_set = true;
      return tab_bar_at(L, v, c.tab_bar);
    }
    return "unknown colour 'colors." + k + "'" + did_you_mean(closest(k, kColorKeys));
  });
}

uint32_t mix(uint32_t a, uint32_t b, double t) {
  uint32_t out = 0;
  for (int shift = 0; shift <= 16; shift += 8) {
    const double x = ((a >> shift) & 0xff) * (1 - t) + ((b >> shift) & 0xff) * t;
    out |= static_cast<uint32_t>(std::lround(x)) << shift;
  }
  return out;
}

// A scheme without tab bar colours gets ones made from its own, so picking a light
// scheme does not leave a dark tab bar above it.
TabBarColors derived_tab_bar(const Colors& c) {
  TabBarColors tb;
  const uint32_t dim = c.palette[8].value_or(mix(c.foreground, c.background, 0.5));
  tb.background = mix(c.background, dim, 0.15);
  tb.active_tab = {c.background, c.foreground, true};
  tb.inactive_tab = {tb.background, dim};
  tb.inactive_tab_hover = {c.selection_background, c.selection_foreground, false, true};
  tb.new_tab = tb.inactive_tab;
  tb.new_tab_hover = tb.inactive_tab_hover;
  return tb;
}

// --- colour schemes ----------------------------------------------------------------------

struct Scheme {
  std::string name;
  const char* path;
  const char* text;
};

// The bundled schemes' names, read once from their files (they are tested to load).
const std::vector<Scheme>& schemes() {
  static const std::vector<Scheme> all = [] {
    std::vector<Scheme> out;
    for (const embedded::LuaFile& f : embedded::kLuaFiles) {
      const std::string_view path = f.path;
      if (path.substr(0, 7) != "colors/") continue;
      // The name is the first string after "name = '" in the file's table.
      const std::string_view text = f.text;
      const size_t at = text.find("name = '");
      if (at == std::string_view::npos) continue;
      const size_t end = text.find('\'', at + 8);
      out.push_back({std::string(text.substr(at + 8, end - at - 8)), f.path, f.text});
    }
    return out;
  }();
  return all;
}

// Runs the bundled scheme `name` in L and applies its colours over `c`.
std::string apply_scheme(lua_State* L, std::string_view name, Colors& c) {
  const Scheme* scheme = nullptr;
  for (const Scheme& s : schemes()) {
    if (s.name == name) scheme = &s;
  }
  if (!scheme) {
    std::vector<std::string> names;
    for (const Scheme& s : schemes()) names.push_back(s.name);
    return "unknown colour scheme '" + std::string(name) + "'" + did_you_mean(closest(name, names));
  }
  const std::string chunk = std::string("=lua/") + scheme->path;
  if (luaL_loadbuffer(L, scheme->text, std::strlen(scheme->text), chunk.c_str()) != LUA_OK ||
      lua_pcall(L, 0, 1, 0) != LUA_OK) {
    std::string e = "colour scheme '" + std::string(name) + "': " + std::string(string_at(L, -1));
    lua_pop(L, 1);
    return e;
  }
  std::string e;
  if (lua_type(L, -1) != LUA_TTABLE || raw_field(L, lua_gettop(L), "colors") != LUA_TTABLE) {
    e = "colour scheme '" + std::string(name) + "' has no colors table";
  } else {
    bool has_tab_bar = false;
    e = colors_at(L, lua_gettop(L), c, &has_tab_bar);
    if (!has_tab_bar) c.tab_bar = derived_tab_bar(c);
  }
  lua_settop(L, lua_gettop(L) - 2);
  return e;
}

// --- other tables --------------------------------------------------------------------

bool is_env_name(std::string_view s) {
  if (s.empty() || std::isdigit(static_cast<unsigned char>(s[0]))) return false;
  for (char ch : s) {
    if (!std::isalnum(static_cast<unsigned char>(ch)) && ch != '_') return false;
  }
  return true;
}

std::string environment_at(lua_State* L, int t, std::map<std::string, std::string>& out) {
  out.clear();
  return for_each_field(L, t, "set_environment_variables",
                        [&](const std::string& k, int v) -> std::string {
                          if (!is_env_name(k)) {
                            return "set_environment_variables: '" + k +
                                   "' is not a variable name (letters, digits and _)";
                          }
                          if (lua_type(L, v) != LUA_TSTRING) {
                            return "set_environment_variables." + k + " must be a string";
                          }
                          out[k] = string_at(L, v);
                          return "";
                        });
}

// A list of domain tables; `fields` names the string fields, `required` those that must
// be there (name always is). Calls `store(values)` per entry, values in `fields` order.
template <typename Store>
std::string domains_at(lua_State* L, int t, const char* what,
                       const std::vector<std::string>& fields,
                       const std::vector<std::string>& required, Store store) {
  const lua_Integer n = static_cast<lua_Integer>(lua_rawlen(L, t));
  std::vector<std::string> names;
  for (lua_Integer i = 1; i <= n; ++i) {
    const std::string where = std::string(what) + "[" + std::to_string(i) + "]";
    lua_rawgeti(L, t, i);
    const int d = lua_gettop(L);
    std::vector<std::string> values(fields.size());
    std::string e;
    if (lua_type(L, d) != LUA_TTABLE) {
      e = where + " must be a table with " + fields[0] + " and " + fields[1];
    } else {
      e = for_each_field(L, d, where, [&](const std::string& k, int v) -> std::string {
        for (size_t f = 0; f < fields.size(); ++f) {
          if (k == fields[f]) {
            if (lua_type(L, v) != LUA_TSTRING) return where + "." + k + " must be a string";
            values[f] = string_at(L, v);
            return "";
          }
        }
        return where + ": unknown field '" + k + "'" + did_you_mean(closest(k, fields));
      });
    }
    lua_settop(L, d - 1);
    for (size_t f = 0; e.empty() && f < fields.size(); ++f) {
      for (const std::string& r : required) {
        if (fields[f] == r && values[f].empty()) e = where + " needs " + r;
      }
    }
    if (e.empty() && std::find(names.begin(), names.end(), values[0]) != names.end()) {
      e = where + ": another domain is already named '" + values[0] + "'";
    }
    if (!e.empty()) return e;
    names.push_back(values[0]);
    store(values);
  }
  return "";
}

constexpr const char* kSshDomainKeys[] = {"name",           "remote_address",  "username",
                                          "multiplexing",   "remote_mux_path", "identity_file",
                                          "connect_timeout"};

// One entry of ssh_domains: strings, a choice and a number, each checked where it is.
std::string ssh_domain_at(lua_State* L, int d, const std::string& where, SshDomain& out) {
  if (lua_type(L, d) != LUA_TTABLE)
    return where + " must be a table like { name = 'box', remote_address = 'box:22' }";
  std::string e = for_each_field(L, d, where, [&](const std::string& k, int v) -> std::string {
    const std::string field = where + "." + k;
    if (k == "connect_timeout") {
      if (lua_type(L, v) != LUA_TNUMBER || !lua_isinteger(L, v) || lua_tointeger(L, v) < 1 ||
          lua_tointeger(L, v) > kMaxSshConnectTimeoutS)
        return field + " must be a whole number of seconds from 1 to " +
               std::to_string(kMaxSshConnectTimeoutS);
      out.connect_timeout_s = static_cast<int>(lua_tointeger(L, v));
      return "";
    }
    if (std::find(std::begin(kSshDomainKeys), std::end(kSshDomainKeys), k) ==
        std::end(kSshDomainKeys))
      return where + ": unknown field '" + k + "'" + did_you_mean(closest(k, kSshDomainKeys));
    if (lua_type(L, v) != LUA_TSTRING) return field + " must be a string";
    const std::string value(string_at(L, v));
    if (k == "name") out.name = value;
    if (k == "remote_address") out.remote_address = value;
    if (k == "username") out.username = value;
    if (k == "identity_file") out.identity_file = value;
    if (k == "remote_mux_path") {
      if (value.empty()) return field + " must not be empty (it is the command run remotely)";
      out.remote_mux_path = value;
    }
    if (k == "multiplexing") {
      if (value == "cadence") {
        out.multiplexing = SshMultiplexing::cadence;
      } else if (value == "none") {
        out.multiplexing = SshMultiplexing::none;
      } else {
        return field + " must be 'cadence' or 'none', not '" + value + "'";
      }
    }
    return "";
  });
  if (!e.empty()) return e;
  if (out.name.empty()) return where + " needs name";
  if (out.remote_address.empty()) return where + " needs remote_address";
  if (Result<HostPort> a = parse_remote_address(out.remote_address); !a)
    return where + ".remote_address " + a.error().message;
  return "";
}

std::string ssh_domains_at(lua_State* L, int t, std::vector<SshDomain>& out) {
  const lua_Integer n = static_cast<lua_Integer>(lua_rawlen(L, t));
  for (lua_Integer i = 1; i <= n; ++i) {
    const std::string where = "ssh_domains[" + std::to_string(i) + "]";
    lua_rawgeti(L, t, i);
    SshDomain domain;
    std::string e = ssh_domain_at(L, lua_gettop(L), where, domain);
    lua_pop(L, 1);
    if (e.empty()) {
      for (const SshDomain& other : out) {
        if (other.name == domain.name)
          e = where + ": another domain is already named '" + domain.name + "'";
      }
    }
    if (!e.empty()) return e;
    out.push_back(std::move(domain));
  }
  return "";
}

// --- the options ---------------------------------------------------------------------

constexpr Option kOptions[] = {
    {"font", Type::string, "a font family, e.g. 'DejaVu Sans Mono'",
     [](lua_State* L, int i, Config& c) {
       c.font = string_at(L, i);
       return std::string();
     }},
    {"font_size", Type::number, "a size in points",
     [](lua_State* L, int i, Config& c) {
       c.font_size = lua_tonumber(L, i);
       return std::string();
     },
     1, 200},
    {"font_features", Type::string_list, "a list of features, e.g. { 'calt=0', 'ss01' }",
     [](lua_State* L, int i, Config& c) {
       c.font_features = string_list(L, i);
       for (const std::string& f : c.font_features) {
         if (auto r = render::font::parse_font_feature(f); !r) {
           return "font_features: " + r.error().message;
         }
       }
       return std::string();
     }},
    {"color_scheme", Type::string, "the name of a bundled scheme, e.g. 'Dracula'",
     [](lua_State* L, int i, Config& c) {
       c.color_scheme = string_at(L, i);
       return apply_scheme(L, c.color_scheme, c.colors);
     }},
    {"colors", Type::table, "a table of colours",
     [](lua_State* L, int i, Config& c) { return colors_at(L, i, c.colors); }},
    {"scrollback_lines", Type::integer, "a number of lines",
     [](lua_State* L, int i, Config& c) {
       c.scrollback_lines = static_cast<size_t>(lua_tointeger(L, i));
       return std::string();
     },
     0, 10000000},
    {"cursor_blink", Type::boolean, "true or false",
     [](lua_State* L, int i, Config& c) {
       c.cursor_blink = lua_toboolean(L, i);
       return std::string();
     }},
    {"cursor_style", Type::choice,
     "'SteadyBlock', 'BlinkingBlock', 'SteadyUnderline', "
     "'BlinkingUnderline', 'SteadyBar' or 'BlinkingBar'",
     [](lua_State* L, int i, Config& c) {
       for (int k = 0; kCursorStyles[k]; ++k) {
         if (string_at(L, i) == kCursorStyles[k]) c.cursor_style = static_cast<CursorStyle>(k);
       }
       return std::string();
     },
     0, 0, kCursorStyles},
    {"window_padding", Type::integer, "pixels",
     [](lua_State* L, int i, Config& c) {
       c.window_padding = static_cast<int>(lua_tointeger(L, i));
       return std::string();
     },
     0, 200},
    {"default_prog", Type::string_list, "a list of strings, e.g. { 'htop' }",
     [](lua_State* L, int i, Config& c) {
       c.default_prog = string_list(L, i);
       return std::string();
     }},
    {"term", Type::string, "a terminfo name, e.g. 'xterm-256color'",
     [](lua_State* L, int i, Config& c) {
       c.term = string_at(L, i);
       return std::string();
     }},
    {"shell_integration", Type::boolean, "true or false",
     [](lua_State* L, int i, Config& c) {
       c.shell_integration = lua_toboolean(L, i);
       return std::string();
     }},
    {"exit_behavior", Type::choice, "'Close' or 'Hold'",
     [](lua_State* L, int i, Config& c) {
       c.exit_behavior = string_at(L, i) == "Hold" ? ExitBehavior::hold : ExitBehavior::close;
       return std::string();
     },
     0, 0, kExitBehaviors},
    {"window_decorations", Type::choice, "'server' or 'client'",
     [](lua_State* L, int i, Config& c) {
       c.client_side_decorations = string_at(L, i) == "client";
       return std::string();
     },
     0, 0, kDecorations},
    {"enable_tab_bar", Type::boolean, "true or false",
     [](lua_State* L, int i, Config& c) {
       c.enable_tab_bar = lua_toboolean(L, i);
       return std::string();
     }},
    {"tab_bar_at_bottom", Type::boolean, "true or false",
     [](lua_State* L, int i, Config& c) {
       c.tab_bar_at_bottom = lua_toboolean(L, i);
       return std::string();
     }},
    {"hide_tab_bar_if_only_one_tab", Type::boolean, "true or false",
     [](lua_State* L, int i, Config& c) {
       c.hide_tab_bar_if_only_one_tab = lua_toboolean(L, i);
       return std::string();
     }},
    {"tab_max_width", Type::integer, "a width in cells",
     [](lua_State* L, int i, Config& c) {
       c.tab_max_width = static_cast<int>(lua_tointeger(L, i));
       return std::string();
     },
     1, 1000},
    {"inactive_pane_dim", Type::number, "how much inactive panes are dimmed, 0 to 1",
     [](lua_State* L, int i, Config& c) {
       c.inactive_pane_dim = lua_tonumber(L, i);
       return std::string();
     },
     0, 1},
    {"keys", Type::table, "a list of { key = ..., mods = ..., action = ... }",
     [](lua_State* L, int i, Config& c) { return detail::parse_key_list(L, i, "keys", c.keys); }},
    {"key_tables", Type::table, "a table of name = { key bindings }",
     [](lua_State* L, int i, Config& c) { return detail::parse_key_tables(L, i, c.key_tables); }},
    {"disable_default_key_bindings", Type::boolean, "true or false",
     [](lua_State* L, int i, Config& c) {
       c.disable_default_key_bindings = lua_toboolean(L, i);
       return std::string();
     }},
    {"mouse_bindings", Type::table, "a list of { event = ..., mods = ..., action = ... }",
     [](lua_State* L, int i, Config& c) {
       return detail::parse_mouse_bindings(L, i, c.mouse_bindings);
     }},
    {"set_environment_variables", Type::table, "a table of NAME = 'value'",
     [](lua_State* L, int i, Config& c) {
       return environment_at(L, i, c.set_environment_variables);
     }},
    {"status_update_interval", Type::integer, "milliseconds",
     [](lua_State* L, int i, Config& c) {
       c.status_update_interval_ms = static_cast<int>(lua_tointeger(L, i));
       return std::string();
     },
     50, 3600000},
    {"flood_frame_interval", Type::integer, "milliseconds",
     [](lua_State* L, int i, Config& c) {
       c.flood_frame_interval_ms = static_cast<int>(lua_tointeger(L, i));
       return std::string();
     },
     0, 1000},
    {"frame_log_capacity", Type::integer, "a number of frames",
     [](lua_State* L, int i, Config& c) {
       c.frame_log_capacity = static_cast<size_t>(lua_tointeger(L, i));
       return std::string();
     },
     16, 1 << 20},
    {"frame_log_hud", Type::boolean, "true or false",
     [](lua_State* L, int i, Config& c) {
       c.frame_log_hud = lua_toboolean(L, i);
       return std::string();
     }},
    {"unix_domains", Type::table, "a list of { name = ..., socket_path = ... }",
     [](lua_State* L, int i, Config& c) {
       c.unix_domains.clear();
       return domains_at(L, i, "unix_domains", {"name", "socket_path"}, {"name"},
                         [&](const std::vector<std::string>& v) {
                           c.unix_domains.push_back({v[0], v[1]});
                         });
     }},
    {"ssh_domains", Type::table,
     "a list of { name = ..., remote_address = ..., username = ..., multiplexing = ..., "
     "remote_mux_path = ..., identity_file = ..., connect_timeout = ... }",
     [](lua_State* L, int i, Config& c) {
       c.ssh_domains.clear();
       return ssh_domains_at(L, i, c.ssh_domains);
     }},
};

const Option* find_option(std::string_view key) {
  for (const Option& o : kOptions) {
    if (key == o.name) return &o;
  }
  return nullptr;
}

// Checks the value at `index` for `o` and copies it into `c`: "" or what is wrong.
// Raises nothing (lua_util.hpp).
std::string apply_option(lua_State* L, const Option& o, int index, Config& c) {
  Unbounded unbounded(L);
  index = lua_absindex(L, index);
  const int t = lua_type(L, index);
  const std::string key = o.name;
  const std::string wrong = "option '" + key + "' must be " + type_name(o.type) + " (" + o.help +
                            "), not " + lua_typename(L, t);
  switch (o.type) {
    case Type::string:
      if (t != LUA_TSTRING) return wrong;
      break;
    case Type::choice: {
      if (t != LUA_TSTRING) return wrong;
      bool ok = false;
      for (const char* const* ch = o.choices; *ch; ++ch) ok = ok || string_at(L, index) == *ch;
      if (!ok)
        return "option '" + key + "' must be " + o.help + ", not '" +
               std::string(string_at(L, index)) + "'";
      break;
    }
    case Type::number:
    case Type::integer: {
      if (t != LUA_TNUMBER) return wrong;
      if (o.type == Type::integer && !lua_isinteger(L, index)) return wrong;
      const double v = lua_tonumber(L, index);
      if (v < o.min || v > o.max) {
        std::ostringstream m;
        m << "option '" << key << "' must be between " << o.min << " and " << o.max << ", not "
          << v;
        return m.str();
      }
      break;
    }
    case Type::boolean:
      if (t != LUA_TBOOLEAN) return wrong;
      break;
    case Type::string_list: {
      if (t != LUA_TTABLE) return wrong;
      const lua_Integer n = static_cast<lua_Integer>(lua_rawlen(L, index));
      for (lua_Integer i = 1; i <= n; ++i) {
        const bool is_string = lua_rawgeti(L, index, i) == LUA_TSTRING;
        lua_pop(L, 1);
        if (!is_string) return "option '" + key + "' must be a list of strings";
      }
      break;
    }
    case Type::table:
      if (t != LUA_TTABLE) return wrong;
      break;
  }
  return o.apply(L, index, c);
}

std::string unknown_option(std::string_view key) {
  std::vector<std::string> names;
  for (const Option& opt : kOptions) names.emplace_back(opt.name);
  return "unknown option '" + std::string(key) + "'" + did_you_mean(closest(key, names));
}

// Checks one assignment: "" or what is wrong.
std::string validate(lua_State* L, std::string_view key, int index) {
  const Option* o = find_option(key);
  if (!o) return unknown_option(key);
  Config scratch;
  return apply_option(L, *o, index, scratch);
}

// builder.key = value
int builder_newindex(lua_State* L) {
  if (lua_type(L, 2) != LUA_TSTRING) return luaL_error(L, "option names are strings");
  char error[768] = "";
  {
    const std::string e = validate(L, string_at(L, 2), 3);
    if (!e.empty()) std::snprintf(error, sizeof error, "%s", e.c_str());
  }
  if (error[0]) return luaL_error(L, "%s", error);
  lua_getmetatable(L, 1);
  lua_getfield(L, -1, "__store");
  lua_pushvalue(L, 2);
  lua_pushvalue(L, 3);
  lua_rawset(L, -3);
  return 0;
}

// builder.key
int builder_index(lua_State* L) {
  lua_getmetatable(L, 1);
  lua_getfield(L, -1, "__store");
  lua_pushvalue(L, 2);
  lua_rawget(L, -2);
  return 1;
}

int config_builder(lua_State* L) {
  lua_newtable(L);  // the builder: always empty, so every assignment reaches __newindex
  lua_newtable(L);  // its metatable
  lua_newtable(L);
  lua_setfield(L, -2, "__store");
  lua_pushcfunction(L, builder_newindex);
  lua_setfield(L, -2, "__newindex");
  lua_pushcfunction(L, builder_index);
  lua_setfield(L, -2, "__index");
  lua_pushstring(L, "cadence.config");
  lua_setfield(L, -2, "__name");
  lua_setmetatable(L, -2);
  return 1;
}

// Copies the options in the table at `t` into `c`. The colour scheme goes first, so
// `colors` is applied over it whatever order the file set them in.
std::string read_config(lua_State* L, int t, Config& c) {
  Unbounded unbounded(L);
  if (raw_field(L, t, "color_scheme") != LUA_TNIL) {
    std::string e = apply_option(L, *find_option("color_scheme"), -1, c);
    if (!e.empty()) return e;
  }
  lua_pop(L, 1);
  std::string e = for_each_field(L, t, "config", [&](const std::string& k, int v) -> std::string {
    const Option* o = find_option(k);
    if (!o) return unknown_option(k);
    if (k == "color_scheme") return "";
    return apply_option(L, *o, v, c);
  });
  if (!e.empty()) return e;
  // A key table activated by name must exist.
  auto check_tables = [&](const std::vector<KeyBinding>& keys, const std::string& what) {
    for (size_t i = 0; i < keys.size(); ++i) {
      const Action& a = keys[i].action;
      if (a.kind == ActionKind::activate_key_table && !c.key_tables.count(a.text)) {
        return what + "[" + std::to_string(i + 1) + "] (key '" + keys[i].key +
               "'): ActivateKeyTable names '" + a.text + "', which is not in key_tables";
      }
    }
    return std::string();
  };
  if (e = check_tables(c.keys, "keys"); !e.empty()) return e;
  for (const auto& [name, keys] : c.key_tables) {
    if (e = check_tables(keys, "key_tables." + name); !e.empty()) return e;
  }
  return "";
}

int open_cadence(lua_State* L) {
  lua_newtable(L);
  lua_pushcfunction(L, config_builder);
  lua_setfield(L, -2, "config_builder");
  detail::push_action_module(L);
  lua_setfield(L, -2, "action");
  lua_pushcfunction(L, detail::action_callback);
  lua_setfield(L, -2, "action_callback");
  lua_pushcfunction(L, detail::cadence_on);
  lua_setfield(L, -2, "on");
  const std::pair<const char*, log::Level> logs[] = {{"log_info", log::Level::info},
                                                     {"log_warn", log::Level::warn},
                                                     {"log_error", log::Level::error}};
  for (const auto& [name, level] : logs) {
    lua_pushinteger(L, static_cast<lua_Integer>(level));
    lua_pushcclosure(L, detail::cadence_log, 1);
    lua_setfield(L, -2, name);
  }
  lua_newtable(L);
  for (size_t i = 0; i < schemes().size(); ++i) {
    lua_pushstring(L, schemes()[i].name.c_str());
    lua_rawseti(L, -2, static_cast<lua_Integer>(i + 1));
  }
  lua_setfield(L, -2, "color_schemes");
#ifdef CADENCE_VERSION
  lua_pushstring(L, CADENCE_VERSION);
#else
  lua_pushstring(L, "unknown");
#endif
  lua_setfield(L, -2, "version");
  return 1;
}

// `require`'s searcher for Lua files: package.searchpath over the config's directory,
// loaded as text only (no precompiled chunks), and recorded so the watcher can watch
// every file the configuration is made of.
int file_searcher(lua_State* L) {
  const char* name = luaL_checkstring(L, 1);
  lua_getglobal(L, "package");
  lua_getfield(L, -1, "searchpath");
  lua_pushstring(L, name);
  lua_getfield(L, -3, "path");
  lua_call(L, 2, 2);
  if (lua_isnil(L, -2)) return 1;  // the message saying where it looked
  const char* file = lua_tostring(L, -2);
  if (luaL_loadfilex(L, file, "t") != LUA_OK) {
    return luaL_error(L, "error loading module '%s' from file '%s':\n\t%s", name, file,
                      lua_tostring(L, -1));
  }
  {
    Unbounded unbounded(L);
    detail::box_of(L)->required_files.emplace_back(file);
  }
  lua_pushstring(L, file);
  return 2;
}

constexpr int kHookEvery = 10000;

void count_hook(lua_State* L, lua_Debug*) {
  detail::Box* box = detail::box_of(L);
  box->instructions += kHookEvery;
  if (box->instructions > box->instruction_budget) {
    luaL_error(L, "the configuration ran for more than %d million instructions (an endless loop?)",
               static_cast<int>(kLuaInstructionBudget / 1000000));
  }
}

}  // namespace

std::vector<std::string> option_names() {
  std::vector<std::string> names;
  for (const Option& o : kOptions) names.emplace_back(o.name);
  return names;
}

std::vector<std::string> color_scheme_names() {
  std::vector<std::string> names;
  for (const Scheme& s : schemes()) names.push_back(s.name);
  return names;
}

std::string default_config_path() {
  if (const char* x = std::getenv("XDG_CONFIG_HOME"); x && *x == '/') {
    return std::string(x) + "/cadence/cadence.lua";
  }
  if (const char* home = std::getenv("HOME"); home && *home) {
    return std::string(home) + "/.config/cadence/cadence.lua";
  }
  return "";
}

Result<Config> load_string(std::string_view source, const std::string& chunk_name,
                           uint64_t generation) {
  std::unique_ptr<LuaRuntime> runtime(new LuaRuntime());
  lua_State* L = runtime->L_;
  if (!L) return make_error("cannot start Lua (out of memory)");
  detail::Box& box = *runtime->box_;

  // The safe libraries only: no io, no loading of C modules, no os.execute.
  static const luaL_Reg libs[] = {
      {LUA_GNAME, luaopen_base},          {LUA_LOADLIBNAME, luaopen_package},
      {LUA_TABLIBNAME, luaopen_table},    {LUA_STRLIBNAME, luaopen_string},
      {LUA_MATHLIBNAME, luaopen_math},    {LUA_UTF8LIBNAME, luaopen_utf8},
      {LUA_COLIBNAME, luaopen_coroutine}, {LUA_OSLIBNAME, luaopen_os}};
  for (const luaL_Reg& lib : libs) {
    luaL_requiref(L, lib.name, lib.func, 1);
    lua_pop(L, 1);
  }
  for (const char* name : {"execute", "exit", "remove", "rename", "tmpname", "setlocale"}) {
    lua_getglobal(L, "os");
    lua_pushnil(L);
    lua_setfield(L, -2, name);
    lua_pop(L, 1);
  }
  for (const char* name : {"dofile", "loadfile"}) {
    lua_pushnil(L);
    lua_setglobal(L, name);
  }
  // require 'cadence'; other modules only as Lua files next to the config.
  lua_getglobal(L, "package");
  lua_pushstring(L, "");
  lua_setfield(L, -2, "cpath");
  std::string dir = chunk_name;
  dir = dir.find('/') == std::string::npos ? "." : dir.substr(0, dir.rfind('/'));
  lua_pushstring(L, (dir + "/?.lua").c_str());
  lua_setfield(L, -2, "path");
  lua_getfield(L, -1, "preload");
  lua_pushcfunction(L, open_cadence);
  lua_setfield(L, -2, "cadence");
  lua_pop(L, 1);
  lua_getfield(L, -1, "searchers");
  lua_rawgeti(L, -1, 1);  // the preload searcher
  lua_createtable(L, 2, 0);
  lua_insert(L, -2);
  lua_rawseti(L, -2, 1);
  lua_pushcfunction(L, file_searcher);
  lua_rawseti(L, -2, 2);
  lua_setfield(L, -3, "searchers");
  lua_pop(L, 2);

  lua_sethook(L, count_hook, LUA_MASKCOUNT, kHookEvery);
  const std::string name = "@" + chunk_name;
  if (luaL_loadbuffer(L, source.data(), source.size(), name.c_str()) != LUA_OK ||
      lua_pcall(L, 0, 1, 0) != LUA_OK) {
    const std::string_view msg = string_at(L, -1);
    return make_error(msg.empty() ? "the configuration failed (error object is not a string)"
                                  : std::string(msg));
  }
  lua_sethook(L, nullptr, 0, 0);
  if (!lua_istable(L, -1)) {
    return make_error(chunk_name + ": the configuration must return a table (config_builder())");
  }
  // A builder keeps its values in the metatable's store; a plain table is read as it is.
  // Both are checked again as they are copied (read_config).
  int table = lua_gettop(L);
  if (lua_getmetatable(L, table)) {
    if (raw_field(L, lua_gettop(L), "__store") == LUA_TTABLE) {
      table = lua_gettop(L);
    } else {
      lua_pop(L, 2);
    }
  }
  Config c;
  c.generation = generation;
  c.source = chunk_name;
  if (std::string e = read_config(L, table, c); !e.empty()) {
    return make_error(chunk_name + ": " + e);
  }
  lua_settop(L, 0);
  c.loaded_files.push_back(chunk_name);
  for (const std::string& f : box.required_files) c.loaded_files.push_back(f);
  if (box.has_callbacks) {
    runtime->finish_load(c);
    c.lua = std::move(runtime);
  }
  return c;
}

Result<Config> load_file(const std::string& path, uint64_t generation) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return make_error("cannot read " + path + ": " + std::strerror(errno));
  std::ostringstream text;
  text << in.rdbuf();
  return load_string(text.str(), path, generation);
}

}  // namespace cadence::config
