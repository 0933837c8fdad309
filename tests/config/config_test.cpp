// The configuration: what a file sets arrives in the Config, and every kind of mistake
// is an error that says where and what, never a crash or a hang.
#include "config/config.hpp"

#include <gtest/gtest.h>

#include <cstdio>
#include <fstream>

namespace cadence::config {
namespace {

Result<Config> load(const std::string& source) { return load_string(source, "test.lua", 7); }

std::string error_of(const std::string& source) {
  Result<Config> r = load(source);
  EXPECT_FALSE(r) << "expected an error from:\n" << source;
  return r ? "" : r.error().message;
}

TEST(Config, BuilderSetsOptions) {
  Result<Config> r = load(R"(
    local cadence = require 'cadence'
    local config = cadence.config_builder()
    config.font = 'DejaVu Sans Mono'
    config.font_size = 12.5
    config.scrollback_lines = 5000
    config.cursor_blink = true
    config.window_padding = 6
    config.default_prog = { 'htop', '-d', '10' }
    config.term = 'xterm-direct'
    config.exit_behavior = 'Hold'
    config.window_decorations = 'client'
    config.colors = {
      foreground = '#e0e0e0', background = '#102030', cursor_bg = '#ff0000',
      selection_fg = '#000000', selection_bg = '#ffff00',
      ansi = { '#000000', '#aa0000', '#00aa00', '#aa5500', '#0000aa', '#aa00aa', '#00aaaa', '#aaaaaa' },
    }
    return config
  )");
  ASSERT_TRUE(r) << r.error().message;
  const Config& c = r.value();
  EXPECT_EQ(c.generation, 7u);
  EXPECT_EQ(c.font, "DejaVu Sans Mono");
  EXPECT_DOUBLE_EQ(c.font_size, 12.5);
  EXPECT_EQ(c.scrollback_lines, 5000u);
  EXPECT_TRUE(c.cursor_blink);
  EXPECT_EQ(c.window_padding, 6);
  EXPECT_EQ(c.default_prog, (std::vector<std::string>{"htop", "-d", "10"}));
  EXPECT_EQ(c.term, "xterm-direct");
  EXPECT_EQ(c.exit_behavior, ExitBehavior::hold);
  EXPECT_TRUE(c.client_side_decorations);
  EXPECT_EQ(c.colors.foreground, 0xe0e0e0u);
  EXPECT_EQ(c.colors.background, 0x102030u);
  EXPECT_EQ(c.colors.cursor, 0xff0000u);
  EXPECT_EQ(c.colors.selection_background, 0xffff00u);
  EXPECT_EQ(c.colors.palette[1], 0xaa0000u);
  EXPECT_FALSE(c.colors.palette[9].has_value()) << "brights were not set";
}

TEST(Config, DefaultsWhenTheFileSetsNothing) {
  Result<Config> r = load("return require('cadence').config_builder()");
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_EQ(r->font, "monospace");
  EXPECT_DOUBLE_EQ(r->font_size, 11.0);
  EXPECT_EQ(r->scrollback_lines, 10000u);
  EXPECT_EQ(r->exit_behavior, ExitBehavior::close);
}

TEST(Config, PlainTableIsCheckedToo) {
  Result<Config> r = load("return { font_size = 9 }");
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_DOUBLE_EQ(r->font_size, 9.0);
  EXPECT_NE(error_of("return { font_szie = 9 }").find("did you mean 'font_size'"),
            std::string::npos);
}

TEST(Config, UnknownKeyNamesTheClosestOneAndTheLine) {
  const std::string e = error_of(
      "local c = require('cadence').config_builder()\n"
      "c.font_szie = 12\nreturn c");
  EXPECT_NE(e.find("test.lua:2:"), std::string::npos) << e;
  EXPECT_NE(e.find("unknown option 'font_szie'"), std::string::npos) << e;
  EXPECT_NE(e.find("did you mean 'font_size'?"), std::string::npos) << e;
}

TEST(Config, WrongTypeNamesTheExpectedType) {
  const std::string e = error_of(
      "local c = require('cadence').config_builder()\n"
      "c.font_size = 'big'\nreturn c");
  EXPECT_NE(e.find("test.lua:2:"), std::string::npos) << e;
  EXPECT_NE(e.find("'font_size' must be a number"), std::string::npos) << e;
  EXPECT_NE(e.find("not string"), std::string::npos) << e;
}

TEST(Config, ValuesOutOfRangeAndBadChoicesAreRefused) {
  EXPECT_NE(error_of("local c = require('cadence').config_builder() c.font_size = 0 return c")
                .find("between 1 and 200"),
            std::string::npos);
  EXPECT_NE(error_of("local c = require('cadence').config_builder() c.scrollback_lines = 1.5 "
                     "return c")
                .find("must be an integer"),
            std::string::npos);
  EXPECT_NE(error_of("local c = require('cadence').config_builder() c.exit_behavior = 'Stay' "
                     "return c")
                .find("'Close' or 'Hold'"),
            std::string::npos);
}

TEST(Config, BadColoursAreRefused) {
  EXPECT_NE(error_of("return { colors = { background = 'blue' } }").find("'#rrggbb'"),
            std::string::npos);
  EXPECT_NE(
      error_of("return { colors = { backgroud = '#000000' } }").find("did you mean 'background'"),
      std::string::npos);
  EXPECT_NE(error_of("return { colors = { ansi = { '#000000' } } }").find("8 colours"),
            std::string::npos);
}

TEST(Config, SyntaxAndRuntimeErrorsSayWhere) {
  EXPECT_NE(error_of("local x = \nreturn {").find("test.lua:"), std::string::npos);
  const std::string e = error_of("local t = nil\nreturn t.x");
  EXPECT_NE(e.find("test.lua:2:"), std::string::npos) << e;
  EXPECT_NE(error_of("return 42").find("must return a table"), std::string::npos);
}

TEST(Config, EndlessLoopIsStopped) {
  const std::string e = error_of("while true do end");
  EXPECT_NE(e.find("endless loop"), std::string::npos) << e;
}

TEST(Config, MemoryIsCapped) {
  const std::string e = error_of("local t = {} for i = 1, 1e9 do t[i] = ('x'):rep(1000) .. i end");
  EXPECT_NE(e.find("memory"), std::string::npos) << e;
}

TEST(Config, UnsafeLibrariesAreAbsent) {
  EXPECT_FALSE(load("os.execute('true') return {}"));
  EXPECT_FALSE(load("io.open('/etc/passwd') return {}"));
  EXPECT_FALSE(load("dofile('/etc/passwd') return {}"));
  EXPECT_TRUE(load("return { term = os.getenv('NO_SUCH_VARIABLE') or 'xterm-256color' }"));
}

TEST(Config, FilesLoadAndRequireModulesBesideThem) {
  char dir[] = "/tmp/cadence-config-test-XXXXXX";
  ASSERT_NE(mkdtemp(dir), nullptr);
  const std::string base = dir;
  std::ofstream(base + "/scheme.lua") << "return { background = '#010203' }\n";
  std::ofstream(base + "/cadence.lua") << "local c = require('cadence').config_builder()\n"
                                          "c.colors = require('scheme')\nreturn c\n";
  Result<Config> r = load_file(base + "/cadence.lua", 1);
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_EQ(r->colors.background, 0x010203u);
  EXPECT_EQ(r->source, base + "/cadence.lua");
  Result<Config> missing = load_file(base + "/nope.lua", 1);
  ASSERT_FALSE(missing);
  EXPECT_NE(missing.error().message.find("cannot read"), std::string::npos);
  std::remove((base + "/scheme.lua").c_str());
  std::remove((base + "/cadence.lua").c_str());
  rmdir(dir);
}

TEST(Config, DefaultPathFollowsXdg) {
  setenv("XDG_CONFIG_HOME", "/xdg", 1);
  EXPECT_EQ(default_config_path(), "/xdg/cadence/cadence.lua");
  unsetenv("XDG_CONFIG_HOME");
  setenv("HOME", "/home/u", 1);
  EXPECT_EQ(default_config_path(), "/home/u/.config/cadence/cadence.lua");
}

}  // namespace
}  // namespace cadence::config

