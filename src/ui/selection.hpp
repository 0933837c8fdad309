// A text selection over a terminal's screen and scrollback.
//
// Points are in stable coordinates (StableRow, Column): a stable row names one line of
// history for the terminal's lifetime, so a selection stays on the same text while output
// scrolls the screen under it. The selection is a range of cells between two points,
// inclusive (or, when rectangular, the block they span); word mode (double-click) grows
// each end to a whole word, line mode (triple-click) to whole logical lines, following
// soft wraps in both.
//
// Staying valid. The text under a selection can change without its stable rows moving: a
// program redraws a line, clears the screen, scrolls a region, switches to the alternate
// screen, or a resize reflows the history. Rather than being told about each, the
// selection remembers the terminal's version number when it was last set and checks,
// in invalidated_by(), whether any selected row on the screen has a newer version (rows
// in the scrollback never change), whether the history was reflowed (history_epoch), the
// width changed or the active screen flipped, and whether the selected rows have all
// dropped out of the scrollback. The window calls it after feeding output and clears
// the selection when it says so, which is what xterm and foot do when selected text
// changes. Scrolling alone keeps a selection: rows that stay keep their versions.
//
// Rows that drop off the top of the scrollback while selected are clamped away: text()
// starts at the oldest row still held.
#pragma once

#include <compare>
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "base/units.hpp"

namespace cadence::vt {
class Terminal;
}

namespace cadence::ui {

// One row of text as the selection reads it.
struct SelectionRow {
  std::vector<std::string> text;  // per column; empty for a blank cell or a wide tail
  std::vector<uint8_t> width;     // 1, 2 for a wide character, 0 for its right half
  bool wrapped = false;
  int size() const { return static_cast<int>(width.size()); }
};

// Where the selected text comes from: a local terminal (TerminalText, read under the
// pane's lock) or a remote pane's published screen and cached history (RemoteText).
class SelectionSource {
 public:
  virtual ~SelectionSource() = default;
  virtual int cols() const = 0;
  virtual int rows() const = 0;            // of the screen
  virtual int64_t first_row() const = 0;   // the oldest stable row still held
  virtual int64_t screen_top() const = 0;  // the stable row of screen row 0
  // Appends the row's cells to `out` (nothing for a row not held or not at hand).
  virtual void read(int64_t stable, SelectionRow& out) const = 0;
  // What invalidated_by() compares: a version newer than any screen row's now, one
  // screen row's version, the history epoch, and which screen is active.
  virtual uint64_t version() const = 0;
  virtual uint64_t row_version(int64_t stable) const = 0;
  virtual uint64_t epoch() const = 0;
  virtual bool alt_screen() const = 0;
};

class TerminalText final : public SelectionSource {
 public:
  explicit TerminalText(const vt::Terminal& terminal) : t_(terminal) {}
  int cols() const override;
  int rows() const override;
  int64_t first_row() const override;
  int64_t screen_top() const override;
  void read(int64_t stable, SelectionRow& out) const override;
  uint64_t version() const override;
  uint64_t row_version(int64_t stable) const override;
  uint64_t epoch() const override;
  bool alt_screen() const override;

 private:
  const vt::Terminal& t_;
};

struct SelectionPoint {
  StableRow row;
  Column col;
  auto operator<=>(const SelectionPoint&) const = default;
};

class Selection {
 public:
  enum class Mode : uint8_t { cell, word, line };

  // Characters that count as part of a word besides letters and digits: the default
  // keeps URLs, paths and e-mail addresses whole.
  static constexpr std::u32string_view kDefaultWordChars = U"-_./~:@%+#?&=";

  Selection() = default;
  explicit Selection(std::u32string word_chars) : word_chars_(std::move(word_chars)) {}
  void set_word_chars(std::u32string_view chars) { word_chars_ = chars; }

  // The point of a cell in the viewport, `scrolled_back` rows up into the history.
  static SelectionPoint point_at(const vt::Terminal& terminal, Row row, Column col,
                                 int64_t scrolled_back = 0);

  // Starts a selection at `point` (clamped to rows the terminal still holds).
  void begin(const SelectionSource& text, SelectionPoint point, Mode mode,
             bool rectangular = false);
  void begin(const vt::Terminal& terminal, SelectionPoint point, Mode mode,
             bool rectangular = false) {
    begin(TerminalText(terminal), point, mode, rectangular);
  }
  // Moves the far end to `point`, keeping the anchor (the word or line begun on).
  void extend(const SelectionSource& text, SelectionPoint point);
  void extend(const vt::Terminal& terminal, SelectionPoint point) {
    extend(TerminalText(terminal), point);
  }
  void clear() { active_ = false; }

  bool active() const { return active_; }
  Mode mode() const { return mode_; }
  bool rectangular() const { return rectangular_; }
  // Normalized, inclusive: start() <= end(). For a rectangle, the top-left and
  // bottom-right corners.
  SelectionPoint start() const;
  SelectionPoint end() const;

  bool contains(StableRow row, Column col) const;

  // The selected text: wide characters once, grapheme clusters whole, trailing blanks of
  // each row dropped, rows joined by a newline unless the first was soft-wrapped (always,
  // for a rectangle). No trailing newline.
  std::string text(const SelectionSource& text) const;
  std::string text(const vt::Terminal& terminal) const { return text(TerminalText(terminal)); }

  // True when the selected text may no longer be what was selected (see above).
  bool invalidated_by(const SelectionSource& text) const;
  bool invalidated_by(const vt::Terminal& terminal) const {
    return invalidated_by(TerminalText(terminal));
  }

  // Letters and digits of any script, and the configured word characters.
  bool is_word_char(char32_t cp) const;

 private:
  void update(const SelectionSource& text);

  std::u32string word_chars_{kDefaultWordChars};
  bool active_ = false;
  Mode mode_ = Mode::cell;
  bool rectangular_ = false;
  // The anchor range (a cell, a word or a line) and the far end as the user moves it.
  SelectionPoint anchor_lo_, anchor_hi_, head_;
  SelectionPoint start_, end_;  // normalized
  uint64_t seen_version_ = 0;
  uint64_t seen_epoch_ = 0;
  int seen_cols_ = 0;
  bool seen_alt_ = false;
};

}  // namespace cadence::ui
