// The Lua state a configuration ran in, kept after the load for its callbacks:
// `cadence.on(event, fn)` handlers and `cadence.action_callback(fn)` actions.
//
// Decisions:
// - One state per loaded config, owned through Config::lua (a shared_ptr, so a Config
//   copy keeps its callbacks alive). A reload makes a new state; the old one dies with
//   the last Config that refers to it. Only the GUI thread calls it.
// - Every call is boxed: a time budget (kCallBudgetNs, checked by an instruction-count
//   hook that reads the monotonic clock every kHookInstructions instructions) stops a
//   runaway callback with an error, the allocator's cap (kLuaMemoryLimit) bounds its
//   memory, and a failing call gets a fallback from its caller. Its error is logged once
//   per (callback, message), so a callback that fails every frame logs one line, not
//   sixty a second.
// - No Lua error is ever raised across a C++ frame holding objects with destructors:
//   each call runs inside lua_pcall through a trampoline whose inputs and outputs are
//   plain pointers to objects in the caller's frame (outside what Lua can unwind).
// - Callbacks see the window through LuaHost, a small interface the window implements,
//   wrapped in `window` and `pane` proxies with the methods WezTerm users know. Proxies
//   (and the tab proxies format-tab-title gets) are userdata that check, on every use,
//   that the call they were made for is still running: one kept in a global and used
//   later gets an error instead of a dangling pointer.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <set>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.hpp"
#include "config/action.hpp"

struct lua_State;

namespace cadence::config {

struct Config;
namespace detail {
struct Box;
struct CallContext;
}  // namespace detail

inline constexpr uint64_t kCallBudgetNs = 10'000'000;  // 10 ms
inline constexpr int kHookInstructions = 1000;

// What the window tells the tab bar (and format-tab-title) about one tab.
struct TabInfo {
  uint64_t id = 0;
  // Bumped by the mux when this tab's title, progress, pane count or unseen-output flag
  // changed.
  uint64_t version = 0;
  int index = 0;
  bool active = false;
  std::string title;
  int pane_count = 1;
  bool has_unseen_output = false;
  int progress = -1;  // 0..100, -1 = none
  // OSC 9;4's state: 0 none, 1 normal, 2 error, 3 indeterminate (no value), 4 paused.
  int progress_state = 0;
  std::string active_pane_title;
};

// One run of text from a format-tab-title result, with the style it asked for; unset
// colours keep the tab's own.
struct TitleSpan {
  std::string text;
  std::optional<uint32_t> fg;
  std::optional<uint32_t> bg;
  bool bold = false;
  bool italic = false;
  bool underline = false;
};

// What callbacks can see of and do to the window. The window implements it. perform()
// runs while the callback is still on the stack: an action that would replace the
// Config owning this runtime (ReloadConfiguration) must be deferred until the call has
// returned, or the runtime would be destroyed under its own call.
class LuaHost {
 public:
  virtual ~LuaHost() = default;
  virtual void perform(const Action& action) = 0;
  virtual std::string active_tab_title() = 0;
  virtual std::string active_pane_title() = 0;
  virtual uint64_t active_pane_id() = 0;
  virtual void send_text(std::string_view text) = 0;  // to the active pane
  virtual void set_left_status(std::string text) = 0;
  virtual void set_right_status(std::string text) = 0;
};

struct LuaStats {
  uint64_t calls = 0;
  uint64_t errors = 0;    // includes timeouts
  uint64_t timeouts = 0;  // calls stopped by the time budget
  uint64_t total_us = 0;  // time spent in calls
};

class LuaRuntime {
 public:
  ~LuaRuntime();
  LuaRuntime(const LuaRuntime&) = delete;
  LuaRuntime& operator=(const LuaRuntime&) = delete;

  // Whether cadence.on registered a handler for `event`.
  bool has_handler(std::string_view event) const;

  // Calls every handler of `event` (update-status, window-config-reloaded, bell, ...)
  // with (window, pane). False when there is none or one failed (logged once).
  bool emit(std::string_view event, LuaHost& host);

  // Runs a Callback action's function with (window, pane). False if it failed.
  bool run_callback(const Action& action, LuaHost& host);

  enum class Title : uint8_t { no_handler, declined, formatted, failed };
  // Calls the format-tab-title handlers with (tab, tabs, panes, config, false, max_width)
  // until one returns something; `out` gets its spans when the result is `formatted`.
  // `declined`: every handler returned nil; `failed`: an error or a bad result (logged
  // once). Either way the caller uses its default title.
  Title format_tab_title(const TabInfo& tab, std::span<const TabInfo> tabs, int max_width,
                         std::vector<TitleSpan>& out);

  const LuaStats& stats() const { return stats_; }
  uint64_t generation() const { return generation_; }
  size_t memory_used() const;
  // For tests: a budget other than kCallBudgetNs.
  void set_call_budget_ns(uint64_t ns) { budget_ns_ = ns; }

 private:
  friend Result<Config> load_string(std::string_view, const std::string&, uint64_t);
  friend struct detail::CallContext;

  LuaRuntime();
  // After the file ran: the `config` argument of format-tab-title, built once.
  void finish_load(const Config& config);
  // Runs ctx's body under the budget; false (and one log line per who + message) when
  // it failed.
  bool call(detail::CallContext& ctx, const std::string& who);
  void log_once(const std::string& who, const std::string& message);

  std::unique_ptr<detail::Box> box_;
  lua_State* L_ = nullptr;
  uint64_t generation_ = 0;
  uint64_t budget_ns_ = kCallBudgetNs;
  uint64_t epoch_ = 1;  // which call proxies belong to; bumped at each start and end
  bool in_call_ = false;
  int config_table_ref_ = 0;
  LuaStats stats_;
  std::set<std::string> logged_;  // who + message, bounded by kMaxLogged
};

}  // namespace cadence::config
