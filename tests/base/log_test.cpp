#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "base/log.hpp"

namespace {

std::vector<std::string> g_lines;

void capture(cadence::log::Level level, std::string_view tag, std::string_view message) {
  g_lines.push_back(std::string(cadence::log::level_name(level)) + " " + std::string(tag) + ": " +
                    std::string(message));
}

class LogTest : public ::testing::Test {
 protected:
  void SetUp() override {
    g_lines.clear();
    cadence::log::set_sink(capture);
  }
  void TearDown() override {
    cadence::log::set_sink(nullptr);
    cadence::log::configure("info");
  }
};

const cadence::log::Tag kRender{"render"};
const cadence::log::Tag kVt{"vt"};

TEST_F(LogTest, DefaultLevelAndPerTagOverride) {
  cadence::log::configure("warn,render=trace");
  LOG_INFO(kVt, "hidden");
  LOG_WARN(kVt, "shown ", 42);
  LOG_TRACE(kRender, "trace ", 1.5);
  ASSERT_EQ(g_lines.size(), 2u);
  EXPECT_EQ(g_lines[0], "warn vt: shown 42");
  EXPECT_EQ(g_lines[1], "trace render: trace 1.5");
}

TEST_F(LogTest, ReconfigureTakesEffectForCachedTags) {
  cadence::log::configure("error");
  LOG_WARN(kVt, "a");
  cadence::log::configure("debug");
  LOG_DEBUG(kVt, "b");
  ASSERT_EQ(g_lines.size(), 1u);
  EXPECT_EQ(g_lines[0], "debug vt: b");
}

TEST_F(LogTest, OffSilencesATagAndBadLevelsAreIgnored) {
  cadence::log::configure("debug,vt=off,render=loud");
  LOG_ERROR(kVt, "never");
  LOG_DEBUG(kRender, "default applies");
  ASSERT_EQ(g_lines.size(), 1u);
  EXPECT_EQ(g_lines[0], "debug render: default applies");
}

TEST_F(LogTest, MessageIsNotBuiltWhenDisabled) {
  cadence::log::configure("error");
  int evaluated = 0;
  auto costly = [&] {
    ++evaluated;
    return 1;
  };
  LOG_DEBUG(kVt, costly());
  EXPECT_EQ(evaluated, 0);
}

}  // namespace
