// The tab bar: one line of styled cells made from the tabs, the config and the status
// text, behind two caches so a frame that changed nothing costs a few compares.
//
// Decisions:
// - The whole line is cached under (tabs_version, config generation, width in cells,
//   status version), plus each tab's (id, version) so a mux that bumps only a tab's own
//   version is still seen. A hit returns the cached line: no Lua, no allocation.
// - On a miss each tab's title comes from a per-tab cache keyed (id, version, config
//   generation, max width, active, index); only tabs missing there call Lua's
//   format-tab-title, once each. The index is in the key because titles show the tab's
//   number and a move renumbers tabs without changing their versions. A tab keeps up to
//   kTitleVariants entries (different widths), so a window resized back and forth calls
//   Lua at most once per tab per distinct width.
// - Hover is not an input: format-tab-title always gets hover = false, and the window
//   applies the hover style to a copy of the cells after the cache (with_hover), so
//   moving the pointer never invalidates anything.
// - Cells are plain values (code point, colours, attributes, width); the window converts
//   them for the renderer, so this file knows nothing of src/render.
#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <unordered_map>
#include <vector>

#include "config/config.hpp"
#include "config/lua_runtime.hpp"

namespace cadence::ui {

using TabInfo = config::TabInfo;

inline constexpr size_t kTitleVariants = 8;

struct TabBarCell {
  char32_t cp = U' ';  // 0 in the right half of a wide character
  uint32_t fg = 0;     // 0xRRGGBB
  uint32_t bg = 0;
  bool bold = false;
  bool italic = false;
  bool underline = false;
  uint8_t width = 1;  // 1, 2 for a wide character, 0 for its right half
  friend bool operator==(const TabBarCell&, const TabBarCell&) = default;
};

struct TabSpan {
  uint64_t tab_id = 0;
  int index = 0;
  bool active = false;
  int first_col = 0;  // [first_col, end_col)
  int end_col = 0;
};

struct TabBarLine {
  std::vector<TabBarCell> cells;  // exactly the width asked for
  std::vector<TabSpan> tabs;      // in order; a tab that did not fit has no span
  int new_tab_first = -1;         // the "+" button's columns, or -1 when it did not fit
  int new_tab_end = -1;

  // The position in `tabs` of the tab at column `col`, or -1.
  int tab_at(int col) const;
  bool new_tab_at(int col) const { return col >= new_tab_first && col < new_tab_end; }
};

// The colour of a tab's progress (OSC 9;4) by its state: green normal, red error, blue
// indeterminate, amber paused.
uint32_t progress_color(int state);

// A copy of line.cells with the hover style of colors.tab_bar on whatever is under
// column `col` (an inactive tab or the "+" button); the active tab is left as it is.
std::vector<TabBarCell> with_hover(const TabBarLine& line, int col, const config::Config& cfg);

struct TabBarStats {
  uint64_t hits = 0;          // builds answered from the line cache
  uint64_t misses = 0;        // builds that assembled a line
  uint64_t title_hits = 0;    // tab titles found in the per-tab cache on a miss
  uint64_t lua_calls = 0;     // format-tab-title calls
  uint64_t lua_us = 0;        // time spent in them
  uint64_t status_calls = 0;  // update-status calls
};

class TabBar {
 public:
  // The line for these tabs. `tabs_version` must change whenever a tab is added,
  // removed, moved or activated (and may change on any other tab change).
  const TabBarLine& build(uint64_t tabs_version, std::span<const TabInfo> tabs,
                          const config::Config& cfg, int width_cells);

  // Runs update-status with a host whose set_left_status / set_right_status land here
  // (everything else goes to `host`). Uses the Lua runtime of the config last built
  // with. True when the status text changed (the next build assembles a new line).
  bool update_status(config::LuaHost& host);
  // Whether update_status has anything to call: the window's timer runs only then.
  bool wants_status_updates() const;

  // Status text set from elsewhere (an action callback's window:set_right_status).
  bool set_left_status(std::string text);
  bool set_right_status(std::string text);
  const std::string& left_status() const { return left_status_; }
  const std::string& right_status() const { return right_status_; }
  // A message that must be seen (a remote connection that dropped): drawn in the active
  // tab's colours in place of the right status while it is not empty.
  bool set_banner(std::string text);
  const std::string& banner() const { return banner_; }

  // Drops both caches: the next build formats every tab again.
  void invalidate();

  const TabBarStats& stats() const { return stats_; }

 private:
  struct TitleEntry {
    uint64_t version;
    uint64_t generation;
    int max_width;
    int index;
    bool active;
    uint64_t last_used;
    std::vector<TabBarCell> cells;
  };

  const std::vector<TabBarCell>& title_cells(const TabInfo& tab, std::span<const TabInfo> tabs,
                                             const config::Config& cfg, int max_width);
  void format_title(const TabInfo& tab, std::span<const TabInfo> tabs, const config::Config& cfg,
                    int max_width, std::vector<TabBarCell>& out);
  void assemble(std::span<const TabInfo> tabs, const config::Config& cfg, int width);

  // The line cache's key.
  bool valid_ = false;
  uint64_t tabs_version_ = 0;
  uint64_t generation_ = 0;
  int width_ = 0;
  uint64_t status_version_ = 0;
  uint64_t built_status_version_ = 0;
  std::vector<std::pair<uint64_t, uint64_t>> tab_versions_;  // (id, version) per tab

  TabBarLine line_;
  std::unordered_map<uint64_t, std::vector<TitleEntry>> titles_;
  uint64_t use_clock_ = 0;
  std::vector<config::TitleSpan> spans_;  // reused for each Lua result
  std::shared_ptr<config::LuaRuntime> lua_;
  std::string left_status_;
  std::string right_status_;
  std::string banner_;
  TabBarStats stats_;
};

}  // namespace cadence::ui
