#include "vt/packed_line.hpp"

#include <cstring>
#include <vector>

#include "base/check.hpp"
#include "vt/utf8.hpp"

namespace cadence::vt {
namespace {

constexpr uint8_t kBlank = 0x00;
constexpr uint8_t kWide = 0x01;
constexpr uint8_t kJoin = 0x02;

enum : uint8_t {
  kHasFg = 1,
  kHasBg = 2,
  kHasUlColor = 4,
  kHasFlags = 8,
  kHasUnderline = 16,
  kHasLink = 32,
};

// Decodes one code point of well-formed UTF-8 (we wrote it ourselves).
char32_t get_utf8(const uint8_t* d, uint32_t& pos) {
  uint8_t b = d[pos++];
  if (b < 0x80) return b;
  int extra = b < 0xe0 ? 1 : b < 0xf0 ? 2 : 3;
  char32_t cp = b & (0x3f >> extra);
  while (extra--) cp = (cp << 6) | (d[pos++] & 0x3f);
  return cp;
}

void put_varint(std::vector<uint8_t>& out, uint32_t v) {
  while (v >= 0x80) {
    out.push_back(static_cast<uint8_t>(v | 0x80));
    v >>= 7;
  }
  out.push_back(static_cast<uint8_t>(v));
}

uint32_t get_varint(const uint8_t* d, uint32_t& pos) {
  uint32_t v = 0;
  for (int shift = 0;; shift += 7) {
    uint8_t b = d[pos++];
    v |= uint32_t{b & 0x7fu} << shift;
    if (!(b & 0x80)) return v;
  }
}

void put_u32(std::vector<uint8_t>& out, uint32_t v) {
  for (int i = 0; i < 4; ++i) out.push_back(static_cast<uint8_t>(v >> (8 * i)));
}
uint32_t get_u32(const uint8_t* d, uint32_t& pos) {
  uint32_t v;
  std::memcpy(&v, d + pos, 4);
  pos += 4;
  return v;
}

void put_style(std::vector<uint8_t>& out, const Style& s) {
  uint8_t mask = (s.fg.is_default() ? 0 : kHasFg) | (s.bg.is_default() ? 0 : kHasBg) |
                 (s.underline_color.is_default() ? 0 : kHasUlColor) | (s.flags ? kHasFlags : 0) |
                 (s.underline != UnderlineStyle::none ? kHasUnderline : 0) |
                 (s.link ? kHasLink : 0);
  out.push_back(mask);
  if (mask & kHasFg) put_u32(out, s.fg.bits());
  if (mask & kHasBg) put_u32(out, s.bg.bits());
  if (mask & kHasUlColor) put_u32(out, s.underline_color.bits());
  if (mask & kHasFlags) {
    out.push_back(static_cast<uint8_t>(s.flags));
    out.push_back(static_cast<uint8_t>(s.flags >> 8));
  }
  if (mask & kHasUnderline) out.push_back(static_cast<uint8_t>(s.underline));
  if (mask & kHasLink) put_varint(out, s.link);
}

}  // namespace

namespace packed {

uint32_t next_cell(const uint8_t* d, uint32_t pos, uint32_t end, CellRef& cell) {
  uint8_t b = d[pos];
  if (b == kBlank) {
    cell = {reinterpret_cast<const char*>(d + pos), 0, 0};
    return pos + 1;
  }
  cell.width = 1;
  if (b == kWide) {
    cell.width = 2;
    ++pos;
  }
  uint32_t start = pos;
  get_utf8(d, pos);
  while (pos < end && d[pos] == kJoin) {
    ++pos;
    get_utf8(d, pos);
  }
  cell.text = reinterpret_cast<const char*>(d + start);
  cell.length = pos - start;
  return pos;
}

uint32_t next_run(const uint8_t* d, uint32_t pos, uint32_t& cells, Style& s) {
  cells = get_varint(d, pos);
  uint8_t mask = d[pos++];
  s = Style{};
  if (mask & kHasFg) s.fg = Color::from_bits(get_u32(d, pos));
  if (mask & kHasBg) s.bg = Color::from_bits(get_u32(d, pos));
  if (mask & kHasUlColor) s.underline_color = Color::from_bits(get_u32(d, pos));
  if (mask & kHasFlags) {
    s.flags = static_cast<uint16_t>(d[pos] | (d[pos + 1] << 8));
    pos += 2;
  }
  if (mask & kHasUnderline) s.underline = static_cast<UnderlineStyle>(d[pos++]);
  if (mask & kHasLink) s.link = get_varint(d, pos);
  return pos;
}

}  // namespace packed

PackedLine PackedLine::pack(const Cell* cells, int count, uint64_t version, bool wrapped,
                            const StyleTable& styles, const ClusterTable& clusters) {
  // One scratch buffer per thread: packing runs once per scrolled line, and must not
  // allocate more than the result. Text is written through a raw pointer with room for
  // the worst case of a plain cell (a wide marker and four bytes); clusters, rare, make
  // room for themselves.
  thread_local std::vector<uint8_t> text;
  thread_local std::vector<uint8_t> runs;
  runs.clear();

  const int used = Line::used_cells(cells, count);
  if (text.size() < static_cast<size_t>(used) * 5 + 16)
    text.resize(static_cast<size_t>(used) * 5 + 16);
  size_t t = 0;
  StyleId run_style = used ? cells[0].style : 0;
  uint32_t run_length = 0;
  for (int c = 0; c < used; ++c) {
    const Cell& cell = cells[c];
    if (cell.style != run_style) {
      put_varint(runs, run_length);
      put_style(runs, styles.get(run_style));
      run_style = cell.style;
      run_length = 0;
    }
    // Printable ASCII in the current style, the common case, in a tight loop.
    int start = c;
    // A cell is plain when its upper half is {run_style, width 1, 0} and its code point
    // printable ASCII: one compare and one range check per cell.
    const uint64_t upper = (uint64_t{run_style} | (uint64_t{1} << 16)) << 32;
    const uint64_t* words = reinterpret_cast<const uint64_t*>(cells);
    while (c < used && (words[c] & 0xffffffff00000000ull) == upper &&
           static_cast<uint32_t>(words[c]) - 0x20 < 0x5f) {
      text[t++] = static_cast<uint8_t>(words[c]);
      ++c;
    }
    if (c != start) {
      run_length += static_cast<uint32_t>(c - start);
      --c;
      continue;
    }
    ++run_length;
    char32_t cp = cell.cp;
    if (cell.is_wide_tail()) continue;
    if (cp == 0) {
      text[t++] = kBlank;
      continue;
    }
    if (cell.width == 2) text[t++] = kWide;
    if (cell.is_cluster() && clusters.contains(cp)) {
      const std::u32string& cluster = clusters.get(cp);
      size_t need = t + cluster.size() * 5 + static_cast<size_t>(used - c) * 5 + 16;
      if (text.size() < need) text.resize(need);
      for (size_t i = 0; i < cluster.size(); ++i) {
        if (i) text[t++] = kJoin;
        t += encode_utf8(text.data() + t, cluster[i]);
      }
    } else {
      t += encode_utf8(text.data() + t, cell.is_cluster() ? U'\uFFFD' : cp);
    }
  }
  if (run_length) {
    put_varint(runs, run_length);
    put_style(runs, styles.get(run_style));
  }

  PackedLine out;
  out.size_ = static_cast<uint32_t>(t + runs.size());
  out.text_size_ = static_cast<uint32_t>(t);
  out.used_ = static_cast<uint16_t>(used);
  out.version_ = version;
  out.flags_ = wrapped ? kWrapped : 0;
  if (out.size_) {
    out.data_.reset(new uint8_t[out.size_]);
    if (t) std::memcpy(out.data_.get(), text.data(), t);
    if (!runs.empty()) std::memcpy(out.data_.get() + t, runs.data(), runs.size());
  }
  return out;
}

bool PackedLine::unpack(Line& out, int cols, StyleTable& styles, ClusterTable& clusters) const {
  int width = cols > used_ ? cols : used_;
  out.cells.assign(static_cast<size_t>(width), Cell{});
  out.extent = width;
  out.version = version_;
  out.wrapped = wrapped();
  out.size = LineSize::normal;
  bool complete = true;

  const uint8_t* d = data_.get();
  uint32_t tpos = 0;
  uint32_t rpos = text_size_;
  uint32_t run_left = 0;
  Style style;
  StyleId style_id = 0;
  std::u32string cluster;
  int col = 0;
  auto next_style = [&] {
    while (run_left == 0 && rpos < size_) {
      rpos = packed::next_run(d, rpos, run_left, style);
      if (!styles.intern(style, style_id)) {
        style_id = 0;
        complete = false;
      }
    }
    if (run_left) --run_left;
    return style_id;
  };
  while (col < used_ && tpos < text_size_) {
    packed::CellRef ref;
    tpos = packed::next_cell(d, tpos, text_size_, ref);
    Cell& cell = out.cells[col];
    cell.style = next_style();
    cell.width = ref.width == 2 ? 2 : 1;
    if (ref.width) {
      uint32_t p = 0;
      const uint8_t* t = reinterpret_cast<const uint8_t*>(ref.text);
      char32_t first = get_utf8(t, p);
      if (p == ref.length) {
        cell.cp = first;
      } else {
        cluster.assign(1, first);
        while (p < ref.length) {
          ++p;  // the join marker
          cluster.push_back(get_utf8(t, p));
        }
        cell.cp = clusters.intern(cluster);
        if (!cell.cp) {
          cell.cp = first;
          complete = false;
        }
      }
    }
    ++col;
    if (ref.width == 2 && col < width) {
      out.cells[col] = Cell{0, next_style(), 0, 0};
      ++col;
    }
  }
  return complete;
}

std::string PackedLine::text() const {
  std::string out;
  for_each_cell([&](std::string_view cell, int w, const Style&) {
    if (w == 0) {
      out.push_back(' ');
      return;
    }
    for (size_t i = 0; i < cell.size(); ++i)
      if (cell[i] != kJoin) out.push_back(cell[i]);
  });
  while (!out.empty() && out.back() == ' ') out.pop_back();
  return out;
}

}  // namespace cadence::vt
