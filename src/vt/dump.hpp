// Plain-text and JSON dumps of a terminal's state, for cadence-vt and for tests.
#pragma once

#include <string>

#include "vt/terminal.hpp"

namespace cadence::vt {

// Scrollback then screen, one line per row, what xterm prints when asked for its
// contents: cells never written (or erased) are dropped at the end of a row, spaces a
// program printed are kept, and trailing blank lines are dropped.
std::string dump_text(const Terminal& terminal);

// Rows of cells (text, width, colours, attributes, hyperlink), cursor, title, cwd and
// active modes, as one JSON document. `include_scrollback` adds the history rows.
std::string dump_json(const Terminal& terminal, bool include_scrollback);

}  // namespace cadence::vt
