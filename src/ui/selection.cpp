// Selection over screen and scrollback (see selection.hpp for the design).
//
// Screen rows and scrollback rows are stored differently (cells versus packed UTF-8), so
// the few rows a selection operation looks at are first read into one shape, RowCells:
// per column the cell's text (its whole grapheme cluster), its width, and whether it was
// ever written. Selection work is per click and per copy, not per frame, so the copy is
// cheap enough and keeps the word and line logic in one place.
#include "ui/selection.hpp"

#include <algorithm>
#include <unordered_map>
#include <vector>

#include "vt/terminal.hpp"

namespace cadence::ui {

namespace {

using RowCells = SelectionRow;

// Reads rows by stable number, caching the ones already read; every row is `cols` wide.
class RowReader {
 public:
  explicit RowReader(const SelectionSource& text) : text_(text) {}

  int64_t first() const { return text_.first_row(); }
  int64_t screen_top() const { return text_.screen_top(); }
  int64_t last() const { return screen_top() + text_.rows() - 1; }

  const RowCells& row(int64_t stable) {
    auto it = cache_.find(stable);
    if (it != cache_.end()) return it->second;
    RowCells& r = cache_[stable];
    if (stable >= first() && stable <= last()) text_.read(stable, r);
    while (r.size() < text_.cols()) {
      r.text.emplace_back();
      r.width.push_back(1);
    }
    return r;
  }

 private:
  const SelectionSource& text_;
  std::unordered_map<int64_t, RowCells> cache_;
};

char32_t first_codepoint(const std::string& s) {
  if (s.empty()) return 0;
  auto b = static_cast<unsigned char>(s[0]);
  if (b < 0x80) return b;
  int len = (b & 0xe0) == 0xc0 ? 2 : (b & 0xf0) == 0xe0 ? 3 : 4;
  char32_t cp = b & (0x7f >> len);
  for (int k = 1; k < len && k < static_cast<int>(s.size()); ++k)
    cp = (cp << 6) | (static_cast<unsigned char>(s[k]) & 0x3f);
  return cp;
}

// Spaces, punctuation and drawing characters outside ASCII: they end a word even though
// the default treats other non-ASCII characters (letters of any script, CJK) as word
// characters.
bool is_non_ascii_separator(char32_t cp) {
  return (cp >= 0xa0 && cp <= 0xbf && cp != 0xaa && cp != 0xb5 && cp != 0xba) || cp == 0xd7 ||
         cp == 0xf7 || (cp >= 0x2000 && cp <= 0x206f) || (cp >= 0x2500 && cp <= 0x25ff) ||
         (cp >= 0x3000 && cp <= 0x303f) || (cp >= 0xfe30 && cp <= 0xfe4f) ||
         (cp >= 0xff01 && cp <= 0xff0f) || (cp >= 0xff1a && cp <= 0xff20) ||
         (cp >= 0xff3b && cp <= 0xff40) || (cp >= 0xff5b && cp <= 0xff65);
}

enum class CharClass : uint8_t { blank, word, other };

struct Pos {
  int64_t row;
  int col;
};

// The word and line expansions walk the rows through these.
class SelectionWalker {
 public:
  SelectionWalker(const Selection& s, const SelectionSource& t)
      : sel_(s), rows_(t), cols_(t.cols()) {}

  RowReader& rows() { return rows_; }

  // Clamps a point to rows the terminal holds and columns on the screen.
  Pos clamp(SelectionPoint p) {
    if (p.row.get() < rows_.first()) return {rows_.first(), 0};
    if (p.row.get() > rows_.last()) return {rows_.last(), cols_ - 1};
    return {p.row.get(), std::clamp(p.col.get(), 0, cols_ - 1)};
  }

  // The cell's leading column (a wide character's right half belongs to its left).
  Pos lead(Pos p) {
    const RowCells& r = rows_.row(p.row);
    if (p.col > 0 && p.col < r.size() && r.width[static_cast<size_t>(p.col)] == 0) --p.col;
    return p;
  }
  // The last column of the character at p.
  Pos tail(Pos p) {
    const RowCells& r = rows_.row(p.row);
    if (p.col < r.size() - 1 && r.width[static_cast<size_t>(p.col)] == 2) ++p.col;
    return p;
  }

  CharClass char_class(Pos p) {
    const RowCells& r = rows_.row(p.row);
    if (p.col >= r.size()) return CharClass::blank;
    char32_t cp = first_codepoint(r.text[static_cast<size_t>(p.col)]);
    if (cp == 0 || cp == ' ') return CharClass::blank;
    if (sel_.is_word_char(cp)) return CharClass::word;
    return CharClass::other;
  }

