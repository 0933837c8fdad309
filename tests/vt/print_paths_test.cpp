// The run paths against the character-at-a-time path.
//
// Text fed in one piece takes the parser's and the screen's run paths (print_ascii,
// print_codepoints and the row loop behind it, the whole-CSI fast path); fed a byte at a
// time, every character goes through print() and every sequence through the state
// machine. Over random mixes of text and of the sequences that change how printing
// behaves, both must leave exactly the same terminal.
#include <gtest/gtest.h>

#include <random>
#include <string>

#include "vt/dump.hpp"
#include "vt/terminal.hpp"

namespace cadence::vt {
namespace {

std::string random_stream(uint32_t seed, size_t size, double sequence_rate) {
  static const char* const kText[] = {"中文字符",
                                      "日本語のテキスト",
                                      "한국어",
                                      "e\u0301",
                                      "\U0001F600",
                                      "\U0001F468\u200D\U0001F469\u200D\U0001F467",
                                      "\u2764\uFE0F",
                                      "Ünïcödé",
                                      " ",
                                      "\U0001F1E9\U0001F1EA",
                                      "a\u0308\u0301",
                                      "\u0600\u0661",
                                      "x",
                                      "hello world ",
                                      "\u1100\u1161\u11a8",
                                      "\u0915\u094d\u0937",
                                      "\u00e9",
                                      "\u200b",
                                      "\ufe0f",
                                      "\u0301",
                                      "\U0001F44D\U0001F3FD",
                                      "\u231a",
                                      "\u2764",
                                      "AAAAAAAAAAAAAAAAAAAAAAAA",
                                      "\t",
                                      "\u00ad",
                                      "abc\u0301def",
                                      "\u3099",
                                      "\uff21\uff22",
                                      "\U00020000",
                                      "\r\n",
                                      "\n",
                                      "\r",
                                      "\b",
                                      "\x1b[m",
                                      "\x1b[1;31m",
                                      "\x1b[38;5;200m",
                                      "\x1b[48;2;1;2;3m",
                                      "\x1b[4:3m",
                                      "\x1b[;7m",
                                      "\xc3",
                                      "\x80",
                                      "\xe4\xb8",
                                      "\xc2\x85",
                                      "\x7f"};
  // %d is replaced by a small random number.
  static const char* const kSequences[] = {"\x1b[%d;%dH",
                                           "\x1b[4h",
                                           "\x1b[4l",
                                           "\x1b[?7l",
                                           "\x1b[?7h",
                                           "\x1b[?2027l",
                                           "\x1b[?2027h",
                                           "\x1b[%d;%dr",
                                           "\x1b[r",
                                           "\x1b[?69h\x1b[%d;%ds",
                                           "\x1b[?69l",
                                           "\x1b#6",
                                           "\x1b#5",
                                           "\x1b(0",
                                           "\x1b(B",
                                           "\x0e",
                                           "\x0f",
                                           "\x1b)0",
                                           "\x1b[%db",
                                           "\x1b[%dX",
                                           "\x1b[K",
                                           "\x1b[%dP",
                                           "\x1b[%d@",
                                           "\x1b[%dL",
                                           "\x1b[%dM",
                                           "\x1bM",
                                           "\x1b"
                                           "D",
                                           "\x1b[%dC",
                                           "\x1b[%dD",
                                           "\x1b[%dG",
                                           "\x1b[2J",
                                           "\x1b[%dS",
                                           "\x1b"
                                           "7",
                                           "\x1b"
                                           "8",
                                           "\x1bN",
                                           "\x1b[?6h",
                                           "\x1b[?6l",
                                           "\x1b]8;;http://x\x07",
                                           "\x1b]8;;\x07",
                                           "\x1b[?1049h",
                                           "\x1b[?1049l",
                                           "\x1b[20h",
                                           "\x1b[20l",
                                           "\x1b[?45h",
                                           "\x1b[?45l",
                                           "\x1b[%d;%d;%d;%d;%d;%d;%d;%d;%d;%dm",
                                           "\x1b[1\x08;2H",
                                           "\x1b[?%d;%d$p"};
  std::mt19937 rng(seed);
  std::string out;
  while (out.size() < size) {
    if (std::uniform_real_distribution<>(0, 1)(rng) < sequence_rate) {
      std::string s = kSequences[rng() % std::size(kSequences)];
      for (size_t at; (at = s.find("%d")) != std::string::npos;)
        s.replace(at, 2, std::to_string(rng() % 31));
      out += s;
    } else {
      out += kText[rng() % std::size(kText)];
    }
  }
  return out;
}

Terminal make(int rows, int cols) {
  Terminal::Options o;
  o.rows = rows;
  o.cols = cols;
  o.scrollback_lines = 40;
  return Terminal(o);
}

void expect_same_paths(uint32_t seed, double sequence_rate, int rows, int cols) {
  const std::string bytes = random_stream(seed, 6000, sequence_rate);
  Terminal whole = make(rows, cols);
  whole.feed(bytes);
  Terminal bytewise = make(rows, cols);
  for (char c : bytes) bytewise.feed(std::string_view(&c, 1));
  Terminal chunked = make(rows, cols);
  std::mt19937 rng(seed);
  for (size_t at = 0; at < bytes.size();) {
    size_t n = std::min<size_t>(1 + rng() % 40, bytes.size() - at);
    chunked.feed(std::string_view(bytes).substr(at, n));
    at += n;
  }
  const std::string want = dump_json(bytewise, true);
  ASSERT_EQ(dump_json(whole, true), want) << "seed " << seed << ", " << cols << "x" << rows;
  ASSERT_EQ(dump_json(chunked, true), want) << "seed " << seed << ", " << cols << "x" << rows;
}

TEST(PrintPaths, RunsAndSingleCharactersLeaveTheSameScreenWithFewSequences) {
  for (uint32_t seed = 1; seed <= 40; ++seed) {
    expect_same_paths(seed, 0.02, 24, 80);
    expect_same_paths(seed, 0.02, 5, 13);
  }
}

TEST(PrintPaths, RunsAndSingleCharactersLeaveTheSameScreenWithManySequences) {
  for (uint32_t seed = 100; seed <= 140; ++seed) {
    expect_same_paths(seed, 0.2, 24, 80);
    expect_same_paths(seed, 0.2, 5, 13);
  }
}

}  // namespace
}  // namespace cadence::vt
