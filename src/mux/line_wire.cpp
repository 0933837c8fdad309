// Terminal rows to LineCells and back (see line_wire.hpp).
#include "mux/line_wire.hpp"

#include <algorithm>

#include "vt/utf8.hpp"

namespace cadence::mux {
namespace {

constexpr char kBlank = 0x00;
constexpr char kWide = 0x01;
constexpr char kJoin = 0x02;

// What may go on the wire as a cell's code point: the decoder refuses control
// characters and malformed UTF-8 (surrogates, past U+10FFFF) and closes the connection,
// so anything of the kind that reached a cell is sent as U+FFFD instead.
char32_t sendable(char32_t cp) {
  if (cp < 0x20 || (cp >= 0xd800 && cp <= 0xdfff) || cp > 0x10ffff) return U'\uFFFD';
  return cp;
}

// Decodes one code point of validated UTF-8 at text[pos]; advances pos.
char32_t next_cp(std::string_view text, size_t& pos) {
  const auto b = static_cast<uint8_t>(text[pos++]);
  if (b < 0x80) return b;
  const int extra = b < 0xe0 ? 1 : b < 0xf0 ? 2 : 3;
  char32_t cp = b & (0x3f >> extra);
  for (int k = 0; k < extra && pos < text.size(); ++k)
    cp = (cp << 6) | (static_cast<uint8_t>(text[pos++]) & 0x3f);
  return cp;
}

}  // namespace

net::WireStyle to_wire(const vt::Style& s) {
  net::WireStyle w;
  w.fg = s.fg.bits();
  w.bg = s.bg.bits();
  w.underline_color = s.underline_color.bits();
  w.flags = s.flags;
  w.underline = static_cast<uint8_t>(s.underline);
  w.link = s.link;
  return w;
}

vt::Style from_wire(const net::WireStyle& w) {
  vt::Style s;
  s.fg = vt::Color::from_bits(w.fg);
  s.bg = vt::Color::from_bits(w.bg);
  s.underline_color = vt::Color::from_bits(w.underline_color);
  s.flags = w.flags;
  // An underline style this side does not know is drawn as a plain one.
  s.underline = w.underline <= static_cast<uint8_t>(vt::UnderlineStyle::dashed)
                    ? static_cast<vt::UnderlineStyle>(w.underline)
                    : vt::UnderlineStyle::single;
  s.link = w.link;
  return s;
}

uint32_t LineEncoder::index_of(vt::Style style) {
  if (!hyperlinks_) {
    style.link = 0;
  } else if (style.link != 0 && link_ids_.insert(style.link).second) {
    const vt::Hyperlink* link = terminal_.hyperlink(style.link);
    if (link && link->uri.size() <= net::kMaxUriBytes && links_.size() < net::kMaxLinksPerPdu) {
      links_.push_back(net::Link{style.link, link->uri});
    } else {
      style.link = 0;
    }
  }
  auto [it, added] = index_.emplace(style, static_cast<uint32_t>(styles_.size()));
  if (added) styles_.push_back(to_wire(style));
  return it->second;
}

void LineEncoder::add_run(net::LineCells& out, uint32_t style, uint32_t& run_style,
                          uint32_t& run_cells) {
  if (run_cells > 0 && style == run_style) {
    ++run_cells;
    return;
  }
  if (run_cells > 0) out.runs.push_back({run_cells, run_style});
  run_style = style;
  run_cells = 1;
}

void LineEncoder::add(const vt::Line& line, StableRow row) {
  net::LineCells& out = lines_.emplace_back();
  out.row = row;
  out.version = line.version;
  out.wrapped = line.wrapped;
  const int used = line.used();
  out.text.reserve(static_cast<size_t>(used));
  uint32_t run_style = 0, run_cells = 0;
  bool after_wide = false;
  for (int c = 0; c < used; ++c) {
    const vt::Cell& cell = line.cells[static_cast<size_t>(c)];
    auto found = by_id_.find(cell.style);
    const uint32_t style =
        found != by_id_.end()
            ? found->second
            : by_id_.emplace(cell.style, index_of(terminal_.style(cell.style))).first->second;
    add_run(out, style, run_style, run_cells);
    if (cell.is_wide_tail()) {
      // Implied by the wide cell before it; a stray one (no wide cell before) is a blank.
      if (!after_wide) out.text.push_back(kBlank);
      after_wide = false;
      continue;
    }
    after_wide = cell.width == 2;
    if (after_wide) out.text.push_back(kWide);
    if (cell.cp == 0) {
      if (!after_wide) {
        out.text.push_back(kBlank);
        continue;
      }
      vt::append_utf8(out.text, U' ');  // a wide blank cannot be said; a space holds its place
      continue;
    }
    if (cell.is_cluster()) {
      const std::u32string& cps = terminal_.cluster(cell.cp);
      if (cps.empty()) {
        vt::append_utf8(out.text, U'\uFFFD');
        continue;
      }
      const size_t n = std::min(cps.size(), net::kMaxClusterCodepoints);
      for (size_t k = 0; k < n; ++k) {
        if (k > 0) out.text.push_back(kJoin);
        vt::append_utf8(out.text, sendable(cps[k]));
      }
      continue;
    }
    vt::append_utf8(out.text, sendable(cell.cp));
  }
  // Cells past the last run have the default style: a trailing default run is implied.
  if (run_cells > 0 && !(styles_[run_style] == net::WireStyle{})) {
    out.runs.push_back({run_cells, run_style});
  }
  text_bytes_ += out.text.size() + out.runs.size() * 2;
}

void LineEncoder::add(const vt::PackedLine& line, StableRow row) {
  net::LineCells& out = lines_.emplace_back();
  out.row = row;
  out.version = line.version();
  out.wrapped = line.wrapped();
  uint32_t run_style = 0, run_cells = 0;
  line.for_each_cell([&](std::string_view text, uint8_t width, const vt::Style& s) {
    const uint32_t style = index_of(s);
    // The packed layout is the wire's: a cell's code points joined by 0x02 markers.
    if (width == 0) {
      out.text.push_back(kBlank);
    } else {
      if (width == 2) out.text.push_back(kWide);
      out.text.append(text);
    }
    add_run(out, style, run_style, run_cells);
    if (width == 2) add_run(out, style, run_style, run_cells);
  });
  if (run_cells > 0 && !(styles_[run_style] == net::WireStyle{})) {
    out.runs.push_back({run_cells, run_style});
  }
  text_bytes_ += out.text.size() + out.runs.size() * 2;
}

void LineEncoder::take(std::vector<net::WireStyle>& styles, std::vector<net::Link>& links,
                       std::vector<net::LineCells>& lines) {
  styles = std::move(styles_);
  links = std::move(links_);
  lines = std::move(lines_);
  styles_.clear();
  links_.clear();
  lines_.clear();
  index_.clear();
  by_id_.clear();
  link_ids_.clear();
  text_bytes_ = 0;
}

void decode_line(const net::LineCells& in, std::span<const uint32_t> style_map, int cols,
                 RemoteScreen::Line& out) {
  out.stable_row = in.row.get();
  out.wrapped = in.wrapped;
  out.cells.assign(static_cast<size_t>(std::max(cols, 0)), RemoteScreen::Cell{});
  out.clusters.clear();
  const std::string_view text = in.text;
  size_t pos = 0;
  int col = 0;
  std::u32string cps;
  while (pos < text.size() && col < cols) {
    RemoteScreen::Cell& cell = out.cells[static_cast<size_t>(col)];
    if (text[pos] == kBlank) {
      ++pos;
      ++col;
      continue;
    }
    uint8_t width = 1;
    if (text[pos] == kWide) {
      width = 2;
      ++pos;
    }
    cps.clear();
    cps.push_back(next_cp(text, pos));
    while (pos < text.size() && text[pos] == kJoin) {
      ++pos;
      if (pos < text.size()) cps.push_back(next_cp(text, pos));
    }
    cell.cp = cps[0];
    cell.width = width;
    if (cps.size() > 1) {
      out.clusters.push_back(cps);
      cell.cluster = static_cast<uint32_t>(out.clusters.size());
    }
    if (width == 2 && col + 1 < cols) out.cells[static_cast<size_t>(col + 1)].width = 0;
    col += width;
  }
  col = 0;
  for (const net::StyleRun& run : in.runs) {
    const uint32_t style = run.style < style_map.size() ? style_map[run.style] : 0;
    const int end = std::min<int>(cols, col + static_cast<int>(run.cells));
    for (; col < end; ++col) out.cells[static_cast<size_t>(col)].style = style;
    if (col >= cols) break;
  }
}

}  // namespace cadence::mux