  // The previous character, continuing onto the row above when that one soft-wrapped.
  bool prev(Pos& p) {
    if (p.col > 0) {
      p = lead({p.row, p.col - 1});
      return true;
    }
    if (p.row - 1 < rows_.first() || !rows_.row(p.row - 1).wrapped) return false;
    p = lead({p.row - 1, rows_.row(p.row - 1).size() - 1});
    return true;
  }
  bool next(Pos& p) {
    const RowCells& r = rows_.row(p.row);
    int c = tail(p).col + 1;
    if (c < r.size()) {
      p.col = c;
      return true;
    }
    if (!r.wrapped || p.row + 1 > rows_.last()) return false;
    p = {p.row + 1, 0};
    return true;
  }

  Pos word_start(Pos p) {
    p = lead(p);
    CharClass cls = char_class(p);
    if (cls == CharClass::other) return p;
    for (Pos q = p; prev(q) && char_class(q) == cls;) p = q;
    return p;
  }
  Pos word_end(Pos p) {
    p = lead(p);
    CharClass cls = char_class(p);
    if (cls != CharClass::other)
      for (Pos q = p; next(q) && char_class(q) == cls;) p = q;
    return tail(p);
  }

  Pos line_start(Pos p) {
    while (p.row - 1 >= rows_.first() && rows_.row(p.row - 1).wrapped) --p.row;
    return {p.row, 0};
  }
  Pos line_end(Pos p) {
    while (p.row + 1 <= rows_.last() && rows_.row(p.row).wrapped) ++p.row;
    return {p.row, cols_ - 1};
  }

