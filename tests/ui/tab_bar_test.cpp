// The tab bar and its caches, driven by real Lua configurations: Lua runs once per
// changed tab, never per frame, never on hover, and a broken formatter costs a fallback
// title and one log line.
#include "ui/tab_bar.hpp"

#include <gtest/gtest.h>

#include <chrono>

#include "base/log.hpp"
#include "vt/utf8.hpp"

namespace cadence::ui {
namespace {

std::vector<std::string>* g_lines = nullptr;

class LogCapture {
 public:
  LogCapture() {
    g_lines = &lines;
    log::set_sink([](log::Level, std::string_view tag, std::string_view message) {
      if (g_lines && tag == "lua") g_lines->emplace_back(message);
    });
  }
  ~LogCapture() {
    log::set_sink(nullptr);
    g_lines = nullptr;
  }
  std::vector<std::string> lines;
};

config::Config load(const std::string& body, uint64_t generation = 1) {
  Result<config::Config> r = config::load_string(
      "local cadence = require 'cadence'\nlocal config = cadence.config_builder()\n" + body +
          "\nreturn config\n",
      "tabs.lua", generation);
  EXPECT_TRUE(r) << r.error().message;
  return r ? r.value() : config::Config{};
}

// A formatter that counts its calls in Lua too, so the test sees what Lua saw.
const std::string kFormatter = R"(
  calls = 0
  cadence.on('format-tab-title', function(tab, tabs, panes, config, hover, max_width)
    calls = calls + 1
    return '[' .. tab.tab_index .. ':' .. tab.tab_title .. ']'
  end)
)";

std::string text_of(const std::vector<TabBarCell>& cells) {
  std::string out;
  for (const TabBarCell& c : cells) {
    if (c.width != 0) vt::append_utf8(out, c.cp);
  }
  return out;
}

std::vector<TabInfo> make_tabs(int n, int active = 0) {
  std::vector<TabInfo> tabs;
  for (int i = 0; i < n; ++i) {
    TabInfo t;
    t.id = 100 + i;
    t.version = 1;
    t.index = i;
    t.active = i == active;
    t.title = "tab" + std::to_string(i);
    t.active_pane_title = "pane" + std::to_string(i);
    tabs.push_back(t);
  }
  return tabs;
}

TEST(TabBar, IdenticalFramesNeverCallLua) {
  config::Config cfg = load(kFormatter);
  TabBar bar;
  std::vector<TabInfo> tabs = make_tabs(5);
  const TabBarLine& first = bar.build(1, tabs, cfg, 120);
  EXPECT_EQ(bar.stats().lua_calls, 5u) << "one call per tab for the first line";
  for (int frame = 0; frame < 1000; ++frame) {
    const TabBarLine& line = bar.build(1, tabs, cfg, 120);
    ASSERT_EQ(&line, &first);
  }
  EXPECT_EQ(bar.stats().lua_calls, 5u);
  EXPECT_EQ(bar.stats().hits, 1000u);
  EXPECT_EQ(bar.stats().misses, 1u);
  EXPECT_EQ(cfg.lua->stats().calls, 5u);
}

TEST(TabBar, LineCoversTheWidthWithTabSpansAndTheNewTabButton) {
  config::Config cfg = load(kFormatter);
  TabBar bar;
  std::vector<TabInfo> tabs = make_tabs(3, 1);
  const TabBarLine& line = bar.build(1, tabs, cfg, 40);
  ASSERT_EQ(line.cells.size(), 40u);
  EXPECT_EQ(text_of(line.cells).substr(0, 27), "[0:tab0][1:tab1][2:tab2] + ");
  ASSERT_EQ(line.tabs.size(), 3u);
  EXPECT_EQ(line.tabs[1].first_col, 8);
  EXPECT_EQ(line.tabs[1].end_col, 16);
  EXPECT_TRUE(line.tabs[1].active);
  EXPECT_EQ(line.tab_at(0), 0);
  EXPECT_EQ(line.tab_at(15), 1);
  EXPECT_EQ(line.tab_at(25), -1);
  EXPECT_TRUE(line.new_tab_at(25));
  EXPECT_EQ(line.cells[8].bg, cfg.colors.tab_bar.active_tab.bg);
  EXPECT_EQ(line.cells[0].bg, cfg.colors.tab_bar.inactive_tab.bg);
  EXPECT_EQ(line.cells[39].bg, cfg.colors.tab_bar.background);
}

TEST(TabBar, HoverIsAnOverlayThatNeverCallsLua) {
  config::Config cfg = load(kFormatter);
  TabBar bar;
  std::vector<TabInfo> tabs = make_tabs(3, 0);
  const TabBarLine& line = bar.build(1, tabs, cfg, 60);
  const uint64_t calls = bar.stats().lua_calls;
  const config::TabStyle& hover = cfg.colors.tab_bar.inactive_tab_hover;
  for (int col = 0; col < 60; ++col) {
    std::vector<TabBarCell> cells = with_hover(line, col, cfg);
    bar.build(1, tabs, cfg, 60);  // the frame that follows the pointer motion
    const int t = line.tab_at(col);
    if (t > 0) {  // an inactive tab: hover colours on its span only
      EXPECT_EQ(cells[line.tabs[t].first_col].bg, hover.bg) << col;
      EXPECT_EQ(cells[line.tabs[t].first_col].italic, hover.italic) << col;
      EXPECT_EQ(cells[line.tabs[0].first_col], line.cells[line.tabs[0].first_col]) << col;
    } else if (t == 0) {
      EXPECT_EQ(cells, line.cells) << "the active tab keeps its style";
    }
  }
  EXPECT_EQ(bar.stats().lua_calls, calls);
  EXPECT_EQ(bar.stats().misses, 1u);
}

TEST(TabBar, OneTitleChangeCallsLuaOnce) {
  config::Config cfg = load(kFormatter);
  TabBar bar;
  std::vector<TabInfo> tabs = make_tabs(5);
  bar.build(1, tabs, cfg, 120);
  tabs[3].title = "renamed";
  ++tabs[3].version;
  const TabBarLine& line = bar.build(2, tabs, cfg, 120);
  EXPECT_EQ(bar.stats().lua_calls, 6u);
  EXPECT_NE(text_of(line.cells).find("[3:renamed]"), std::string::npos);
  // A mux that bumps only the tab's own version is seen too.
  tabs[1].title = "again";
  ++tabs[1].version;
  EXPECT_NE(text_of(bar.build(2, tabs, cfg, 120).cells).find("[1:again]"), std::string::npos);
  EXPECT_EQ(bar.stats().lua_calls, 7u);
}

TEST(TabBar, ActivatingATabReformatsOnlyTheTwoThatChanged) {
  config::Config cfg = load(kFormatter);
  TabBar bar;
  std::vector<TabInfo> tabs = make_tabs(5, 0);
  bar.build(1, tabs, cfg, 120);
  tabs[0].active = false;
  tabs[2].active = true;
  bar.build(2, tabs, cfg, 120);
  EXPECT_EQ(bar.stats().lua_calls, 7u);
}

TEST(TabBar, AReloadFormatsEveryTabOnce) {
  config::Config cfg = load(kFormatter, 1);
  TabBar bar;
  std::vector<TabInfo> tabs = make_tabs(4);
  bar.build(1, tabs, cfg, 120);
  config::Config reloaded = load(kFormatter, 2);
  bar.build(1, tabs, reloaded, 120);
  bar.build(1, tabs, reloaded, 120);
  EXPECT_EQ(bar.stats().lua_calls, 8u);
  EXPECT_EQ(reloaded.lua->stats().calls, 4u);
}

TEST(TabBar, ResizingCallsLuaAtMostOncePerTabPerWidth) {
  config::Config cfg = load(kFormatter + "config.tab_max_width = 20");
  TabBar bar;
  std::vector<TabInfo> tabs = make_tabs(4);
  std::vector<int> seen_widths;
  for (int width : {120, 60, 80, 60, 120, 40, 60, 80, 121, 122}) {
    bar.build(1, tabs, cfg, width);
    // The max width a tab gets: (width - "+" button) / tabs, capped by tab_max_width.
    const int max_width = std::min((width - 3) / 4, 20);
    if (std::find(seen_widths.begin(), seen_widths.end(), max_width) == seen_widths.end()) {
      seen_widths.push_back(max_width);
    }
  }
  EXPECT_EQ(bar.stats().lua_calls, 4u * seen_widths.size());
  EXPECT_LT(seen_widths.size(), 10u) << "widths above the cap share one max width";
}

TEST(TabBar, FormatItemsBecomeStyledCellsCutToTheMaxWidth) {
  config::Config cfg = load(R"(
    config.tab_max_width = 9
    cadence.on('format-tab-title', function(tab, tabs, panes, config, hover, max_width)
      return {
        { Background = { Color = '#102030' } },
        { Foreground = { Color = '#ff0000' } },
        { Attribute = { Intensity = 'Bold' } },
        { Text = '界' },
        'ResetAttributes',
        { Attribute = { Italic = true } },
        { Text = ' ' .. tab.active_pane.title .. ' #' .. #tabs .. ' ' .. max_width },
      }
    end)
  )");
  TabBar bar;
  std::vector<TabInfo> tabs = make_tabs(2, 1);
  const TabBarLine& line = bar.build(1, tabs, cfg, 80);
  ASSERT_EQ(line.tabs.size(), 2u);
  EXPECT_EQ(line.tabs[0].end_col - line.tabs[0].first_col, 9);
  const TabBarCell& wide = line.cells[0];
  EXPECT_EQ(wide.cp, U'界');
  EXPECT_EQ(wide.width, 2);
  EXPECT_EQ(line.cells[1].width, 0);
  EXPECT_EQ(wide.fg, 0xff0000u);
  EXPECT_EQ(wide.bg, 0x102030u);
  EXPECT_TRUE(wide.bold);
  EXPECT_EQ(line.cells[2].bg, cfg.colors.tab_bar.inactive_tab.bg) << "reset to the tab's style";
  EXPECT_TRUE(line.cells[2].italic);
  EXPECT_EQ(text_of({line.cells.begin(), line.cells.begin() + 9}), "界 pane0 ")
      << "' pane0 #2 9' cut at 9 cells";
}

TEST(TabBar, WithoutACallbackTheDefaultTitleShowsNumberProgressAndUnseenOutput) {
  config::Config cfg = load("config.tab_max_width = 14");
  TabBar bar;
  std::vector<TabInfo> tabs = make_tabs(3, 0);
  tabs[0].title = "";  // no title: the active pane's
  tabs[1].progress = 40;
  tabs[1].progress_state = 1;
  tabs[2].has_unseen_output = true;
  tabs[2].title = "a very long title";
  const TabBarLine& line = bar.build(1, tabs, cfg, 80);
  const std::string expected = " 1: pane0  2: tab1 40%  3: a very\u2026 \u2022 ";
  EXPECT_EQ(text_of(line.cells).substr(0, expected.size()), expected);
  EXPECT_EQ(line.tabs[2].end_col - line.tabs[2].first_col, 14) << "cut to tab_max_width";
  EXPECT_EQ(bar.stats().lua_calls, 0u);
  EXPECT_TRUE(line.cells[0].bold) << "the default active style is bold";
}

TEST(TabBar, ProgressIsColouredByItsStateAndIndeterminateHasNoNumber) {
  config::Config cfg = load("config.tab_max_width = 20");
  TabBar bar;
  std::vector<TabInfo> tabs = make_tabs(4, 0);
  const int states[] = {1, 2, 3, 4};
  for (size_t i = 0; i < tabs.size(); ++i) {
    tabs[i].progress = 25;
    tabs[i].progress_state = states[i];
  }
  const TabBarLine& line = bar.build(1, tabs, cfg, 100);
  const std::string text = text_of(line.cells);
  EXPECT_TRUE(text.starts_with(" 1: tab0 25%  2: tab1 25%  3: tab2 \u22ef  4: tab3 25% ")) << text;
  for (size_t i = 0; i < tabs.size(); ++i) {
    const TabSpan& span = line.tabs[i];
    // The first cell of the indicator: after " n: tabN ".
    const TabBarCell& mark = line.cells[static_cast<size_t>(span.first_col) + 9];
    EXPECT_EQ(mark.fg, progress_color(states[i])) << "tab " << i;
    EXPECT_NE(line.cells[static_cast<size_t>(span.first_col) + 1].fg, mark.fg)
        << "the number keeps the tab's colour";
  }
  EXPECT_NE(progress_color(1), progress_color(2));
  EXPECT_NE(progress_color(3), progress_color(4));

  // Removed (state 0): no indicator, even with a value left over.
  tabs[0].progress_state = 0;
  tabs[0].version = 2;
  const TabBarLine& cleared = bar.build(2, tabs, cfg, 100);
  EXPECT_TRUE(text_of(cleared.cells).starts_with(" 1: tab0  2:")) << text_of(cleared.cells);
}

TEST(TabBar, AFailingFormatterFallsBackAndLogsOnce) {
  LogCapture log;
  config::Config cfg = load(R"(
    cadence.on('format-tab-title', function(tab) return tab.no_such_field.x end)
  )");
  TabBar bar;
  std::vector<TabInfo> tabs = make_tabs(3);
  for (uint64_t v = 1; v <= 20; ++v) {
    for (TabInfo& t : tabs) t.version = v;
    const TabBarLine& line = bar.build(v, tabs, cfg, 80);
    ASSERT_EQ(text_of(line.cells).substr(0, 9), " 1: tab0 ") << "the default title";
  }
  EXPECT_EQ(bar.stats().lua_calls, 60u);
  EXPECT_EQ(cfg.lua->stats().errors, 60u);
  ASSERT_EQ(log.lines.size(), 1u);
  EXPECT_NE(log.lines[0].find("format-tab-title"), std::string::npos) << log.lines[0];
  EXPECT_NE(log.lines[0].find("tabs.lua:"), std::string::npos) << log.lines[0];
}

TEST(TabBar, ABadResultIsAnErrorToo) {
  LogCapture log;
  config::Config cfg = load(R"(
    cadence.on('format-tab-title', function() return { { Foreground = { AnsiColor = 'Red' } } } end)
  )");
  TabBar bar;
  std::vector<TabInfo> tabs = make_tabs(1);
  EXPECT_EQ(text_of(bar.build(1, tabs, cfg, 20).cells).substr(0, 9), " 1: tab0 ");
  ASSERT_EQ(log.lines.size(), 1u);
  EXPECT_NE(log.lines[0].find("Color = '#rrggbb'"), std::string::npos) << log.lines[0];
}

TEST(TabBar, ALoopingFormatterIsStoppedWithinTheBudget) {
  LogCapture log;
  config::Config cfg = load(R"(
    cadence.on('format-tab-title', function() while true do end end)
  )");
  TabBar bar;
  std::vector<TabInfo> tabs = make_tabs(2);
  const auto start = std::chrono::steady_clock::now();
  const TabBarLine& line = bar.build(1, tabs, cfg, 40);
  // Two stops of 10 ms each; without the budget the build would never return.
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(2));
  EXPECT_EQ(cfg.lua->stats().timeouts, 2u);
  EXPECT_EQ(text_of(line.cells).substr(0, 9), " 1: tab0 ");
  EXPECT_EQ(log.lines.size(), 1u);
}

class Host : public config::LuaHost {
 public:
  void perform(const config::Action&) override {}
  std::string active_tab_title() override { return "t"; }
  std::string active_pane_title() override { return "p"; }
  uint64_t active_pane_id() override { return 7; }
  void send_text(std::string_view) override {}
  void set_left_status(std::string) override { ADD_FAILURE() << "status lands in the bar"; }
  void set_right_status(std::string) override { ADD_FAILURE() << "status lands in the bar"; }
};

TEST(TabBar, UpdateStatusRebuildsOnlyWhenTheTextChanged) {
  config::Config cfg = load(R"(
    minute = '12:00'
    cadence.on('update-status', function(window, pane)
      window:set_right_status(minute)
      window:set_left_status('[' .. pane:pane_id() .. ']')
    end)
  )");
  TabBar bar;
  std::vector<TabInfo> tabs = make_tabs(2);
  bar.build(1, tabs, cfg, 40);
  ASSERT_TRUE(bar.wants_status_updates());
  Host host;
  EXPECT_TRUE(bar.update_status(host));
  const TabBarLine& line = bar.build(1, tabs, cfg, 40);
  EXPECT_EQ(text_of(line.cells).substr(0, 3), "[7]");
  EXPECT_EQ(text_of(line.cells).substr(35), "12:00");
  EXPECT_EQ(line.tabs[0].first_col, 3);
  EXPECT_EQ(bar.stats().misses, 2u);
  EXPECT_FALSE(bar.update_status(host)) << "same text";
  bar.build(1, tabs, cfg, 40);
  EXPECT_EQ(bar.stats().misses, 2u);
  EXPECT_EQ(bar.stats().status_calls, 2u);
}

TEST(TabBar, NoStatusUpdatesWithoutAHandler) {
  config::Config cfg = load(kFormatter);
  TabBar bar;
  std::vector<TabInfo> tabs = make_tabs(1);
  bar.build(1, tabs, cfg, 40);
  EXPECT_FALSE(bar.wants_status_updates());
  Host host;
  EXPECT_FALSE(bar.update_status(host));
  EXPECT_EQ(bar.stats().status_calls, 0u);
}

TEST(TabBar, TabsThatDoNotFitGetNoSpan) {
  config::Config cfg = load("config.tab_max_width = 10");
  TabBar bar;
  std::vector<TabInfo> tabs = make_tabs(50);
  const TabBarLine& line = bar.build(1, tabs, cfg, 30);
  EXPECT_EQ(line.cells.size(), 30u);
  EXPECT_LT(line.tabs.size(), 50u);
  for (const TabSpan& s : line.tabs) EXPECT_LE(s.end_col, 30);
}

}  // namespace
}  // namespace cadence::ui
