// What a remote pane shows, as the GUI reads it: an immutable snapshot of the pane's
// viewport, published by the mux client's network thread (client.hpp).
//
// The window treats a RemoteScreen like the rows of a local terminal: it resolves
// Cell::style through styles[] with vt's palette logic, and copies a row again only when
// its (stable_row, version) differs from what it copied last time. Versions here are the
// client's own: every line the network thread receives or rebuilds gets a new one, so
// the pair is unique per content even across a reflow, where the server keeps a line's
// version while its stable row moves.
//
// A snapshot never changes after it is published, so the GUI reads it without a lock.
// Holding one across frames is allowed but costs the network thread a full copy on a
// later publish (it recycles snapshots nobody holds), so drop it after the frame.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "vt/cell.hpp"
#include "vt/modes.hpp"

namespace cadence::mux {

struct RemoteCursor {
  int row = 0;  // viewport row
  int col = 0;
  bool visible = true;  // DECTCEM
  vt::CursorShape shape = vt::CursorShape::block;
  bool blinking = true;
  bool operator==(const RemoteCursor&) const = default;
};

struct RemoteScreen {
  struct Cell {
    char32_t cp = 0;       // 0: blank; the first code point of a grapheme cluster
    uint8_t width = 1;     // 1, 2 for a wide character, 0 for its right half
    uint32_t style = 0;    // index into styles; 0 is the default style
    uint32_t cluster = 0;  // index + 1 into the line's clusters when the cell holds more
                           // than one code point; 0 otherwise
    bool operator==(const Cell&) const = default;
  };
  struct Line {
    int64_t stable_row = 0;  // the line's absolute position in the pane's history
    // Client-assigned: a line received or rebuilt gets a new one, so the GUI can trust
    // "same (stable_row, version), same cells".
    uint64_t version = 0;
    bool wrapped = false;     // the text continues on the next row (soft wrap)
    std::vector<Cell> cells;  // exactly `cols` of the screen it belongs to
    std::vector<std::u32string> clusters;
  };

  int rows = 0;
  int cols = 0;
  int64_t top_stable_row = 0;  // lines[0].stable_row
  // The first history row the server still holds, as last heard (FetchLines answers);
  // -1 until the first answer. Rows in [history_first, top_stable_row) are scrollback.
  int64_t history_first = -1;
  uint64_t history_epoch = 0;  // bumped by the server's reflows: cached history is stale
  RemoteCursor cursor;
  std::string title;
  std::string cwd;
  int progress_state = 0;  // OSC 9;4: 0 none, 1 normal, 2 error, 3 indeterminate, 4 paused
  int progress_value = 0;
  uint32_t modes = 0;  // net::mode bits (cursor keys, bracketed paste, mouse tracking ...)
  // Index = Cell::style. Append-only while the pane lives, except that a table past its
  // bound is rebuilt from what is on screen (every line then gets a new version).
  std::vector<vt::Style> styles;
  std::vector<Line> lines;  // the viewport, top to bottom; exactly `rows` of them
  // Bumped at every publish that changed anything; the GUI can skip a pane whose
  // version it has already drawn.
  uint64_t version = 0;
  // The server's terminal version this snapshot reflects (PaneDelta::version).
  uint64_t server_version = 0;

  const vt::Style& style(uint32_t index) const {
    static const vt::Style kDefault;
    return index < styles.size() ? styles[index] : kDefault;
  }
};

}  // namespace cadence::mux