#include <unistd.h>

#include <chrono>

#include "base/event_loop.hpp"
#include "config/config_watcher.hpp"

namespace cadence::config {
namespace {

// Runs the loop until `done` or the timeout.
template <typename F>
bool run_until(EventLoop& loop, F done,
               std::chrono::milliseconds timeout = std::chrono::seconds(3)) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (!done() && std::chrono::steady_clock::now() < deadline) {
    if (!loop.dispatch(50)) return false;
  }
  return done();
}

TEST(ConfigWatcher, SeesWritesAndRenamesOfItsFileOnly) {
  char dir[] = "/tmp/cadence-watch-test-XXXXXX";
  ASSERT_NE(mkdtemp(dir), nullptr);
  const std::string base = dir;
  const std::string path = base + "/cadence.lua";
  std::ofstream(path) << "return {}\n";
  auto loop = EventLoop::create().value();
  int changes = 0;
  auto watcher = ConfigWatcher::create(*loop, path, [&] { ++changes; });
  ASSERT_TRUE(watcher) << watcher.error().message;

  std::ofstream(base + "/other.lua") << "return {}\n";  // a neighbour: not ours
  run_until(
      *loop, [] { return false; }, std::chrono::milliseconds(3 * kDebounceMs));
  EXPECT_EQ(changes, 0);

  std::ofstream(path) << "return { font_size = 12 }\n";
  EXPECT_TRUE(run_until(*loop, [&] { return changes == 1; }));

  std::ofstream(base + "/cadence.lua.new") << "return { font_size = 13 }\n";
  ASSERT_EQ(std::rename((base + "/cadence.lua.new").c_str(), path.c_str()), 0);
  EXPECT_TRUE(run_until(*loop, [&] { return changes == 2; }))
      << "a save by rename (and its burst of events) is one change";

  watcher.value().reset();
  for (const char* f : {"/cadence.lua", "/other.lua"}) std::remove((base + f).c_str());
  rmdir(dir);
}

}  // namespace
}  // namespace cadence::config
