// Terminal rows to the wire's LineCells and back.
//
// Server side, LineEncoder builds one PDU's lines and its style table from a terminal's
// screen rows (vt::Line) and history rows (vt::PackedLine), under the pane's lock: it
// only copies text and interns styles, so the lock is held for about a row copy per
// line. Each distinct style goes into the PDU's table once; OSC 8 link URIs travel
// beside it when the client asked for hyperlinks, and link ids are dropped otherwise.
//
// Client side, decode_line() turns a LineCells into a RemoteScreen::Line of exactly the
// screen's width, mapping the PDU's style indices into the pane's own table. The text
// was validated by the net decoder (net::line_text_cells), so this walks it without
// re-checking each byte, but never reads past it.
#pragma once

#include <cstdint>
#include <span>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "base/units.hpp"
#include "mux/remote_screen.hpp"
#include "net/pdu.hpp"
#include "vt/terminal.hpp"

namespace cadence::mux {

net::WireStyle to_wire(const vt::Style& style);
vt::Style from_wire(const net::WireStyle& style);

class LineEncoder {
 public:
  LineEncoder(const vt::Terminal& terminal, bool hyperlinks)
      : terminal_(terminal), hyperlinks_(hyperlinks) {}

  void add(const vt::Line& line, StableRow row);
  void add(const vt::PackedLine& line, StableRow row);

  // Text bytes so far: callers cut a PDU well below net::kMaxPduBytes with it.
  size_t text_bytes() const { return text_bytes_; }
  size_t size() const { return lines_.size(); }
  bool empty() const { return lines_.empty(); }

  // Moves what was built into a PDU's fields and starts over.
  void take(std::vector<net::WireStyle>& styles, std::vector<net::Link>& links,
            std::vector<net::LineCells>& lines);

 private:
  uint32_t index_of(vt::Style style);
  void add_run(net::LineCells& out, uint32_t style, uint32_t& run_style, uint32_t& run_cells);

  const vt::Terminal& terminal_;
  bool hyperlinks_;
  std::vector<net::WireStyle> styles_;
  std::unordered_map<vt::Style, uint32_t, vt::StyleHash> index_;
  // Screen rows name styles by the terminal's id: one lookup per id, not per cell.
  std::unordered_map<vt::StyleId, uint32_t> by_id_;
  std::vector<net::Link> links_;
  std::unordered_set<uint32_t> link_ids_;
  std::vector<net::LineCells> lines_;
  size_t text_bytes_ = 0;
};

// Decodes `in` into `out` (resized to `cols` cells; cells past the text are default
// blanks, text past `cols` is clipped). style_map[i] is the pane's index for the PDU's
// style i; the runs were checked against the PDU's table by the net decoder.
void decode_line(const net::LineCells& in, std::span<const uint32_t> style_map, int cols,
                 RemoteScreen::Line& out);

}  // namespace cadence::mux
