// Prompt marks (prompt_marks.hpp), a pane's text for get-text (pane_text.hpp) and the
// bash command line with shell integration (shell_integration.hpp), on terminals fed the
// sequences the shell integration scripts print.
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <memory>
#include <string>

#include "ui/pane_text.hpp"
#include "ui/prompt_marks.hpp"
#include "ui/shell_integration.hpp"
#include "vt/terminal.hpp"

namespace cadence::ui {
namespace {

// One command as bash with cadence.bash prints it: D for the previous command (except
// before the first prompt), A, the prompt, B, the typed command, newline, C, output.
std::string command(const std::string& line, int lines_of_output, bool first = false) {
  std::string s = first ? "" : "\x1b]133;D;0\x1b\\";
  s += "\x1b]133;A\x1b\\$ \x1b]133;B\x1b\\" + line + "\r\n\x1b]133;C\x1b\\";
  for (int i = 0; i < lines_of_output; ++i) s += line + "-out" + std::to_string(i) + "\r\n";
  return s;
}

std::unique_ptr<vt::Terminal> with(const std::string& bytes, int rows = 10, int cols = 40) {
  auto t = std::make_unique<vt::Terminal>(vt::Terminal::Options{rows, cols, 1000});
  t->feed(bytes);
  return t;
}

TEST(PromptMarks, JumpsBackPromptByPromptAndForwardToTheBottom) {
  // Three commands of 20 lines each on a 10-row screen: every prompt is in the history.
  const auto t_owner =
      with(command("a", 20, true) + command("b", 20) + command("c", 20) + "\x1b]133;D;0\x1b\\");
  const vt::Terminal& t = *t_owner;
  const int64_t total = static_cast<int64_t>(t.history_total());
  // Prompts: a at stable row 0, b at 21, c at 42.
  const auto back1 = prompt_jump_offset(t, 0, -1);
  ASSERT_TRUE(back1);
  EXPECT_EQ(*back1, total - 42) << "the newest prompt above the view";
  const auto back2 = prompt_jump_offset(t, *back1, -1);
  ASSERT_TRUE(back2);
  EXPECT_EQ(*back2, total - 21);
  const auto back3 = prompt_jump_offset(t, *back2, -1);
  ASSERT_TRUE(back3);
  EXPECT_EQ(*back3, total);
  EXPECT_FALSE(prompt_jump_offset(t, *back3, -1)) << "no prompt before the first";
  EXPECT_EQ(prompt_jump_offset(t, *back3, 1), std::optional<int>(*back2));
  EXPECT_EQ(prompt_jump_offset(t, *back1, 1), std::optional<int>(0)) << "past the last: bottom";
  EXPECT_FALSE(prompt_jump_offset(t, 0, 1)) << "already at the bottom";
}

TEST(PromptMarks, NoMarksNoJumpAndTheAlternateScreenDoesNotScroll) {
  const auto plain_owner = with(std::string(50, '\n'));
  const vt::Terminal& plain = *plain_owner;
  EXPECT_FALSE(prompt_jump_offset(plain, 0, -1));
  const auto alt_owner = with(command("a", 30, true) + "\x1b[?1049h");
  const vt::Terminal& alt = *alt_owner;
  EXPECT_FALSE(prompt_jump_offset(alt, 0, -1));
}

TEST(PromptMarks, LastOutputRunsFromCToTheNextMark) {
  const auto t_owner =
      with(command("a", 2, true) + command("bb", 3) + "\x1b]133;D;0\x1b\\" + "\x1b]133;A\x1b\\$ ");
  const vt::Terminal& t = *t_owner;
  const auto rows = last_output_rows(t);
  ASSERT_TRUE(rows);
  // a: prompt row 0, output rows 1-2; bb: prompt row 3, output rows 4, 5, 6.
  EXPECT_EQ(rows->first.get(), 4);
  EXPECT_EQ(rows->second.get(), 7);
  EXPECT_EQ(t.row_text(Row(4)), "bb-out0");
  EXPECT_EQ(t.row_text(Row(6)), "bb-out2");
}

TEST(PromptMarks, OutputStillRunningEndsAtTheCursor) {
  const auto t_owner = with(command("x", 1, true) + "partial");
  const vt::Terminal& t = *t_owner;
  const auto rows = last_output_rows(t);
  ASSERT_TRUE(rows);
  EXPECT_EQ(rows->first.get(), 1);
  EXPECT_EQ(rows->second.get(), 3) << "the row the cursor is on, which has text, is included";
}

TEST(PromptMarks, ACommandWithoutOutputHasNone) {
  EXPECT_FALSE(last_output_rows(*with(command("true", 0, true) + "\x1b]133;D;0\x1b\\")));
  EXPECT_FALSE(last_output_rows(*with("no marks at all\r\n")));
}

TEST(PaneText, ScreenAndScrollbackAreNumberedAsWeztermDoes) {
  std::string text;
  for (int i = 0; i < 15; ++i) text += "line" + std::to_string(i) + "\r\n";
  const auto t_owner = with(text, 5, 20);
  const vt::Terminal& t = *t_owner;
  // 16 rows of content on a 5-row screen: lines 0..10 went to the scrollback.
  EXPECT_EQ(pane_text(t, {0, 4}, false), "line11\nline12\nline13\nline14\n\n");
  EXPECT_EQ(pane_text(t, {-2, 0}, false), "line9\nline10\nline11\n");
  EXPECT_EQ(pane_text(t, {-1000, -10}, false), "line0\nline1\n") << "clamped to what is held";
  EXPECT_EQ(pane_text(t, {7, 9}, false), "") << "below the screen: nothing";
}

TEST(PaneText, EscapesReproduceTheStyles) {
  const auto t_owner = with("a\x1b[1;31mred\x1b[0m \x1b[4:3;38;2;1;2;3mx\x1b[0m", 2, 20);
  const vt::Terminal& t = *t_owner;
  const std::string escaped = pane_text(t, {0, 0}, true);
  EXPECT_EQ(escaped, "a\x1b[0;1;31mred\x1b[0m \x1b[0;4:3;38:2::1:2:3mx\x1b[0m\n");
  // Fed back, the escaped text draws the same cells.
  const auto again_owner = with(escaped, 2, 20);
  const vt::Terminal& again = *again_owner;
  for (int col = 0; col < 6; ++col) {
    const vt::Cell& a = t.line(Row(0)).cells[static_cast<size_t>(col)];
    const vt::Cell& b = again.line(Row(0)).cells[static_cast<size_t>(col)];
    EXPECT_EQ(a.cp, b.cp) << col;
    EXPECT_TRUE(t.style(a.style) == again.style(b.style)) << col;
  }
  EXPECT_EQ(pane_text(t, {0, 0}, false), "ared x\n");
}

TEST(PaneText, SoftWrappedRowsComeBackAsOneLine) {
  const auto t_owner = with("0123456789abcdef\r\nnext", 4, 10);
  const vt::Terminal& t = *t_owner;
  EXPECT_EQ(pane_text(t, {0, 2}, false), "0123456789abcdef\nnext\n");
  EXPECT_EQ(pane_text(t, {0, 0}, false), "0123456789\n") << "the range's last row ends a line";
}

TEST(ShellIntegration, OnlyAPlainBashGetsTheScript) {
  char dir_template[] = "/tmp/cadence-shell-XXXXXX";
  ASSERT_NE(mkdtemp(dir_template), nullptr);
  const std::string dir = dir_template;
  ASSERT_EQ(mkdir((dir + "/bash").c_str(), 0700), 0);
  std::vector<std::string> env;
  // No script yet: bash runs as it is.
  EXPECT_EQ(with_shell_integration({"/bin/bash"}, dir, env), std::vector<std::string>{"/bin/bash"});
  std::ofstream(dir + "/" + kBashIntegrationScript) << "# test\n";
  EXPECT_EQ(with_shell_integration({"/bin/bash"}, dir, env),
            (std::vector<std::string>{"/bin/bash", "--rcfile", dir + "/bash/cadence.bash"}));
  EXPECT_EQ(env, std::vector<std::string>{"CADENCE_BASH_INJECT=1"});
  env.clear();
  EXPECT_EQ(with_shell_integration({"bash", "-l"}, dir, env),
            (std::vector<std::string>{"bash", "-l"}));
  EXPECT_EQ(with_shell_integration({"/usr/bin/zsh"}, dir, env),
            std::vector<std::string>{"/usr/bin/zsh"});
  EXPECT_EQ(with_shell_integration({"/bin/bash"}, "", env), std::vector<std::string>{"/bin/bash"})
      << "integration off";
  EXPECT_TRUE(env.empty());
  std::remove((dir + "/" + kBashIntegrationScript).c_str());
  rmdir((dir + "/bash").c_str());
  rmdir(dir.c_str());
}

}  // namespace
}  // namespace cadence::ui
