// Which TERM cadence picks (src/app/term_choice.cpp): its own entry where ncurses finds
// it, the install prefix's with TERMINFO_DIRS exported, else xterm-256color.
#include "app/term_choice.hpp"

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <map>
#include <string>

namespace cadence::app {
namespace {

class TermChoiceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char dir_template[] = "/tmp/cadence-term-XXXXXX";
    ASSERT_NE(mkdtemp(dir_template), nullptr);
    root_ = dir_template;
  }
  void TearDown() override { std::system(("rm -rf '" + root_ + "'").c_str()); }

  // A terminfo directory holding a cadence entry, in the plain or the hashed layout.
  std::string entry_dir(const std::string& name, bool hashed = false) {
    const std::string dir = root_ + "/" + name;
    const std::string sub = dir + (hashed ? "/63" : "/c");
    mkdir(dir.c_str(), 0700);
    mkdir(sub.c_str(), 0700);
    std::ofstream(sub + "/cadence") << "compiled entry";
    return dir;
  }
  TermChoice choose(const std::string& prefix) {
    return choose_term(
        [this](const char* name) -> std::optional<std::string> {
          auto it = env_.find(name);
          if (it == env_.end()) return std::nullopt;
          return it->second;
        },
        prefix);
  }

  std::string root_;
  std::map<std::string, std::string> env_{{"HOME", "/nonexistent-home"},
                                          {"TERMINFO_DIRS", "/nonexistent-dir"}};
};

TEST_F(TermChoiceTest, FallsBackToXtermWithoutTheEntry) {
  const TermChoice c = choose(root_ + "/nothing");
  EXPECT_EQ(c.term, "xterm-256color");
  EXPECT_TRUE(c.env.empty());
}

TEST_F(TermChoiceTest, FindsTheEntryWhereNcursesLooks) {
  env_["TERMINFO"] = entry_dir("terminfo-env");
  TermChoice c = choose("");
  EXPECT_EQ(c.term, "cadence");
  EXPECT_EQ(c.terminfo_dir, env_["TERMINFO"]);
  EXPECT_TRUE(c.env.empty()) << "programs find it themselves";

  env_.erase("TERMINFO");
  const std::string home = root_ + "/home";
  mkdir(home.c_str(), 0700);
  env_["HOME"] = home;
  entry_dir("home/.terminfo", true);
  c = choose("");
  EXPECT_EQ(c.term, "cadence");
  EXPECT_EQ(c.terminfo_dir, home + "/.terminfo");

  env_["HOME"] = "/nonexistent-home";
  env_["TERMINFO_DIRS"] = "/nonexistent:" + entry_dir("dirs");
  c = choose("");
  EXPECT_EQ(c.terminfo_dir, root_ + "/dirs");
  EXPECT_TRUE(c.env.empty());
}

TEST_F(TermChoiceTest, ThePrefixEntryIsExportedThroughTerminfoDirs) {
  for (const char* system : {"/etc/terminfo", "/lib/terminfo", "/usr/share/terminfo"}) {
    if (has_terminfo_entry(system, "cadence")) GTEST_SKIP() << "cadence is installed in " << system;
  }
  const std::string prefix = entry_dir("prefix");
  env_.erase("TERMINFO_DIRS");
  TermChoice c = choose(prefix);
  EXPECT_EQ(c.term, "cadence");
  // The trailing empty entry keeps ncurses' own list after ours.
  EXPECT_EQ(c.env, std::vector<std::string>{"TERMINFO_DIRS=" + prefix + ":"});

  env_["TERMINFO_DIRS"] = "/somewhere";
  c = choose(prefix);
  EXPECT_EQ(c.env, std::vector<std::string>{"TERMINFO_DIRS=/somewhere:" + prefix});
}

}  // namespace
}  // namespace cadence::app
