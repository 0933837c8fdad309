// A pane's text for `cadence cli get-text`: rows of the screen and the scrollback, plain
// or with SGR escapes that reproduce their colours and attributes.
//
// Lines are numbered as wezterm's `get-text` numbers them: 0 is the screen's first row,
// negative numbers go back into the scrollback (-1 its newest line). Trailing blanks are
// dropped from each row, and a row ends with a newline unless it was soft-wrapped into
// the next one while both are asked for, so the text of a long logical line comes back
// as it was printed. With escapes each style change is written as one SGR that sets the
// whole style (starting from 0), so a row can be printed on its own.
#pragma once

#include <cstdint>
#include <string>

namespace cadence::vt {
class Terminal;
struct Style;
}  // namespace cadence::vt

namespace cadence::ui {

// Most lines one request may ask for.
inline constexpr int64_t kMaxTextLines = 100000;

struct LineRange {
  int64_t first = 0;  // inclusive, wezterm numbering
  int64_t last = 0;   // inclusive
};

// The range clamped to what the terminal holds: the oldest scrollback line to the last
// screen row. `last < first` after clamping: nothing.
LineRange clamp_lines(const vt::Terminal& terminal, LineRange range);

std::string pane_text(const vt::Terminal& terminal, LineRange range, bool escapes);

// The SGR sequence that sets `style` from the default ("\x1b[0m" for the default).
std::string sgr_for(const vt::Style& style);

}  // namespace cadence::ui
