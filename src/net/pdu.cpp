// Payload encoding and decoding of every PDU; the layout of each is its put()/get() pair.
//
// Each PDU has one put() and one get() that read field for field alike, so a reader
// checks a change to one against the other in a single screen. The encoder checks the
// same limits as the decoder: a PDU the peer would refuse fails here, on our side, with
// the field named.
#include "net/pdu.hpp"

#include <limits>

#include "net/wire.hpp"

namespace cadence::net {

namespace {

constexpr uint64_t kMaxPixels = 1u << 20;
constexpr uint64_t kMaxStableRow = static_cast<uint64_t>(std::numeric_limits<int64_t>::max());

// Writer plus the limit checks; the first failure is kept.
class Enc {
 public:
  Enc(std::vector<uint8_t>& out, const char* context) : w(out), context_(context) {}

  void u8(uint8_t v) { w.u8(v); }
  void u32(uint32_t v) { w.u32(v); }
  void u64(uint64_t v) { w.u64(v); }
  void varint(uint64_t v) { w.varint(v); }
  void boolean(bool v) { w.boolean(v); }
  void bounded(const char* field, uint64_t v, uint64_t max) {
    if (v > max) fail(field, std::to_string(v) + " exceeds the limit " + std::to_string(max));
    w.varint(v);
  }
  void dim(const char* field, int32_t v) {
    if (v < 0) fail(field, "negative");
    bounded(field, static_cast<uint64_t>(v < 0 ? 0 : v), kMaxCellsPerLine);
  }
  void str(const char* field, std::string_view s, size_t max) {
    if (s.size() > max)
      fail(field, std::to_string(s.size()) + " bytes exceed the limit " + std::to_string(max));
    w.bytes(s);
  }
  void count(const char* field, size_t n, size_t max) { bounded(field, n, max); }
  void stable_row(const char* field, StableRow row) {
    if (row.get() < 0) fail(field, "negative stable row");
    w.varint(static_cast<uint64_t>(row.get()));
  }
  void fail(const char* field, std::string_view why) {
    if (error.empty()) error = std::string(context_) + ": " + field + ": " + std::string(why);
  }

  Writer w;
  std::string error;

