// The tab bar's cost per frame, with a typical Lua formatter (powerline separators,
// colours, truncation), for 5 and 50 tabs:
//   Hit      nothing changed: the cached line.          Target: <= 1 us for 5 tabs.
//   Miss     one tab's title changed: one Lua call and the line assembled again.
//   NoCache  Lua called for every tab every frame, the behaviour the cache replaces
//            (caches dropped before each build).
// After the runs it prints NoCache / Hit and NoCache / Miss from the same run's medians
// (use --benchmark_repetitions=5).
#include <benchmark/benchmark.h>

#include <cstdio>
#include <map>

#include "config/config.hpp"
#include "ui/tab_bar.hpp"

namespace cadence::ui {
namespace {

const char* kFormatter = R"(
local cadence = require 'cadence'
local config = cadence.config_builder()
config.tab_max_width = 24
local SEP = utf8.char(0xe0b0)
cadence.on('format-tab-title', function(tab, tabs, panes, config, hover, max_width)
  local title = tab.tab_title
  if #title == 0 then title = tab.active_pane.title end
  local text = ' ' .. (tab.tab_index + 1) .. ' ' .. title .. ' '
  if utf8.len(text) > max_width - 1 then
    text = text:sub(1, utf8.offset(text, max_width - 1) - 1) .. '…'
  end
  local bg = tab.is_active and '#7aa2f7' or '#1a1b26'
  local fg = tab.is_active and '#16161e' or '#a9b1d6'
  return {
    { Background = { Color = bg } },
    { Foreground = { Color = fg } },
    { Attribute = { Intensity = tab.is_active and 'Bold' or 'Normal' } },
    { Text = text },
    'ResetAttributes',
    { Background = { Color = '#16161e' } },
    { Foreground = { Color = bg } },
    { Text = SEP },
  }
end)
return config
)";

struct Fixture {
  explicit Fixture(int n) : config(config::load_string(kFormatter, "bench.lua", 1).value()) {
    for (int i = 0; i < n; ++i) {
      TabInfo t;
      t.id = static_cast<uint64_t>(i + 1);
      t.version = 1;
      t.index = i;
      t.active = i == 0;
      t.title = i % 3 == 0 ? "" : "~/src/project-" + std::to_string(i);
      t.active_pane_title = "vim src/ui/tab_bar.cpp";
      tabs.push_back(t);
    }
    width = n <= 5 ? 200 : 400;
  }
  config::Config config;
  std::vector<TabInfo> tabs;
  int width;
};

void BM_Hit(benchmark::State& state) {
  Fixture f(static_cast<int>(state.range(0)));
  TabBar bar;
  bar.build(1, f.tabs, f.config, f.width);
  for (auto _ : state)
    benchmark::DoNotOptimize(bar.build(1, f.tabs, f.config, f.width).cells.data());
  state.counters["lua_calls"] = static_cast<double>(bar.stats().lua_calls);
}

void BM_Miss(benchmark::State& state) {
  Fixture f(static_cast<int>(state.range(0)));
  TabBar bar;
  bar.build(1, f.tabs, f.config, f.width);
  uint64_t version = 1;
  size_t which = 0;
  for (auto _ : state) {
    ++f.tabs[which].version;  // one tab's title changed
    which = (which + 1) % f.tabs.size();
    benchmark::DoNotOptimize(bar.build(++version, f.tabs, f.config, f.width).cells.data());
  }
}

void BM_NoCache(benchmark::State& state) {
  Fixture f(static_cast<int>(state.range(0)));
  TabBar bar;
  for (auto _ : state) {
    bar.invalidate();
    benchmark::DoNotOptimize(bar.build(1, f.tabs, f.config, f.width).cells.data());
  }
}

BENCHMARK(BM_Hit)->Arg(5)->Arg(50);
BENCHMARK(BM_Miss)->Arg(5)->Arg(50);
BENCHMARK(BM_NoCache)->Arg(5)->Arg(50);

// Keeps each benchmark's median (or its single run) to print the ratios at the end.
class RatioReporter : public benchmark::ConsoleReporter {
 public:
  void ReportRuns(const std::vector<Run>& runs) override {
    ConsoleReporter::ReportRuns(runs);
    for (const Run& r : runs) {
      const bool median = r.run_type == Run::RT_Aggregate && r.aggregate_name == "median";
      if (median || (r.run_type == Run::RT_Iteration && r.repetitions <= 1)) {
        ns_[r.run_name.str()] = r.GetAdjustedRealTime();
      }
    }
  }
  void print_ratios() const {
    std::printf("\nper frame (median ns) and the no-cache path's cost relative to it:\n");
    for (const char* tabs : {"5", "50"}) {
      const double hit = at("BM_Hit/" + std::string(tabs));
      const double miss = at("BM_Miss/" + std::string(tabs));
      const double none = at("BM_NoCache/" + std::string(tabs));
      std::printf(
          "  %2s tabs: hit %.0f ns, miss %.0f ns, no cache %.0f ns; "
          "no cache / hit = %.0fx, no cache / miss = %.1fx\n",
          tabs, hit, miss, none, none / hit, none / miss);
    }
  }

 private:
  double at(const std::string& name) const {
    auto it = ns_.find(name);
    return it == ns_.end() ? 0 : it->second;
  }
  std::map<std::string, double> ns_;
};

}  // namespace
}  // namespace cadence::ui

int main(int argc, char** argv) {
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  cadence::ui::RatioReporter reporter;
  benchmark::RunSpecifiedBenchmarks(&reporter);
  reporter.print_ratios();
  benchmark::Shutdown();
  return 0;
}
