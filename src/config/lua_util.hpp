// Internal helpers shared by the config loader, the Lua runtime and the parsers of keys,
// actions and colours. Not part of the config library's interface.
//
// The one rule everything here serves: a Lua error is a longjmp, and a longjmp over a C++
// frame that holds a std::string or a vector skips its destructor. So C++ code that reads
// Lua values while it holds such objects uses only calls that cannot raise: raw table
// access (no metamethods run), type checks before conversions, and allocation inside an
// `Unbounded` scope, where the box allocator does not enforce its cap (those allocations
// are a few interned key strings). Errors found by that code travel as return values and
// are raised, if at all, after the C++ objects are gone (raise_message).
#pragma once

#include <lauxlib.h>
#include <lua.h>

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "config/action.hpp"
#include "config/keys.hpp"

namespace cadence::config::detail {

// The state of one Lua box: memory accounting, the run-time limits, and what the loader
// records while the file runs.
struct Box {
  size_t used = 0;
  size_t limit = 0;
  int unbounded = 0;  // > 0: allocations ignore `limit` (see Unbounded)
  uint64_t instructions = 0;
  uint64_t instruction_budget = 0;  // while loading; 0 once the file has run
  uint64_t deadline_ns = 0;         // while a callback runs; 0 otherwise
  uint64_t budget_ns = 0;           // the callback budget the deadline came from
  bool timed_out = false;
  bool has_callbacks = false;
  uint32_t events = 0;                      // kEvent* bits of the events cadence.on registered
  std::vector<std::string> required_files;  // modules `require` loaded, in order
};

inline constexpr uint32_t kEventFormatTabTitle = 1;
inline constexpr uint32_t kEventUpdateStatus = 2;
inline constexpr uint32_t kEventConfigReloaded = 4;
inline constexpr uint32_t kEventBell = 8;
inline constexpr uint32_t kEventOther = 16;
// The bit of a known event's name, kEventOther for any other.
uint32_t event_bit(std::string_view name);

Box* box_of(lua_State* L);
void* box_alloc(void* ud, void* ptr, size_t osize, size_t nsize);

class Unbounded {
 public:
  explicit Unbounded(lua_State* L) : box_(box_of(L)) { ++box_->unbounded; }
  ~Unbounded() { --box_->unbounded; }
  Unbounded(const Unbounded&) = delete;
  Unbounded& operator=(const Unbounded&) = delete;

 private:
  Box* box_;
};

// Pushes t[name] without metamethods; returns its type. `t` must be an absolute index.
inline int raw_field(lua_State* L, int t, const char* name) {
  lua_pushstring(L, name);
  return lua_rawget(L, t);
}

// The string at `index` if it is one (never converts numbers in place).
inline std::string_view string_at(lua_State* L, int index) {
  if (lua_type(L, index) != LUA_TSTRING) return {};
  size_t n = 0;
  const char* s = lua_tolstring(L, index, &n);
  return {s, n};
}

// Raises `message` positioned at the Lua line that called the running C function. The
// message is copied out of its std::string first, so nothing with a destructor is alive
// when the longjmp happens.
template <typename BuildMessage>
int raise_message(lua_State* L, BuildMessage&& build) {
  char buf[768];
  {
    const std::string m = build();
    std::snprintf(buf, sizeof buf, "%s", m.c_str());
  }
  return luaL_error(L, "%s", buf);
}

size_t edit_distance(std::string_view a, std::string_view b);

// The name in `names` closest to `key`, or "" when none is close enough to be a useful
// suggestion.
template <typename Names>
std::string closest(std::string_view key, const Names& names) {
  std::string best;
  size_t best_d = SIZE_MAX;
  for (const auto& n : names) {
    size_t d = edit_distance(key, n);
    // A shortened name ('bg' for 'bg_color') is a near miss whatever its distance.
    if (key.size() >= 2 && std::string_view(n).substr(0, key.size()) == key) d = 1;
    if (d < best_d) {
      best_d = d;
      best = n;
    }
  }
  return best_d <= std::max<size_t>(2, key.size() / 2) ? best : "";
}

inline std::string did_you_mean(const std::string& near) {
  return near.empty() ? "" : " (did you mean '" + near + "'?)";
}

bool parse_color(std::string_view s, uint32_t& out);

// Parsers of option values (actions.cpp, keys.cpp). Each returns "" or what is wrong,
// raises nothing, and leaves the stack as it found it.
std::string parse_action(lua_State* L, int index, Action& out);
std::string parse_key_list(lua_State* L, int index, const char* what, std::vector<KeyBinding>& out);
std::string parse_key_tables(lua_State* L, int index,
                             std::map<std::string, std::vector<KeyBinding>>& out);
std::string parse_mouse_bindings(lua_State* L, int index, std::vector<MouseBinding>& out);

// Pushes the `cadence.action` table.
void push_action_module(lua_State* L);
// cadence.action_callback(fn): an action that calls fn.
int action_callback(lua_State* L);
// cadence.on(event, fn) (lua_runtime.cpp).
int cadence_on(lua_State* L);
// cadence.log_info / log_warn / log_error(...): a line in cadence's log (upvalue 1: level).
int cadence_log(lua_State* L);

}  // namespace cadence::config::detail
