// Config loading (see config.hpp).
#include "config/config.hpp"

#include <lauxlib.h>
#include <lua.h>
#include <lualib.h>

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <sstream>

namespace cadence::config {
namespace {

enum class Type : uint8_t { string, number, integer, boolean, colors, string_list, choice };

struct Option {
  const char* name;
  Type type;
  const char* help;  // what a wrong value is told it should be
  double min = 0;
  double max = 0;
  const char* const* choices = nullptr;
};

constexpr const char* kExitBehaviors[] = {"Close", "Hold", nullptr};
constexpr const char* kDecorations[] = {"server", "client", nullptr};

constexpr Option kOptions[] = {
    {"font", Type::string, "a font family, e.g. 'DejaVu Sans Mono'"},
    {"font_size", Type::number, "a size in points", 1, 200},
    {"colors", Type::colors, "a table of colours"},
    {"scrollback_lines", Type::integer, "a number of lines", 0, 10000000},
    {"cursor_blink", Type::boolean, "true or false"},
    {"window_padding", Type::integer, "pixels", 0, 200},
    {"default_prog", Type::string_list, "a list of strings, e.g. { 'htop' }"},
    {"term", Type::string, "a terminfo name, e.g. 'xterm-256color'"},
    {"exit_behavior", Type::choice, "'Close' or 'Hold'", 0, 0, kExitBehaviors},
    {"window_decorations", Type::choice, "'server' or 'client'", 0, 0, kDecorations},
};

constexpr const char* kColorKeys[] = {"foreground",   "background", "cursor_bg", "selection_fg",
                                      "selection_bg", "ansi",       "brights"};

const char* type_name(Type t) {
  switch (t) {
    case Type::string:
    case Type::choice: return "a string";
    case Type::number: return "a number";
    case Type::integer: return "an integer";
    case Type::boolean: return "a boolean";
    case Type::colors: return "a table";
    case Type::string_list: return "a list of strings";
  }
  return "?";
}

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

template <typename Names>
std::string closest(std::string_view key, const Names& names) {
  std::string best;
  size_t best_d = SIZE_MAX;
  for (const auto& n : names) {
    const size_t d = edit_distance(key, n);
    if (d < best_d) {
      best_d = d;
      best = n;
    }
  }
  // A suggestion further than half the word away helps nobody.
  return best_d <= std::max<size_t>(2, key.size() / 2) ? best : "";
}

const Option* find_option(std::string_view key) {
  for (const Option& o : kOptions) {
    if (key == o.name) return &o;
  }
  return nullptr;
}

// Lua reports errors with longjmp, which skips C++ destructors: nothing below raises a Lua
// error while a std::string or other C++ object is alive. validate() returns its message;
// the C functions Lua calls push it (positioned at the config line that called them) and
// raise only once the C++ objects are gone.
int raise_pushed(lua_State* L) { return lua_error(L); }

void push_positioned(lua_State* L, const std::string& message) {
  luaL_where(L, 1);
  lua_pushstring(L, message.c_str());
  lua_concat(L, 2);
}

bool parse_color(const char* s, uint32_t& out) {
  if (!s || s[0] != '#' || std::strlen(s) != 7) return false;
  char* end = nullptr;
  const unsigned long v = std::strtoul(s + 1, &end, 16);
  if (*end != '\0') return false;
  out = static_cast<uint32_t>(v);
  return true;
}

std::string check_color(lua_State* L, int index, const std::string& what) {
  uint32_t c;
  if (lua_type(L, index) != LUA_TSTRING || !parse_color(lua_tostring(L, index), c)) {
    return what + " must be a colour like '#rrggbb'";
  }
  return "";
}

// Checks the value at `index` for option `key`: an empty string, or what is wrong.
std::string validate(lua_State* L, const char* key, int index) {
  const Option* o = find_option(key);
  if (!o) {
    std::vector<std::string> names;
    for (const Option& opt : kOptions) names.emplace_back(opt.name);
    const std::string near = closest(key, names);
    return (std::string("unknown option '") + key + "'" +
            (near.empty() ? "" : " (did you mean '" + near + "'?)"));
  }
  const int t = lua_type(L, index);
  const std::string wrong = std::string("option '") + key + "' must be " + type_name(o->type) +
                            " (" + o->help + "), not " + lua_typename(L, t);
  switch (o->type) {
    case Type::string:
      if (t != LUA_TSTRING) return wrong;
      break;
    case Type::choice: {
      if (t != LUA_TSTRING) return wrong;
      const char* v = lua_tostring(L, index);
      bool ok = false;
      for (const char* const* c = o->choices; *c; ++c) ok = ok || std::strcmp(v, *c) == 0;
      if (!ok)
        return (std::string("option '") + key + "' must be " + o->help + ", not '" + v + "'");
      break;
    }
    case Type::number:
    case Type::integer: {
      if (t != LUA_TNUMBER) return wrong;
      if (o->type == Type::integer && !lua_isinteger(L, index)) return wrong;
      const double v = lua_tonumber(L, index);
      if (v < o->min || v > o->max) {
        std::ostringstream m;
        m << "option '" << key << "' must be between " << o->min << " and " << o->max << ", not "
          << v;
        return (m.str());
      }
      break;
    }
    case Type::boolean:
      if (t != LUA_TBOOLEAN) return wrong;
      break;
    case Type::string_list: {
      if (t != LUA_TTABLE) return wrong;
      const lua_Integer n = luaL_len(L, index);
      for (lua_Integer i = 1; i <= n; ++i) {
        if (lua_geti(L, index, i) != LUA_TSTRING)
          return (std::string("option '") + key + "' must be a list of strings");
        lua_pop(L, 1);
      }
      break;
    }
    case Type::colors: {
      if (t != LUA_TTABLE) return wrong;
      const int abs = lua_absindex(L, index);
      lua_pushnil(L);
      while (lua_next(L, abs) != 0) {
        if (lua_type(L, -2) != LUA_TSTRING) return ("colors: keys must be names");
        const std::string k = lua_tostring(L, -2);
        if (k == "ansi" || k == "brights") {
          if (!lua_istable(L, -1) || luaL_len(L, -1) != 8) {
            return ("colors." + k + " must be a list of 8 colours");
          }
          for (int i = 1; i <= 8; ++i) {
            lua_geti(L, -1, i);
            std::string e = check_color(L, -1, "colors." + k + "[" + std::to_string(i) + "]");
            lua_pop(L, 1);
            if (!e.empty()) {
              lua_pop(L, 2);
              return e;
            }
          }
        } else if (std::find_if(std::begin(kColorKeys), std::end(kColorKeys),
                                [&](const char* c) { return k == c; }) != std::end(kColorKeys)) {
          if (std::string e = check_color(L, -1, "colors." + k); !e.empty()) {
            lua_pop(L, 2);
            return e;
          }
        } else {
          const std::string near = closest(k, kColorKeys);
          return ("unknown colour 'colors." + k + "'" +
                  (near.empty() ? "" : " (did you mean '" + near + "'?)"));
        }
        lua_pop(L, 1);
      }
      break;
    }
  }
  return "";
}

// builder.key = value
int builder_newindex(lua_State* L) {
  if (lua_type(L, 2) != LUA_TSTRING) return luaL_error(L, "option names are strings");
  bool failed = false;
  {
    const std::string error = validate(L, lua_tostring(L, 2), 3);
    if (!error.empty()) {
      push_positioned(L, error);
      failed = true;
    }
  }
  if (failed) return raise_pushed(L);
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

int open_cadence(lua_State* L) {
  lua_newtable(L);
  lua_pushcfunction(L, config_builder);
  lua_setfield(L, -2, "config_builder");
#ifdef CADENCE_VERSION
  lua_pushstring(L, CADENCE_VERSION);
#else
  lua_pushstring(L, "unknown");
#endif
  lua_setfield(L, -2, "version");
  return 1;
}

struct Box {
  size_t used = 0;
  uint64_t instructions = 0;
};

void* box_alloc(void* ud, void* ptr, size_t osize, size_t nsize) {
  auto* box = static_cast<Box*>(ud);
  if (ptr == nullptr) osize = 0;
  if (nsize == 0) {
    std::free(ptr);
    box->used -= osize;
    return nullptr;
  }
  if (nsize > osize && box->used + (nsize - osize) > kLuaMemoryLimit) return nullptr;
  void* p = std::realloc(ptr, nsize);
  if (p) box->used = box->used - osize + nsize;
  return p;
}

constexpr int kHookEvery = 10000;

void count_hook(lua_State* L, lua_Debug*) {
  Box* box = nullptr;
  lua_getallocf(L, reinterpret_cast<void**>(&box));
  box->instructions += kHookEvery;
  if (box->instructions > kLuaInstructionBudget) {
    luaL_error(L, "the configuration ran for more than %d million instructions (an endless loop?)",
               static_cast<int>(kLuaInstructionBudget / 1000000));
  }
}

// Copies the validated table at the top of the stack into a Config.
void read_config(lua_State* L, int t, Config& c) {
  auto field = [&](const char* key) {
    lua_getfield(L, t, key);
    return !lua_isnil(L, -1);
  };
  if (field("font")) c.font = lua_tostring(L, -1);
  lua_pop(L, 1);
  if (field("font_size")) c.font_size = lua_tonumber(L, -1);
  lua_pop(L, 1);
  if (field("scrollback_lines")) c.scrollback_lines = static_cast<size_t>(lua_tointeger(L, -1));
  lua_pop(L, 1);
  if (field("cursor_blink")) c.cursor_blink = lua_toboolean(L, -1);
  lua_pop(L, 1);
  if (field("window_padding")) c.window_padding = static_cast<int>(lua_tointeger(L, -1));
  lua_pop(L, 1);
  if (field("term")) c.term = lua_tostring(L, -1);
  lua_pop(L, 1);
  if (field("exit_behavior")) {
    c.exit_behavior =
        std::strcmp(lua_tostring(L, -1), "Hold") == 0 ? ExitBehavior::hold : ExitBehavior::close;
  }
  lua_pop(L, 1);
  if (field("window_decorations")) {
    c.client_side_decorations = std::strcmp(lua_tostring(L, -1), "client") == 0;
  }
  lua_pop(L, 1);
  if (field("default_prog")) {
    const lua_Integer n = luaL_len(L, -1);
    for (lua_Integer i = 1; i <= n; ++i) {
      lua_geti(L, -1, i);
      c.default_prog.emplace_back(lua_tostring(L, -1));
      lua_pop(L, 1);
    }
  }
  lua_pop(L, 1);
  if (field("colors")) {
    const int colors = lua_gettop(L);
    auto color = [&](const char* key, uint32_t& out) {
      lua_getfield(L, colors, key);
      if (lua_isstring(L, -1)) parse_color(lua_tostring(L, -1), out);
      lua_pop(L, 1);
    };
    color("foreground", c.colors.foreground);
    color("background", c.colors.background);
    color("cursor_bg", c.colors.cursor);
    color("selection_fg", c.colors.selection_foreground);
    color("selection_bg", c.colors.selection_background);
    for (int k = 0; k < 2; ++k) {
      lua_getfield(L, colors, k == 0 ? "ansi" : "brights");
      if (lua_istable(L, -1)) {
        for (int i = 1; i <= 8; ++i) {
          lua_geti(L, -1, i);
          uint32_t v;
          if (parse_color(lua_tostring(L, -1), v)) c.colors.palette[k * 8 + i - 1] = v;
          lua_pop(L, 1);
        }
      }
      lua_pop(L, 1);
    }
  }
  lua_pop(L, 1);
}

}  // namespace

std::vector<std::string> option_names() {
  std::vector<std::string> names;
  for (const Option& o : kOptions) names.emplace_back(o.name);
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
  Box box;
  lua_State* L = lua_newstate(box_alloc, &box);
  if (!L) return make_error("cannot start Lua (out of memory)");
  struct Closer {
    lua_State* L;
    ~Closer() { lua_close(L); }
  } closer{L};

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
  lua_pop(L, 2);

  lua_sethook(L, count_hook, LUA_MASKCOUNT, kHookEvery);
  const std::string name = "@" + chunk_name;
  if (luaL_loadbuffer(L, source.data(), source.size(), name.c_str()) != LUA_OK ||
      lua_pcall(L, 0, 1, 0) != LUA_OK) {
    const char* msg = lua_tostring(L, -1);
    return make_error(msg ? msg : "the configuration failed (error object is not a string)");
  }
  if (!lua_istable(L, -1)) {
    return make_error(chunk_name + ": the configuration must return a table (config_builder())");
  }
  // A builder keeps its values in the metatable's store; a plain table is checked here,
  // key by key, the way the builder would have.
  int table = lua_gettop(L);
  if (lua_getmetatable(L, table)) {
    lua_getfield(L, -1, "__store");
    if (lua_istable(L, -1)) {
      table = lua_gettop(L);
    } else {
      lua_pop(L, 2);
    }
  }
  if (table == 1) {
    lua_pushcfunction(L, [](lua_State* S) -> int {
      lua_pushnil(S);
      while (lua_next(S, 1) != 0) {
        if (lua_type(S, -2) != LUA_TSTRING) return luaL_error(S, "option names are strings");
        bool failed = false;
        {
          const std::string error = validate(S, lua_tostring(S, -2), lua_gettop(S));
          if (!error.empty()) {
            lua_pushstring(S, error.c_str());
            failed = true;
          }
        }
        if (failed) return raise_pushed(S);
        lua_pop(S, 1);
      }
      return 0;
    });
    lua_pushvalue(L, table);
    if (lua_pcall(L, 1, 0, 0) != LUA_OK) {
      return make_error(chunk_name + ": " + (lua_tostring(L, -1) ? lua_tostring(L, -1) : "?"));
    }
  }
  Config c;
  c.generation = generation;
  c.source = chunk_name;
  read_config(L, table, c);
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
