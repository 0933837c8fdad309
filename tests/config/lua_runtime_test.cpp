// The Lua runtime a configuration keeps for its callbacks: events and action callbacks
// reach the window through LuaHost, and a failing, looping or greedy callback is
// stopped, logged once and leaves the state usable.
#include "config/lua_runtime.hpp"

#include <gtest/gtest.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <fstream>

#include "base/event_loop.hpp"
#include "base/log.hpp"
#include "config/config.hpp"
#include "config/config_store.hpp"
#include "config/config_watcher.hpp"

namespace cadence::config {
namespace {

std::vector<std::string>* g_lines = nullptr;

// Collects the log lines of the "lua" tag while it lives.
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

class FakeHost : public LuaHost {
 public:
  void perform(const Action& a) override { performed.push_back(a); }
  std::string active_tab_title() override { return "tab title"; }
  std::string active_pane_title() override { return "vim"; }
  uint64_t active_pane_id() override { return 42; }
  void send_text(std::string_view text) override { sent += text; }
  void set_left_status(std::string text) override { left = std::move(text); }
  void set_right_status(std::string text) override { right = std::move(text); }

  std::vector<Action> performed;
  std::string sent, left, right;
};

Config load(const std::string& body) {
  Result<Config> r = load_string(
      "local cadence = require 'cadence'\n"
      "local act = cadence.action\n"
      "local config = cadence.config_builder()\n" +
          body + "\nreturn config\n",
      "runtime.lua", 5);
  EXPECT_TRUE(r) << r.error().message;
  return r ? r.value() : Config{};
}

TEST(LuaRuntime, KeptOnlyWhenTheFileRegistersCallbacks) {
  EXPECT_EQ(load("config.font_size = 10").lua, nullptr);
  Config c = load("cadence.on('bell', function() end)");
  ASSERT_NE(c.lua, nullptr);
  EXPECT_TRUE(c.lua->has_handler("bell"));
  EXPECT_FALSE(c.lua->has_handler("update-status"));
  EXPECT_EQ(c.lua->generation(), 5u);
}

TEST(LuaRuntime, UpdateStatusReachesTheWindowThroughItsProxies) {
  Config c = load(R"(
    cadence.on('update-status', function(window, pane)
      window:set_right_status(pane:get_title() .. ' #' .. pane:pane_id())
      window:set_left_status(window:active_tab():get_title())
      pane:send_text('ls\n')
      window:perform_action(act.ActivateTab(2), pane)
    end)
  )");
  ASSERT_NE(c.lua, nullptr);
  FakeHost host;
  EXPECT_TRUE(c.lua->emit("update-status", host));
  EXPECT_EQ(host.right, "vim #42");
  EXPECT_EQ(host.left, "tab title");
  EXPECT_EQ(host.sent, "ls\n");
  ASSERT_EQ(host.performed.size(), 1u);
  EXPECT_EQ(host.performed[0].kind, ActionKind::activate_tab);
  EXPECT_EQ(host.performed[0].n, 2);
  EXPECT_EQ(c.lua->stats().calls, 1u);
  EXPECT_FALSE(c.lua->emit("bell", host)) << "no handler";
}

TEST(LuaRuntime, ActionCallbacksAreBoundAndRun) {
  Config c = load(R"(
    local count = 0
    config.keys = { { key = 'e', mods = 'CTRL', action = cadence.action_callback(function(window, pane)
      count = count + 1
      window:set_right_status('pressed ' .. count)
    end) } }
  )");
  ASSERT_NE(c.lua, nullptr);
  ASSERT_EQ(c.keys.size(), 1u);
  ASSERT_EQ(c.keys[0].action.kind, ActionKind::callback);
  FakeHost host;
  EXPECT_TRUE(c.lua->run_callback(c.keys[0].action, host));
  EXPECT_TRUE(c.lua->run_callback(c.keys[0].action, host));
  EXPECT_EQ(host.right, "pressed 2") << "the callback's upvalues live on between calls";
}

TEST(LuaRuntime, AFailingCallbackIsLoggedOncePerMessage) {
  LogCapture log;
  Config c = load(R"(
    local n = 0
    cadence.on('bell', function(window, pane)
      n = n + 1
      if n > 3 then error('different now') end
      error('broken')
    end)
  )");
  FakeHost host;
  for (int i = 0; i < 10; ++i) EXPECT_FALSE(c.lua->emit("bell", host));
  EXPECT_EQ(c.lua->stats().calls, 10u);
  EXPECT_EQ(c.lua->stats().errors, 10u);
  ASSERT_EQ(log.lines.size(), 2u) << "one line per distinct message";
  EXPECT_NE(log.lines[0].find("broken"), std::string::npos) << log.lines[0];
  EXPECT_NE(log.lines[0].find("runtime.lua:"), std::string::npos) << log.lines[0];
  EXPECT_NE(log.lines[1].find("different now"), std::string::npos) << log.lines[1];
}

TEST(LuaRuntime, ALoopingCallbackIsStoppedEvenIfItCatchesErrors) {
  LogCapture log;
  Config c = load(R"(
    cadence.on('update-status', function(window, pane)
      while true do pcall(function() while true do end end) end
    end)
    cadence.on('bell', function(window, pane) window:set_right_status('still alive') end)
  )");
  FakeHost host;
  const auto start = std::chrono::steady_clock::now();
  EXPECT_FALSE(c.lua->emit("update-status", host));
  const auto elapsed = std::chrono::steady_clock::now() - start;
  // Without the budget this call would never return; the bound is loose on purpose.
  EXPECT_LT(elapsed, std::chrono::seconds(2));
  EXPECT_EQ(c.lua->stats().timeouts, 1u);
  ASSERT_EQ(log.lines.size(), 1u);
  EXPECT_NE(log.lines[0].find("10 ms budget"), std::string::npos) << log.lines[0];
  EXPECT_TRUE(c.lua->emit("bell", host)) << "the state is usable after a stop";
  EXPECT_EQ(host.right, "still alive");
  EXPECT_FALSE(c.lua->emit("update-status", host));
  EXPECT_EQ(log.lines.size(), 1u) << "the same stop is not logged again";
}

TEST(LuaRuntime, MemoryIsCappedInCallbacksToo) {
  LogCapture log;
  Config c = load(R"(
    cadence.on('bell', function()
      local t = {}
      for i = 1, 1e9 do t[i] = ('x'):rep(4096) .. i end
    end)
    cadence.on('update-status', function(window) window:set_left_status('ok') end)
  )");
  // Filling 64 MiB takes longer than the 10 ms budget: lift it to meet the memory cap.
  c.lua->set_call_budget_ns(20'000'000'000);
  FakeHost host;
  EXPECT_FALSE(c.lua->emit("bell", host));
  ASSERT_EQ(log.lines.size(), 1u);
  EXPECT_NE(log.lines[0].find("memory"), std::string::npos) << log.lines[0];
  EXPECT_LE(c.lua->memory_used(), kLuaMemoryLimit);
  EXPECT_TRUE(c.lua->emit("update-status", host));
  EXPECT_EQ(host.left, "ok");
}

TEST(LuaRuntime, ProxiesKeptPastTheirCallbackRefuseToWork) {
  LogCapture log;
  Config c = load(R"(
    local kept
    cadence.on('bell', function(window) kept = window end)
    cadence.on('update-status', function() kept:set_right_status('late') end)
  )");
  FakeHost host;
  EXPECT_TRUE(c.lua->emit("bell", host));
  EXPECT_FALSE(c.lua->emit("update-status", host));
  EXPECT_EQ(host.right, "");
  ASSERT_EQ(log.lines.size(), 1u);
  EXPECT_NE(log.lines[0].find("kept past the callback"), std::string::npos) << log.lines[0];
}

TEST(LuaRuntime, BadActionsFromCallbacksAreErrors) {
  LogCapture log;
  Config c = load("cadence.on('bell', function(w, p) w:perform_action(act.ActivateTab, p) end)");
  FakeHost host;
  EXPECT_FALSE(c.lua->emit("bell", host));
  EXPECT_TRUE(host.performed.empty());
  ASSERT_EQ(log.lines.size(), 1u);
  EXPECT_NE(log.lines[0].find("ActivateTab needs a number"), std::string::npos) << log.lines[0];
}

TEST(LuaRuntime, UnknownEventNamesAreAllowedAndLoggedOnce) {
  LogCapture log;
  Config c =
      load("cadence.on('tab-titel', function() end)\ncadence.on('tab-titel', function() end)");
  ASSERT_NE(c.lua, nullptr);
  EXPECT_TRUE(c.lua->has_handler("tab-titel"));
  ASSERT_EQ(log.lines.size(), 1u);
  EXPECT_NE(log.lines[0].find("'tab-titel' is not an event"), std::string::npos);
}

TEST(LuaRuntime, LogFunctionsWriteToTheLog) {
  LogCapture log;
  load("cadence.log_warn('careful', 42)");
  ASSERT_EQ(log.lines.size(), 1u);
  EXPECT_EQ(log.lines[0], "careful 42");
}

struct TempDir {
  TempDir() {
    char d[] = "/tmp/cadence-runtime-test-XXXXXX";
    path = mkdtemp(d);
  }
  ~TempDir() {
    for (const std::string& f : files) std::remove((path + "/" + f).c_str());
    rmdir(path.c_str());
  }
  std::string write(const std::string& name, const std::string& text) {
    std::ofstream(path + "/" + name) << text;
    files.push_back(name);
    return path + "/" + name;
  }
  std::string path;
  std::vector<std::string> files;
};

TEST(ConfigStore, ABrokenFileKeepsThePreviousConfigAndItsCallbacks) {
  TempDir dir;
  const std::string path = dir.write(
      "cadence.lua",
      "local c = require('cadence').config_builder()\nc.font_size = 13\n"
      "require('cadence').on('bell', function(w) w:set_right_status('rang') end)\nreturn c\n");
  ConfigStore store(path);
  ASSERT_TRUE(store.load());
  std::shared_ptr<const Config> first = store.current();
  EXPECT_EQ(first->generation, 1u);

  dir.write("cadence.lua", "local c = require('cadence').config_builder()\nc.font_size = 'x'\n");
  Result<void> r = store.load();
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().message.find("must be a number"), std::string::npos);
  EXPECT_EQ(store.current(), first) << "the previous config is still the one in use";
  EXPECT_DOUBLE_EQ(store.current()->font_size, 13);
  FakeHost host;
  EXPECT_TRUE(store.current()->lua->emit("bell", host));
  EXPECT_EQ(host.right, "rang");

  dir.write("cadence.lua", "return { font_size = 14 }\n");
  ASSERT_TRUE(store.load());
  EXPECT_EQ(store.current()->generation, 2u) << "generations count successful loads";
  EXPECT_DOUBLE_EQ(store.current()->font_size, 14);
}

TEST(ConfigWatcher, WatchesEveryModuleTheConfigRequired) {
  TempDir dir;
  dir.write("theme.lua", "return { background = '#010203' }\n");
  const std::string path = dir.write("cadence.lua", "return { colors = require('theme') }\n");
  Result<Config> c = load_file(path, 1);
  ASSERT_TRUE(c) << c.error().message;
  ASSERT_EQ(c->loaded_files.size(), 2u);
  EXPECT_EQ(c->loaded_files[0], path);
  EXPECT_EQ(c->loaded_files[1], dir.path + "/theme.lua");

  auto loop = EventLoop::create().value();
  int changes = 0;
  auto watcher = ConfigWatcher::create(*loop, c->loaded_files, [&] { ++changes; });
  ASSERT_TRUE(watcher) << watcher.error().message;
  EXPECT_EQ(watcher.value()->watched_files(), 2u);
  dir.write("theme.lua", "return { background = '#040506' }\n");
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(3);
  while (changes == 0 && std::chrono::steady_clock::now() < deadline) {
    ASSERT_TRUE(loop->dispatch(50));
  }
  EXPECT_EQ(changes, 1) << "a change to a required module reloads";
}

}  // namespace
}  // namespace cadence::config

namespace cadence::config {
namespace {

TEST(ExampleConfig, TheBundledExampleLoadsAndRegistersItsCallbacks) {
  Result<Config> c = load_file(CADENCE_SOURCE_DIR "/lua/cadence.lua", 1);
  ASSERT_TRUE(c) << c.error().message;
  EXPECT_EQ(c->color_scheme, "Tokyo Night");
  EXPECT_FALSE(c->keys.empty());
  ASSERT_NE(c->lua, nullptr);
  EXPECT_TRUE(c->lua->has_handler("format-tab-title"));
  EXPECT_TRUE(c->lua->has_handler("update-status"));
}

}  // namespace
}  // namespace cadence::config
