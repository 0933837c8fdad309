// Terminal rows to the wire's LineCells and back into a remote screen's lines: what a
// client draws is what the server's terminal holds, cell for cell.
#include "mux/line_wire.hpp"

#include <gtest/gtest.h>

#include "net/codec.hpp"
#include "vt/utf8.hpp"

namespace cadence::mux {
namespace {

std::unique_ptr<vt::Terminal> terminal(int rows, int cols, std::string_view bytes) {
  vt::Terminal::Options o;
  o.rows = rows;
  o.cols = cols;
  auto t = std::make_unique<vt::Terminal>(o);
  t->feed(bytes);
  return t;
}

// Sends the encoder's lines through the real codec (so the net decoder's checks run)
// and decodes each into a remote line of `cols` cells. `styles` plays the pane's table,
// whose index 0 is the default style (the style of cells past a line's last run).
std::vector<RemoteScreen::Line> round_trip(LineEncoder& enc, int cols,
                                           std::vector<vt::Style>& styles) {
  net::PaneDelta d;
  enc.take(d.styles, d.links, d.lines);
  net::Encoder e;
  net::Decoder dec;
  std::vector<uint8_t> bytes;
  EXPECT_TRUE(e.encode(d, bytes));
  dec.feed(bytes);
  Result<std::optional<net::Frame>> f = dec.next();
  EXPECT_TRUE(f && f.value());
  const auto& got = std::get<net::PaneDelta>(f.value()->pdu);
  if (styles.empty()) styles.push_back(vt::Style{});
  std::vector<uint32_t> map;
  for (const net::WireStyle& w : got.styles) {
    map.push_back(static_cast<uint32_t>(styles.size()));
    styles.push_back(from_wire(w));
  }
  std::vector<RemoteScreen::Line> out(got.lines.size());
  for (size_t i = 0; i < got.lines.size(); ++i) decode_line(got.lines[i], map, cols, out[i]);
  return out;
}

void expect_same(const vt::Terminal& t, const vt::Line& want, const RemoteScreen::Line& got,
                 const std::vector<vt::Style>& styles) {
  ASSERT_EQ(got.cells.size(), want.cells.size());
  EXPECT_EQ(got.wrapped, want.wrapped);
  for (size_t c = 0; c < want.cells.size(); ++c) {
    SCOPED_TRACE("col " + std::to_string(c));
    const vt::Cell& w = want.cells[c];
    const RemoteScreen::Cell& g = got.cells[c];
    EXPECT_EQ(g.width, w.width);
    EXPECT_EQ(styles[g.style], t.style(w.style));
    if (w.is_cluster()) {
      ASSERT_NE(g.cluster, 0u);
      EXPECT_EQ(got.clusters[g.cluster - 1], t.cluster(w.cp));
      EXPECT_EQ(g.cp, t.cluster(w.cp)[0]);
    } else {
      EXPECT_EQ(g.cp, w.cp);
      EXPECT_EQ(g.cluster, 0u);
    }
  }
}

TEST(LineWire, ScreenRowsComeBackCellForCell) {
  std::string bytes = "plain \x1b[1;38;5;196mred bold\x1b[m \x1b[4:3;58;2;1;2;3mcurly\x1b[m ";
  vt::append_utf8(bytes, U'\u4e2d');  // wide
  bytes += "e";
  vt::append_utf8(bytes, U'\u0301');        // a two-code-point cluster
  bytes += "\r\n\x1b[44m\x1b[K\x1b[m\r\n";  // a row of blanks with a background
  bytes += std::string(45, 'w');            // wraps onto the next row
  auto owned = terminal(5, 40, bytes);
  const vt::Terminal& t = *owned;
  LineEncoder enc(t, true);
  for (int r = 0; r < 4; ++r) enc.add(t.line(Row(r)), t.stable_row(Row(r)));
  std::vector<vt::Style> styles;
  std::vector<RemoteScreen::Line> lines = round_trip(enc, 40, styles);
  ASSERT_EQ(lines.size(), 4u);
  for (int r = 0; r < 4; ++r) {
    SCOPED_TRACE("row " + std::to_string(r));
    EXPECT_EQ(lines[r].stable_row, t.stable_row(Row(r)).get());
    expect_same(t, t.line(Row(r)), lines[r], styles);
  }
}

TEST(LineWire, HistoryRowsComeBackCellForCell) {
  std::string bytes = "\x1b[32mgreen\x1b[m ";
  vt::append_utf8(bytes, U'\u6587');
  bytes += " tail\r\nsecond\r\nthird\r\nfourth";
  auto owned = terminal(2, 30, bytes);
  const vt::Terminal& t = *owned;
  ASSERT_EQ(t.scrollback_size(), 2u);
  LineEncoder enc(t, true);
  enc.add(t.scrollback_line(0), StableRow(0));
  enc.add(t.scrollback_line(1), StableRow(1));
  std::vector<vt::Style> styles;
  std::vector<RemoteScreen::Line> lines = round_trip(enc, 30, styles);
  ASSERT_EQ(lines.size(), 2u);
  EXPECT_EQ(lines[0].cells[0].cp, U'g');
  EXPECT_EQ(styles[lines[0].cells[0].style].fg, vt::Color::indexed(2));
  EXPECT_EQ(lines[0].cells[6].cp, U'\u6587');
  EXPECT_EQ(lines[0].cells[6].width, 2);
  EXPECT_EQ(lines[0].cells[7].width, 0);
  EXPECT_EQ(lines[0].cells[9].cp, U't');
  EXPECT_EQ(styles[lines[0].cells[9].style], vt::Style{});
  EXPECT_EQ(lines[1].cells[0].cp, U's');
}

TEST(LineWire, PlainTextNeedsNoStyleRuns) {
  auto owned = terminal(2, 20, "nothing special");
  const vt::Terminal& t = *owned;
  LineEncoder enc(t, true);
  enc.add(t.line(Row(0)), StableRow(0));
  net::PaneDelta d;
  enc.take(d.styles, d.links, d.lines);
  ASSERT_EQ(d.lines.size(), 1u);
  EXPECT_TRUE(d.lines[0].runs.empty());
  EXPECT_EQ(d.lines[0].text, "nothing special");
}

TEST(LineWire, LinksTravelOnlyToClientsThatAskedForThem) {
  auto owned = terminal(2, 30, "\x1b]8;;https://example.org\x1b\\link\x1b]8;;\x1b\\");
  const vt::Terminal& t = *owned;
  for (bool hyperlinks : {true, false}) {
    LineEncoder enc(t, hyperlinks);
    enc.add(t.line(Row(0)), StableRow(0));
    net::PaneDelta d;
    enc.take(d.styles, d.links, d.lines);
    if (hyperlinks) {
      ASSERT_EQ(d.links.size(), 1u);
      EXPECT_EQ(d.links[0].uri, "https://example.org");
      ASSERT_EQ(d.lines[0].runs.size(), 1u);
      EXPECT_EQ(d.styles[d.lines[0].runs[0].style].link, d.links[0].id);
    } else {
      // Without its link the text has the default style: no runs, no links.
      EXPECT_TRUE(d.links.empty());
      EXPECT_TRUE(d.lines[0].runs.empty());
    }
  }
}

TEST(LineWire, NarrowerScreenClipsAndNeverHalvesAWideCharacter) {
  net::LineCells in;
  in.text = "ab\x01";
  vt::append_utf8(in.text, U'\u4e2d');
  in.text += "cd";
  RemoteScreen::Line out;
  decode_line(in, {}, 3, out);
  ASSERT_EQ(out.cells.size(), 3u);
  EXPECT_EQ(out.cells[0].cp, U'a');
  EXPECT_EQ(out.cells[2].cp, U'\u4e2d');
  EXPECT_EQ(out.cells[2].width, 2);  // its right half is past the edge: the GUI clips it
  decode_line(in, {}, 8, out);
  EXPECT_EQ(out.cells[3].width, 0);
  EXPECT_EQ(out.cells[4].cp, U'c');
  EXPECT_EQ(out.cells[7].cp, 0u);  // padded with blanks
}

TEST(LineWire, UnknownUnderlineStyleDrawsAsSingle) {
  net::WireStyle w;
  w.underline = 200;
  EXPECT_EQ(from_wire(w).underline, vt::UnderlineStyle::single);
  vt::Style s;
  s.fg = vt::Color::rgb(1, 2, 3);
  s.flags = vt::attr::italic;
  s.underline = vt::UnderlineStyle::dotted;
  EXPECT_EQ(from_wire(to_wire(s)), s);
}

}  // namespace
}  // namespace cadence::mux
