// Moving by the shell's prompt marks (OSC 133, recorded by the core on the rows where
// they were seen): the view's jump to the previous or next prompt, and the rows of the
// last command's output.
//
// Pure functions of the terminal's marks and sizes, so they are tested on a Terminal fed
// the sequences the shell integration scripts print. A prompt is its A mark (prompt
// start); output runs from a C mark (output start) to the next mark after it, which is
// the D the shell prints when the command ends, or the next prompt's A.
#pragma once

#include <optional>
#include <utility>

#include "base/units.hpp"

namespace cadence::vt {
class Terminal;
}

namespace cadence::ui {

// The scroll offset (rows back into the history, as TerminalView counts) that puts the
// previous (direction < 0) or next (direction > 0) prompt at the top of the view, from
// a view now scrolled back `offset` rows. Going forward past the last prompt above the
// screen ends at the bottom (offset 0). nullopt: no prompt that way, or the view would
// not move (the prompt is on the screen already).
std::optional<int> prompt_jump_offset(const vt::Terminal& terminal, int offset, int direction);

// The last command's output as stable rows [first, end), or nullopt when the shell marked
// no output start, or the output is empty. Output still running ends at the cursor's row
// (included when the cursor is past its first column).
std::optional<std::pair<StableRow, StableRow>> last_output_rows(const vt::Terminal& terminal);

}  // namespace cadence::ui