 private:
  const char* context_;
};

int32_t get_dim(Reader& r, const char* field) {
  return static_cast<int32_t>(r.bounded(field, kMaxCellsPerLine));
}

StableRow get_stable_row(Reader& r, const char* field) {
  return StableRow(static_cast<int64_t>(r.bounded(field, kMaxStableRow)));
}

template <typename E>
E get_enum(Reader& r, const char* field, E last) {
  return static_cast<E>(r.bounded(field, static_cast<uint64_t>(last)));
}

void put_strings(Enc& e, const char* field, const std::vector<std::string>& v) {
  e.count(field, v.size(), kMaxArgs);
  for (const auto& s : v) e.str(field, s, kMaxArgBytes);
}

std::vector<std::string> get_strings(Reader& r, const char* field) {
  std::vector<std::string> v(r.count(field, kMaxArgs));
  for (auto& s : v) s = r.string(field, kMaxArgBytes);
  return v;
}

// --- session ---------------------------------------------------------------------------

void put(Enc& e, const Hello& p) {
  e.varint(p.version);
  e.u64(p.features);
  e.str("name", p.name, kMaxTitleBytes);
}
void get(Reader& r, Hello& p) {
  p.version = static_cast<uint32_t>(r.bounded("version", UINT32_MAX));
  p.features = r.u64("features");
  p.name = r.string("name", kMaxTitleBytes);
}

void put(Enc& e, const HelloReply& p) {
  e.varint(p.version);
  e.u64(p.features);
  e.str("name", p.name, kMaxTitleBytes);
  e.u64(p.instance);
}
void get(Reader& r, HelloReply& p) {
  p.version = static_cast<uint32_t>(r.bounded("version", UINT32_MAX));
  p.features = r.u64("features");
  p.name = r.string("name", kMaxTitleBytes);
  p.instance = r.u64("instance");
}

void put(Enc& e, const ErrorPdu& p) {
  e.varint(static_cast<uint8_t>(p.code));
  e.varint(p.in_reply_to);
  e.str("message", p.message, kMaxTitleBytes);
}
void get(Reader& r, ErrorPdu& p) {
  p.code = get_enum(r, "code", ErrorPdu::Code::version);
  p.in_reply_to = r.varint("in_reply_to");
  p.message = r.string("message", kMaxTitleBytes);
}

void put(Enc& e, const Ping& p) {
  e.u64(p.sent_ns);
  e.varint(p.last_rtt_ns);
}
void get(Reader& r, Ping& p) {
  p.sent_ns = r.u64("sent_ns");
  p.last_rtt_ns = r.varint("last_rtt_ns");
}

void put(Enc& e, const Pong& p) { e.u64(p.echoed_ns); }
void get(Reader& r, Pong& p) { p.echoed_ns = r.u64("echoed_ns"); }

// --- topology ----------------------------------------------------------------------------

void put(Enc&, const ListPanes&) {}
void get(Reader&, ListPanes&) {}

void put(Enc& e, const PaneList& p) {
  e.count("tabs", p.tabs.size(), kMaxTabsPerList);
  for (const auto& t : p.tabs) {
    e.varint(t.window);
    e.varint(t.tab);
    e.varint(t.active_pane);
    e.boolean(t.zoomed.has_value());
    if (t.zoomed) e.varint(*t.zoomed);
    e.str("tab title", t.title, kMaxTitleBytes);
    e.boolean(t.active);
  }
  e.count("panes", p.panes.size(), kMaxPanesPerList);
  for (const auto& pane : p.panes) {
    e.varint(pane.pane);
    e.varint(pane.tab);
    e.dim("pane top", pane.top);
    e.dim("pane left", pane.left);
    e.dim("pane rows", pane.rows);
    e.dim("pane cols", pane.cols);
    e.str("pane title", pane.title, kMaxTitleBytes);
    e.str("pane cwd", pane.cwd, kMaxTitleBytes);
  }
}
void get(Reader& r, PaneList& p) {
  p.tabs.resize(r.count("tabs", kMaxTabsPerList));
  for (auto& t : p.tabs) {
    t.window = r.varint("tab window");
    t.tab = r.varint("tab id");
    t.active_pane = r.varint("tab active_pane");
    if (r.boolean("tab zoomed")) t.zoomed = r.varint("tab zoomed");
    t.title = r.string("tab title", kMaxTitleBytes);
    t.active = r.boolean("tab active");
  }
  p.panes.resize(r.count("panes", kMaxPanesPerList));
  for (auto& pane : p.panes) {
    pane.pane = r.varint("pane id");
    pane.tab = r.varint("pane tab");
    pane.top = get_dim(r, "pane top");
    pane.left = get_dim(r, "pane left");
    pane.rows = get_dim(r, "pane rows");
    pane.cols = get_dim(r, "pane cols");
    pane.title = r.string("pane title", kMaxTitleBytes);
    pane.cwd = r.string("pane cwd", kMaxTitleBytes);
  }
}

void put(Enc& e, const Spawn& p) {
  e.varint(p.request_id);
  e.varint(p.window);
  e.dim("rows", p.rows);
  e.dim("cols", p.cols);
  e.str("cwd", p.cwd, kMaxTitleBytes);
  put_strings(e, "argv", p.argv);
  put_strings(e, "env", p.env);
}
void get(Reader& r, Spawn& p) {
  p.request_id = r.varint("request_id");
  p.window = r.varint("window");
  p.rows = get_dim(r, "rows");
  p.cols = get_dim(r, "cols");
  p.cwd = r.string("cwd", kMaxTitleBytes);
  p.argv = get_strings(r, "argv");
  p.env = get_strings(r, "env");
}

void put(Enc& e, const Split& p) {
  e.varint(p.request_id);
  e.varint(p.pane);
  e.varint(static_cast<uint8_t>(p.axis));
  e.bounded("ratio_permille", p.ratio_permille, 1000);
  e.str("cwd", p.cwd, kMaxTitleBytes);
  put_strings(e, "argv", p.argv);
}
void get(Reader& r, Split& p) {
  p.request_id = r.varint("request_id");
  p.pane = r.varint("pane");
  p.axis = get_enum(r, "axis", SplitAxis::vertical);
  p.ratio_permille = static_cast<uint16_t>(r.bounded("ratio_permille", 1000));
  p.cwd = r.string("cwd", kMaxTitleBytes);
  p.argv = get_strings(r, "argv");
}

void put(Enc& e, const Spawned& p) {
  e.varint(p.request_id);
  e.varint(p.window);
  e.varint(p.tab);
  e.varint(p.pane);
}
void get(Reader& r, Spawned& p) {
  p.request_id = r.varint("request_id");
  p.window = r.varint("window");
  p.tab = r.varint("tab");
  p.pane = r.varint("pane");
}

void put(Enc& e, const ClosePane& p) { e.varint(p.pane); }
void get(Reader& r, ClosePane& p) { p.pane = r.varint("pane"); }

void put(Enc& e, const MovePane& p) {
  e.varint(p.request_id);
  e.varint(p.pane);
  e.varint(p.to_tab);
}
void get(Reader& r, MovePane& p) {
  p.request_id = r.varint("request_id");
  p.pane = r.varint("pane");
  p.to_tab = r.varint("to_tab");
}

void put(Enc& e, const TabEvent& p) {
  e.varint(static_cast<uint8_t>(p.kind));
  e.varint(p.window);
  e.varint(p.tab);
  e.str("title", p.title, kMaxTitleBytes);
}
void get(Reader& r, TabEvent& p) {
  p.kind = get_enum(r, "kind", TabEvent::Kind::relayout);
  p.window = r.varint("window");
  p.tab = r.varint("tab");
  p.title = r.string("title", kMaxTitleBytes);
}

void put(Enc& e, const PaneEvent& p) {
  e.varint(static_cast<uint8_t>(p.kind));
  e.varint(p.pane);
  e.varint(p.tab);
  e.w.svarint(p.exit_status);
}
void get(Reader& r, PaneEvent& p) {
  p.kind = get_enum(r, "kind", PaneEvent::Kind::focused);
  p.pane = r.varint("pane");
  p.tab = r.varint("tab");
  int64_t status = r.svarint("exit_status");
  if (status < INT32_MIN || status > INT32_MAX) r.fail("exit_status", "out of range");
  p.exit_status = static_cast<int32_t>(status);
}

// --- input -------------------------------------------------------------------------------

void put(Enc& e, const WriteToPane& p) {
  e.varint(p.pane);
  e.str("data", p.data, kMaxInputBytes);
}
void get(Reader& r, WriteToPane& p) {
  p.pane = r.varint("pane");
  p.data = r.string("data", kMaxInputBytes);
}

void put(Enc& e, const Paste& p) {
  e.varint(p.pane);
  e.str("text", p.text, kMaxInputBytes);
}
void get(Reader& r, Paste& p) {
  p.pane = r.varint("pane");
  p.text = r.string("text", kMaxInputBytes);
}

void put(Enc& e, const Mouse& p) {
  e.varint(p.pane);
  e.varint(static_cast<uint8_t>(p.kind));
  e.u8(p.button);
  e.u8(p.modifiers);
  // Signed: a drag that leaves the pane reports positions outside it.
  for (int32_t v : {p.row, p.col}) {
    if (v > static_cast<int32_t>(kMaxCellsPerLine) || v < -static_cast<int32_t>(kMaxCellsPerLine))
      e.fail("position", "out of range");
    e.w.svarint(v);
  }
  for (int32_t v : {p.x_px, p.y_px}) {
    if (v > static_cast<int32_t>(kMaxPixels) || v < -static_cast<int32_t>(kMaxPixels))
      e.fail("pixel position", "out of range");
    e.w.svarint(v);
  }
}
void get(Reader& r, Mouse& p) {
  p.pane = r.varint("pane");
  p.kind = get_enum(r, "kind", Mouse::Kind::wheel);
  p.button = r.u8("button");
  p.modifiers = r.u8("modifiers");
  for (int32_t* v : {&p.row, &p.col}) {
    int64_t x = r.svarint("position");
    if (x > static_cast<int64_t>(kMaxCellsPerLine) || x < -static_cast<int64_t>(kMaxCellsPerLine))
      r.fail("position", "out of range");
    *v = static_cast<int32_t>(x);
  }
  for (int32_t* v : {&p.x_px, &p.y_px}) {
    int64_t x = r.svarint("pixel position");
    if (x > static_cast<int64_t>(kMaxPixels) || x < -static_cast<int64_t>(kMaxPixels))
      r.fail("pixel position", "out of range");
    *v = static_cast<int32_t>(x);
  }
}

void put(Enc& e, const Focus& p) {
  e.varint(p.pane);
  e.boolean(p.focused);
}
void get(Reader& r, Focus& p) {
  p.pane = r.varint("pane");
  p.focused = r.boolean("focused");
}

void put(Enc& e, const Resize& p) {
  e.varint(p.pane);
  e.varint(p.request_id);
  e.dim("rows", p.rows);
  e.dim("cols", p.cols);
  e.bounded("pixel_width", static_cast<uint32_t>(p.pixel_width), kMaxPixels);
  e.bounded("pixel_height", static_cast<uint32_t>(p.pixel_height), kMaxPixels);
}
void get(Reader& r, Resize& p) {
  p.pane = r.varint("pane");
  p.request_id = r.varint("request_id");
  p.rows = get_dim(r, "rows");
  p.cols = get_dim(r, "cols");
  p.pixel_width = static_cast<int32_t>(r.bounded("pixel_width", kMaxPixels));
  p.pixel_height = static_cast<int32_t>(r.bounded("pixel_height", kMaxPixels));
}

// --- content -----------------------------------------------------------------------------

// A style sends only its non-default fields, announced by a bit mask.
void put_style(Enc& e, const WireStyle& s) {
  const uint8_t mask = (s.fg ? 1 : 0) | (s.bg ? 2 : 0) | (s.underline_color ? 4 : 0) |
                       (s.flags ? 8 : 0) | (s.underline ? 16 : 0) | (s.link ? 32 : 0);
  e.u8(mask);
  if (s.fg) e.u32(s.fg);
  if (s.bg) e.u32(s.bg);
  if (s.underline_color) e.u32(s.underline_color);
  if (s.flags) e.varint(s.flags);
  if (s.underline) e.u8(s.underline);
  if (s.link) e.varint(s.link);
}
void get_style(Reader& r, WireStyle& s) {
  const uint8_t mask = r.u8("style mask");
  if (mask & ~63u) r.fail("style mask", "unknown bits");
  if (mask & 1) s.fg = r.u32("style fg");
  if (mask & 2) s.bg = r.u32("style bg");
  if (mask & 4) s.underline_color = r.u32("style underline_color");
  if (mask & 8) s.flags = static_cast<uint16_t>(r.bounded("style flags", UINT16_MAX));
  if (mask & 16) s.underline = r.u8("style underline");
  if (mask & 32) s.link = static_cast<uint32_t>(r.bounded("style link", UINT32_MAX));
}

void put_links(Enc& e, const std::vector<Link>& links) {
  e.count("links", links.size(), kMaxLinksPerPdu);
  for (const auto& l : links) {
    e.varint(l.id);
    e.str("link uri", l.uri, kMaxUriBytes);
  }
}
void get_links(Reader& r, std::vector<Link>& links) {
  links.resize(r.count("links", kMaxLinksPerPdu));
  for (auto& l : links) {
    l.id = static_cast<uint32_t>(r.bounded("link id", UINT32_MAX));
    l.uri = r.string("link uri", kMaxUriBytes);
  }
}

// Checks one line against the PDU's style table; the same rules on both sides.
std::string check_line(const LineCells& line, size_t styles) {
  auto cells = line_text_cells(line.text);
  if (!cells) return cells.error().message;
  size_t covered = 0;
  for (const auto& run : line.runs) {
    if (run.cells == 0) return "empty style run";
    if (run.style >= styles)
      return "style index " + std::to_string(run.style) + " past the table of " +
             std::to_string(styles);
    covered += run.cells;
  }
  if (covered > *cells)
    return "style runs cover " + std::to_string(covered) + " cells of a " + std::to_string(*cells) +
           "-cell line";
  return {};
}

// Lines go in increasing stable-row order; each row after the first is sent as its
// distance from the previous one, usually one byte.
void put_lines(Enc& e, const std::vector<LineCells>& lines, size_t styles) {
  e.count("lines", lines.size(), kMaxLinesPerPdu);
  StableRow prev(0);
  for (size_t i = 0; i < lines.size(); ++i) {
    const LineCells& line = lines[i];
    if (i == 0) {
      e.stable_row("line row", line.row);
    } else {
      if (line.row <= prev) e.fail("line row", "rows not in increasing order");
      e.varint(static_cast<uint64_t>((line.row - prev).get()));
    }
    prev = line.row;
    e.varint(line.version);
    e.boolean(line.wrapped);
    e.str("line text", line.text, kMaxLineTextBytes);
    e.count("line runs", line.runs.size(), kMaxCellsPerLine);
    for (const auto& run : line.runs) {
      e.varint(run.cells);
      e.varint(run.style);
    }
    if (std::string why = check_line(line, styles); !why.empty()) e.fail("line", why);
  }
}
void get_lines(Reader& r, std::vector<LineCells>& lines, size_t styles) {
  lines.resize(r.count("lines", kMaxLinesPerPdu));
  StableRow prev(0);
  for (size_t i = 0; i < lines.size() && r.ok(); ++i) {
    LineCells& line = lines[i];
    if (i == 0) {
      line.row = get_stable_row(r, "line row");
    } else {
      uint64_t step = r.varint("line row");
      if (step == 0 || step > kMaxStableRow - static_cast<uint64_t>(prev.get())) {
        r.fail("line row", step == 0 ? "rows not in increasing order" : "row out of range");
        break;
      }
      line.row = prev + StableRow(static_cast<int64_t>(step));
    }
    prev = line.row;
    line.version = r.varint("line version");
    line.wrapped = r.boolean("line wrapped");
    line.text = r.string("line text", kMaxLineTextBytes);
    line.runs.resize(r.count("line runs", kMaxCellsPerLine));
    for (auto& run : line.runs) {
      run.cells = static_cast<uint32_t>(r.bounded("run cells", kMaxCellsPerLine));
      run.style = static_cast<uint32_t>(r.bounded("run style", kMaxStylesPerPdu));
    }
    if (!r.ok()) break;
    if (std::string why = check_line(line, styles); !why.empty())
      r.fail("line", "row " + std::to_string(line.row.get()) + ": " + why);
  }
}

void put_styles(Enc& e, const std::vector<WireStyle>& styles) {
  e.count("styles", styles.size(), kMaxStylesPerPdu);
  for (const auto& s : styles) put_style(e, s);
}
void get_styles(Reader& r, std::vector<WireStyle>& styles) {
  styles.resize(r.count("styles", kMaxStylesPerPdu));
  for (auto& s : styles) get_style(r, s);
}

void put_optional(Enc& e, const char* field, const std::optional<std::string>& s) {
  e.boolean(s.has_value());
  if (s) e.str(field, *s, kMaxTitleBytes);
}
void get_optional(Reader& r, const char* field, std::optional<std::string>& s) {
  if (r.boolean(field)) s = r.string(field, kMaxTitleBytes);
}

void put(Enc& e, const PaneDelta& p) {
  e.varint(p.pane);
  e.varint(p.version);
  e.varint(p.resize_id);
  e.varint(p.input_serial);
  e.dim("rows", p.rows);
  e.dim("cols", p.cols);
  e.stable_row("top", p.top);
  e.varint(p.history_epoch);
  e.varint(p.modes);
  e.dim("cursor row", p.cursor.row);
  e.dim("cursor col", p.cursor.col);
  e.u8(p.cursor.shape);
  e.boolean(p.cursor.visible);
  put_optional(e, "title", p.title);
  put_optional(e, "cwd", p.cwd);
  e.boolean(p.progress_state.has_value());
  if (p.progress_state) {
    e.u8(*p.progress_state);
    e.bounded("progress_value", p.progress_value, 100);
  }
  put_styles(e, p.styles);
  put_links(e, p.links);
  put_lines(e, p.lines, p.styles.size());
}
void get(Reader& r, PaneDelta& p) {
  p.pane = r.varint("pane");
  p.version = r.varint("version");
  p.resize_id = r.varint("resize_id");
  p.input_serial = r.varint("input_serial");
  p.rows = get_dim(r, "rows");
  p.cols = get_dim(r, "cols");
  p.top = get_stable_row(r, "top");
  p.history_epoch = r.varint("history_epoch");
  p.modes = static_cast<uint32_t>(r.bounded("modes", UINT32_MAX));
  p.cursor.row = get_dim(r, "cursor row");
  p.cursor.col = get_dim(r, "cursor col");
  p.cursor.shape = r.u8("cursor shape");
  p.cursor.visible = r.boolean("cursor visible");
  get_optional(r, "title", p.title);
  get_optional(r, "cwd", p.cwd);
  if (r.boolean("progress")) {
    p.progress_state = r.u8("progress_state");
    p.progress_value = static_cast<uint8_t>(r.bounded("progress_value", 100));
  }
  get_styles(r, p.styles);
  get_links(r, p.links);
  get_lines(r, p.lines, p.styles.size());
}

void put(Enc& e, const FetchLines& p) {
  e.varint(p.request_id);
  e.varint(p.pane);
  e.varint(p.history_epoch);
  e.stable_row("first", p.first);
  e.bounded("count", p.count, kMaxFetchLines);
}
void get(Reader& r, FetchLines& p) {
  p.request_id = r.varint("request_id");
  p.pane = r.varint("pane");
  p.history_epoch = r.varint("history_epoch");
  p.first = get_stable_row(r, "first");
  p.count = static_cast<uint32_t>(r.bounded("count", kMaxFetchLines));
}

void put(Enc& e, const LinesReply& p) {
  e.varint(p.request_id);
  e.varint(p.pane);
  e.varint(p.history_epoch);
  e.stable_row("first_available", p.first_available);
  put_styles(e, p.styles);
  put_links(e, p.links);
  put_lines(e, p.lines, p.styles.size());
}
void get(Reader& r, LinesReply& p) {
  p.request_id = r.varint("request_id");
  p.pane = r.varint("pane");
  p.history_epoch = r.varint("history_epoch");
  p.first_available = get_stable_row(r, "first_available");
  get_styles(r, p.styles);
  get_links(r, p.links);
  get_lines(r, p.lines, p.styles.size());
}

void put(Enc& e, const Resume& p) {
  e.u64(p.instance);
  e.count("panes", p.panes.size(), kMaxPanesPerList);
  for (const Resume::Pane& pane : p.panes) {
    e.varint(pane.pane);
    e.varint(pane.version);
    e.varint(pane.history_epoch);
    e.stable_row("top", pane.top);
    e.dim("rows", pane.rows);
    e.boolean(pane.alt_screen);
  }
}
void get(Reader& r, Resume& p) {
  p.instance = r.u64("instance");
  p.panes.resize(r.count("panes", kMaxPanesPerList));
  for (Resume::Pane& pane : p.panes) {
    pane.pane = r.varint("pane");
    pane.version = r.varint("version");
    pane.history_epoch = r.varint("history_epoch");
    pane.top = get_stable_row(r, "top");
    pane.rows = get_dim(r, "rows");
    pane.alt_screen = r.boolean("alt_screen");
  }
}

void put(Enc& e, const Activate& p) { e.varint(p.pane); }
void get(Reader& r, Activate& p) { p.pane = r.varint("pane"); }

void put(Enc& e, const RenameTab& p) {
  e.varint(p.tab);
  e.str("title", p.title, kMaxTitleBytes);
}
void get(Reader& r, RenameTab& p) {
  p.tab = r.varint("tab");
  p.title = r.string("title", kMaxTitleBytes);
}

void put(Enc& e, const Credit& p) { e.varint(p.frames); }
void get(Reader& r, Credit& p) {
  p.frames = static_cast<uint32_t>(r.bounded("frames", UINT32_MAX));
}

void put(Enc& e, const Clipboard& p) {
  e.varint(p.pane);
  e.varint(static_cast<uint8_t>(p.selection));
  e.str("data", p.data, kMaxClipboardBytes);
}
void get(Reader& r, Clipboard& p) {
  p.pane = r.varint("pane");
  p.selection = get_enum(r, "selection", Clipboard::Selection::primary);
  p.data = r.string("data", kMaxClipboardBytes);
}

void put(Enc& e, const Bell& p) { e.varint(p.pane); }
void get(Reader& r, Bell& p) { p.pane = r.varint("pane"); }

template <typename T>
Result<Pdu> decode_as(std::span<const uint8_t> payload, const char* name) {
  Reader r(payload, name);
  T value;
  get(r, value);
  r.expect_end();
  if (!r.ok()) return make_error(r.error());
  return Pdu(std::move(value));
}

}  // namespace

const char* pdu_type_name(uint16_t type) {
  switch (static_cast<PduType>(type)) {
    case PduType::hello: return "Hello";
    case PduType::hello_reply: return "HelloReply";
    case PduType::error: return "Error";
    case PduType::ping: return "Ping";
    case PduType::pong: return "Pong";
    case PduType::list_panes: return "ListPanes";
    case PduType::pane_list: return "PaneList";
    case PduType::spawn: return "Spawn";
    case PduType::split: return "Split";
    case PduType::spawned: return "Spawned";
    case PduType::close_pane: return "ClosePane";
    case PduType::move_pane: return "MovePane";
    case PduType::tab_event: return "TabEvent";
    case PduType::pane_event: return "PaneEvent";
    case PduType::write_to_pane: return "WriteToPane";
    case PduType::paste: return "Paste";
    case PduType::mouse: return "Mouse";
    case PduType::focus: return "Focus";
    case PduType::resize: return "Resize";
    case PduType::pane_delta: return "PaneDelta";
    case PduType::fetch_lines: return "FetchLines";
    case PduType::lines_reply: return "LinesReply";
    case PduType::credit: return "Credit";
    case PduType::clipboard: return "Clipboard";
    case PduType::bell: return "Bell";
    case PduType::resume: return "Resume";
    case PduType::activate: return "Activate";
    case PduType::rename_tab: return "RenameTab";
  }
  return "unknown";
}

PduType pdu_type(const Pdu& pdu) {
  return std::visit([](const auto& p) { return std::decay_t<decltype(p)>::kType; }, pdu);
}

template <typename T>
Result<void> encode_payload(const T& pdu, std::vector<uint8_t>& out) {
  if constexpr (std::is_same_v<T, Pdu>) {
    return std::visit([&](const auto& p) { return encode_payload(p, out); }, pdu);
  } else {
    const size_t start = out.size();
    Enc e(out, pdu_type_name(static_cast<uint16_t>(T::kType)));
    put(e, pdu);
    if (!e.error.empty()) {
      out.resize(start);
      return make_error(std::move(e.error));
    }
    return {};
  }
}

// One definition per PDU struct, and the variant's.
#define CADENCE_NET_ENCODE(T) \
  template Result<void> encode_payload<T>(const T&, std::vector<uint8_t>&);
CADENCE_NET_ENCODE(Pdu)
CADENCE_NET_ENCODE(Hello)
CADENCE_NET_ENCODE(HelloReply)
CADENCE_NET_ENCODE(ErrorPdu)
CADENCE_NET_ENCODE(Ping)
CADENCE_NET_ENCODE(Pong)
CADENCE_NET_ENCODE(ListPanes)
CADENCE_NET_ENCODE(PaneList)
CADENCE_NET_ENCODE(Spawn)
CADENCE_NET_ENCODE(Split)
CADENCE_NET_ENCODE(Spawned)
CADENCE_NET_ENCODE(ClosePane)
CADENCE_NET_ENCODE(MovePane)
CADENCE_NET_ENCODE(TabEvent)
CADENCE_NET_ENCODE(PaneEvent)
CADENCE_NET_ENCODE(WriteToPane)
CADENCE_NET_ENCODE(Paste)
CADENCE_NET_ENCODE(Mouse)
CADENCE_NET_ENCODE(Focus)
CADENCE_NET_ENCODE(Resize)
CADENCE_NET_ENCODE(PaneDelta)
CADENCE_NET_ENCODE(FetchLines)
CADENCE_NET_ENCODE(LinesReply)
CADENCE_NET_ENCODE(Credit)
CADENCE_NET_ENCODE(Clipboard)
CADENCE_NET_ENCODE(Bell)
CADENCE_NET_ENCODE(Resume)
CADENCE_NET_ENCODE(Activate)
CADENCE_NET_ENCODE(RenameTab)
#undef CADENCE_NET_ENCODE
static_assert(std::variant_size_v<Pdu> == 28, "a new PDU needs its CADENCE_NET_ENCODE line");

Result<Pdu> decode_payload(uint16_t type, std::span<const uint8_t> payload) {
  const char* name = pdu_type_name(type);
  switch (static_cast<PduType>(type)) {
    case PduType::hello: return decode_as<Hello>(payload, name);
    case PduType::hello_reply: return decode_as<HelloReply>(payload, name);
    case PduType::error: return decode_as<ErrorPdu>(payload, name);
    case PduType::ping: return decode_as<Ping>(payload, name);
    case PduType::pong: return decode_as<Pong>(payload, name);
    case PduType::list_panes: return decode_as<ListPanes>(payload, name);
    case PduType::pane_list: return decode_as<PaneList>(payload, name);
    case PduType::spawn: return decode_as<Spawn>(payload, name);
    case PduType::split: return decode_as<Split>(payload, name);
    case PduType::spawned: return decode_as<Spawned>(payload, name);
    case PduType::close_pane: return decode_as<ClosePane>(payload, name);
    case PduType::move_pane: return decode_as<MovePane>(payload, name);
    case PduType::tab_event: return decode_as<TabEvent>(payload, name);
    case PduType::pane_event: return decode_as<PaneEvent>(payload, name);
    case PduType::write_to_pane: return decode_as<WriteToPane>(payload, name);
    case PduType::paste: return decode_as<Paste>(payload, name);
    case PduType::mouse: return decode_as<Mouse>(payload, name);
    case PduType::focus: return decode_as<Focus>(payload, name);
    case PduType::resize: return decode_as<Resize>(payload, name);
    case PduType::pane_delta: return decode_as<PaneDelta>(payload, name);
    case PduType::fetch_lines: return decode_as<FetchLines>(payload, name);
    case PduType::lines_reply: return decode_as<LinesReply>(payload, name);
    case PduType::credit: return decode_as<Credit>(payload, name);
    case PduType::clipboard: return decode_as<Clipboard>(payload, name);
    case PduType::bell: return decode_as<Bell>(payload, name);
    case PduType::resume: return decode_as<Resume>(payload, name);
    case PduType::activate: return decode_as<Activate>(payload, name);
    case PduType::rename_tab: return decode_as<RenameTab>(payload, name);
  }
  return make_error("unknown PDU type " + std::to_string(type));
}

Result<HelloReply> answer_hello(const Hello& hello, uint64_t features, std::string name) {
  if (hello.version != kProtocolVersion)
    return make_error("peer speaks protocol version " + std::to_string(hello.version) +
                      ", this side " + std::to_string(kProtocolVersion));
  return HelloReply{kProtocolVersion, hello.features & features, std::move(name)};
}

// Hot: the decoder runs this over every line it receives, so ASCII cells (most of any
// terminal's text) take a one-compare path and messages are built only on failure.
Result<size_t> line_text_cells(std::string_view text) {
  const auto* p = reinterpret_cast<const uint8_t*>(text.data());
  const size_t n = text.size();
  size_t cells = 0;
  size_t pos = 0;
  const char* problem = nullptr;
  // Reads one code point of a cell at pos; false (with `problem` set) when it is not
  // well-formed UTF-8 or is a control character.
  auto code_point = [&]() {
    char32_t cp;
    size_t len = pos < n ? decode_utf8(text, pos, cp) : 0;
    if (len == 0) {
      problem = "invalid UTF-8";
      return false;
    }
    if (cp < 0x20) {
      problem = "control character";
      return false;
    }
    pos += len;
    return true;
  };
  while (pos < n) {
    const uint8_t lead = p[pos];
    if (lead >= 0x20 && lead < 0x80 && (pos + 1 == n || p[pos + 1] != 0x02)) {
      ++pos;
      ++cells;
    } else if (lead == 0x00) {
      ++pos;
      ++cells;
    } else {
      size_t width = 1;
      if (lead == 0x01) {
        width = 2;
        ++pos;
      }
      if (!code_point()) break;
      size_t extra = 0;
      while (pos < n && p[pos] == 0x02) {
        if (++extra >= kMaxClusterCodepoints)
          return make_error("grapheme cluster longer than " +
                            std::to_string(kMaxClusterCodepoints) + " code points");
        ++pos;
        if (!code_point()) break;
      }
      if (problem) break;
      cells += width;
    }
    if (cells > kMaxCellsPerLine)
      return make_error("line longer than " + std::to_string(kMaxCellsPerLine) + " cells");
  }
  if (problem) return make_error(std::string(problem) + " at byte " + std::to_string(pos));
  return cells;
}

}  // namespace cadence::net