 private:
  const Selection& sel_;
  RowReader rows_;
  int cols_;
};

SelectionPoint to_point(Pos p) { return {StableRow(p.row), Column(p.col)}; }
Pos to_pos(SelectionPoint p) { return {p.row.get(), p.col.get()}; }
}  // namespace

int TerminalText::cols() const { return t_.cols(); }
int TerminalText::rows() const { return t_.rows(); }
int64_t TerminalText::first_row() const {
  return static_cast<int64_t>(t_.history_total()) - static_cast<int64_t>(t_.scrollback_size());
}
int64_t TerminalText::screen_top() const { return static_cast<int64_t>(t_.history_total()); }

void TerminalText::read(int64_t stable, SelectionRow& r) const {
  const int64_t top = screen_top();
  if (stable >= top && stable < top + t_.rows()) {
    const vt::Line& line = t_.line(Row(static_cast<int32_t>(stable - top)));
    r.wrapped = line.wrapped;
    for (const vt::Cell& cell : line.cells) {
      r.width.push_back(cell.is_wide_tail() ? 0 : cell.width == 2 ? 2 : 1);
      r.text.push_back(cell.cp == 0 ? std::string() : t_.cell_text(cell));
    }
  } else if (stable >= first_row() && stable < top) {
    const vt::PackedLine& line = t_.scrollback_line(static_cast<size_t>(stable - first_row()));
    r.wrapped = line.wrapped();
    line.for_each_cell([&](std::string_view text, uint8_t width, const vt::Style&) {
      r.text.emplace_back(width == 0 ? std::string_view() : text);
      r.width.push_back(width == 2 ? 2 : 1);
      if (width == 2) {
        r.text.emplace_back();
        r.width.push_back(0);
      }
    });
  }
}

uint64_t TerminalText::version() const { return t_.version(); }
uint64_t TerminalText::row_version(int64_t stable) const {
  const int64_t row = stable - screen_top();
  if (row < 0 || row >= t_.rows()) return 0;
  return t_.line(Row(static_cast<int32_t>(row))).version;
}
uint64_t TerminalText::epoch() const { return t_.history_epoch(); }
bool TerminalText::alt_screen() const { return t_.is_alt_screen(); }

bool Selection::is_word_char(char32_t cp) const {
  if ((cp >= 'a' && cp <= 'z') || (cp >= 'A' && cp <= 'Z') || (cp >= '0' && cp <= '9')) return true;
  if (word_chars_.find(cp) != std::u32string::npos) return true;
  return cp >= 0x80 && !is_non_ascii_separator(cp);
}

SelectionPoint Selection::point_at(const vt::Terminal& terminal, Row row, Column col,
                                   int64_t scrolled_back) {
  return {StableRow(static_cast<int64_t>(terminal.history_total()) + row.get() - scrolled_back),
          col};
}

void Selection::begin(const SelectionSource& terminal, SelectionPoint point, Mode mode,
                      bool rectangular) {
  SelectionWalker w(*this, terminal);
  Pos p = w.clamp(point);
  mode_ = mode;
  rectangular_ = rectangular;
  active_ = true;
  head_ = to_point(p);
  switch (rectangular ? Mode::cell : mode) {
    case Mode::cell: anchor_lo_ = anchor_hi_ = to_point(p); break;
    case Mode::word:
      anchor_lo_ = to_point(w.word_start(p));
      anchor_hi_ = to_point(w.word_end(p));
      break;
    case Mode::line:
      anchor_lo_ = to_point(w.line_start(p));
      anchor_hi_ = to_point(w.line_end(p));
      break;
  }
  update(terminal);
}

void Selection::extend(const SelectionSource& terminal, SelectionPoint point) {
  if (!active_) return;
  SelectionWalker w(*this, terminal);
  head_ = to_point(w.clamp(point));
  update(terminal);
}

void Selection::update(const SelectionSource& terminal) {
  SelectionWalker w(*this, terminal);
  // The anchor may have dropped out of the scrollback since the selection began.
  anchor_lo_ = to_point(w.clamp(anchor_lo_));
  anchor_hi_ = to_point(w.clamp(anchor_hi_));
  head_ = to_point(w.clamp(head_));
  if (rectangular_) {
    start_ = {std::min(anchor_lo_.row, head_.row), std::min(anchor_lo_.col, head_.col)};
    end_ = {std::max(anchor_lo_.row, head_.row), std::max(anchor_lo_.col, head_.col)};
  } else if (mode_ == Mode::cell) {
    SelectionPoint lo = std::min(anchor_lo_, head_), hi = std::max(anchor_lo_, head_);
    start_ = to_point(w.lead(to_pos(lo)));
    end_ = to_point(w.tail(to_pos(hi)));
  } else {
    const bool word = mode_ == Mode::word;
    if (head_ < anchor_lo_) {
      start_ = to_point(word ? w.word_start(to_pos(head_)) : w.line_start(to_pos(head_)));
      end_ = anchor_hi_;
    } else {
      start_ = anchor_lo_;
      SelectionPoint far = to_point(word ? w.word_end(to_pos(head_)) : w.line_end(to_pos(head_)));
      end_ = std::max(anchor_hi_, far);
    }
  }
  seen_version_ = terminal.version();
  seen_epoch_ = terminal.epoch();
  seen_cols_ = terminal.cols();
  seen_alt_ = terminal.alt_screen();
}

SelectionPoint Selection::start() const { return start_; }
SelectionPoint Selection::end() const { return end_; }

bool Selection::contains(StableRow row, Column col) const {
  if (!active_) return false;
  if (rectangular_)
    return row >= start_.row && row <= end_.row && col >= start_.col && col <= end_.col;
  SelectionPoint p{row, col};
  return p >= start_ && p <= end_;
}

std::string Selection::text(const SelectionSource& terminal) const {
  if (!active_) return {};
  RowReader rows(terminal);
  SelectionPoint s = start_, e = end_;
  if (e.row.get() < rows.first()) return {};
  if (s.row.get() < rows.first()) s = {StableRow(rows.first()), rectangular_ ? s.col : Column(0)};
  if (e.row.get() > rows.last()) e = {StableRow(rows.last()), Column(terminal.cols() - 1)};

  std::string out;
  for (int64_t r = s.row.get(); r <= e.row.get(); ++r) {
    const RowCells& row = rows.row(r);
    const bool first = r == s.row.get(), last = r == e.row.get();
    int c0 = rectangular_ || first ? s.col.get() : 0;
    int c1 = rectangular_ || last ? e.col.get() : row.size() - 1;
    c1 = std::min(c1, row.size() - 1);
    // A soft-wrapped row continues on the next one: its trailing spaces are text (the
    // space between two words that fell at the wrap), but never-written cells (the gap a
    // wide character left when it did not fit) are not.
    const bool continues = !rectangular_ && !last && row.wrapped;
    std::string line;
    size_t keep = 0;  // bytes of `line` up to the last character that survives trimming
    for (int c = c0; c <= c1; ++c) {
      const size_t i = static_cast<size_t>(c);
      if (row.width[i] == 0) continue;
      const std::string& t = row.text[i];
      if (t.empty()) {
        line.push_back(' ');
        continue;
      }
      line += t;
      if (continues || t != " ") keep = line.size();
    }
    line.resize(keep);
    out += line;
    if (!last && (rectangular_ || !row.wrapped)) out.push_back('\n');
  }
  return out;
}

bool Selection::invalidated_by(const SelectionSource& terminal) const {
  if (!active_) return false;
  if (terminal.epoch() != seen_epoch_ || terminal.cols() != seen_cols_ ||
      terminal.alt_screen() != seen_alt_)
    return true;
  const int64_t top = terminal.screen_top();
  if (end_.row.get() < terminal.first_row()) return true;
  const int64_t from = std::max(start_.row.get(), top);
  const int64_t to = std::min(end_.row.get(), top + terminal.rows() - 1);
  for (int64_t r = from; r <= to; ++r)
    if (terminal.row_version(r) > seen_version_) return true;
  return false;
}

}  // namespace cadence::ui
