// See pane_text.hpp.
#include "ui/pane_text.hpp"

#include <algorithm>
#include <string_view>

#include "vt/terminal.hpp"

namespace cadence::ui {
namespace {

void add_color(std::string& out, const vt::Color& c, int base, int extended) {
  switch (c.kind()) {
    case vt::Color::Kind::none: return;
    case vt::Color::Kind::indexed:
      if (base >= 0 && c.index() < 8) {
        out += ";" + std::to_string(base + c.index());
      } else if (base >= 0 && c.index() < 16) {
        out += ";" + std::to_string(base + 60 + c.index() - 8);
      } else {
        out += ";" + std::to_string(extended) + ":5:" + std::to_string(c.index());
      }
      return;
    case vt::Color::Kind::rgb:
      out += ";" + std::to_string(extended) + ":2::" + std::to_string(c.r()) + ":" +
             std::to_string(c.g()) + ":" + std::to_string(c.b());
      return;
  }
}

// Collects one row's cells and writes them with the trailing blanks dropped.
class RowWriter {
 public:
  explicit RowWriter(bool escapes) : escapes_(escapes) {}
  void blank() { ++pending_; }
  void cell(std::string_view text, const vt::Style& style) {
    if (escapes_ && !(style == current_)) {
      // Blanks before a style change are written in the old style.
      flush_blanks();
      out_ += sgr_for(style);
      current_ = style;
    }
    flush_blanks();
    for (char c : text) {
      if (c != 0x02) out_ += c;  // 0x02 joins a packed cluster's code points
    }
  }
  std::string take() {
    if (escapes_ && !(current_ == vt::Style{})) out_ += "\x1b[0m";
    return std::move(out_);
  }

 private:
  void flush_blanks() {
    out_.append(pending_, ' ');
    pending_ = 0;
  }
  bool escapes_;
  std::string out_;
  size_t pending_ = 0;
  vt::Style current_;
};

}  // namespace

std::string sgr_for(const vt::Style& s) {
  std::string out = "\x1b[0";
  using namespace vt::attr;
  const std::pair<uint16_t, const char*> flags[] = {
      {bold, ";1"},      {faint, ";2"},         {italic, ";3"},
      {blink, ";5"},     {rapid_blink, ";6"},   {inverse, ";7"},
      {invisible, ";8"}, {strikethrough, ";9"}, {overline, ";53"}};
  for (const auto& [flag, code] : flags) {
    if (s.has(flag)) out += code;
  }
  switch (s.underline) {
    case vt::UnderlineStyle::none: break;
    case vt::UnderlineStyle::single: out += ";4"; break;
    case vt::UnderlineStyle::double_: out += ";4:2"; break;
    case vt::UnderlineStyle::curly: out += ";4:3"; break;
    case vt::UnderlineStyle::dotted: out += ";4:4"; break;
    case vt::UnderlineStyle::dashed: out += ";4:5"; break;
  }
  add_color(out, s.fg, 30, 38);
  add_color(out, s.bg, 40, 48);
  add_color(out, s.underline_color, -1, 58);
  return out + "m";
}

LineRange clamp_lines(const vt::Terminal& terminal, LineRange range) {
  const int64_t oldest = -static_cast<int64_t>(terminal.scrollback_size());
  const int64_t newest = terminal.rows() - 1;
  range.first = std::max(range.first, oldest);
  range.last = std::min(range.last, newest);
  return range;
}

std::string pane_text(const vt::Terminal& terminal, LineRange range, bool escapes) {
  range = clamp_lines(terminal, range);
  std::string out;
  const int64_t history = static_cast<int64_t>(terminal.scrollback_size());
  for (int64_t line = range.first; line <= range.last; ++line) {
    RowWriter row(escapes);
    bool wrapped = false;
    if (line < 0) {
      const vt::PackedLine& packed = terminal.scrollback_line(static_cast<size_t>(history + line));
      wrapped = packed.wrapped();
      packed.for_each_cell([&](std::string_view text, int width, const vt::Style& style) {
        if (width == 0) {
          row.blank();
        } else {
          row.cell(text, style);
        }
      });
    } else {
      const vt::Line& l = terminal.line(Row(static_cast<int>(line)));
      wrapped = l.wrapped;
      for (const vt::Cell& cell : l.cells) {
        if (cell.is_wide_tail()) continue;
        const vt::Style& style = terminal.style(cell.style);
        // A blank that only carries the default style is nothing; one with a background
        // is part of what the program drew.
        if (cell.cp == 0 && (!escapes || style == vt::Style{})) {
          row.blank();
        } else {
          row.cell(
              cell.cp == 0 ? std::string_view(" ") : std::string_view(terminal.cell_text(cell)),
              style);
        }
      }
    }
    out += row.take();
    if (!(wrapped && line < range.last)) out += '\n';
  }
  return out;
}

}  // namespace cadence::ui
