// A fixture that feeds bytes to a terminal and reads back text, cells and replies.
#pragma once

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "vt/dump.hpp"
#include "vt/terminal.hpp"

namespace cadence::vt::testing {

class Recorder : public TerminalObserver {
 public:
  void on_reply(std::string_view bytes) override { replies += bytes; }
  void on_bell() override { ++bells; }
  void on_title_changed(std::string_view t) override { titles.emplace_back(t); }
  void on_clipboard_set(std::string_view sel, std::string_view data) override {
    clipboard.emplace_back(std::string(sel) + "=" + std::string(data));
  }
  void on_notification(std::string_view title, std::string_view body) override {
    notifications.emplace_back(std::string(title) + "|" + std::string(body));
  }
  void on_progress(int state, int value) override { progress.emplace_back(state, value); }
  std::string replies;
  int bells = 0;
  std::vector<std::string> titles;
  std::vector<std::string> clipboard;
  std::vector<std::string> notifications;
  std::vector<std::pair<int, int>> progress;
};

class VtTest : public ::testing::Test {
 protected:
  void make(int rows, int cols, size_t scrollback = 1000) {
    Terminal::Options o;
    o.rows = rows;
    o.cols = cols;
    o.scrollback_lines = scrollback;
    term = std::make_unique<Terminal>(o);
    term->set_observer(&recorder);
  }
  void SetUp() override { make(24, 80); }
  void feed(std::string_view bytes) { term->feed(bytes); }
  std::string row(int r) const { return term->row_text(Row(r)); }
  const Cell& cell(int r, int c) const { return term->line(Row(r)).cells[c]; }
  const Style& style_at(int r, int c) const { return term->style(cell(r, c).style); }
  std::string text() const { return dump_text(*term); }
  int cursor_row() const { return term->cursor().row; }
  int cursor_col() const { return term->cursor().col; }
  std::string take_replies() {
    std::string r = recorder.replies;
    recorder.replies.clear();
    return r;
  }

  std::unique_ptr<Terminal> term;
  Recorder recorder;
};

}  // namespace cadence::vt::testing
