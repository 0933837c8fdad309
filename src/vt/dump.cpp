#include "vt/dump.hpp"

#include <cstdio>

namespace cadence::vt {
namespace {

void json_string(std::string& out, std::string_view s) {
  out.push_back('"');
  for (unsigned char c : s) {
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      default:
        if (c < 0x20) {
          char buf[8];
          std::snprintf(buf, sizeof buf, "\\u%04x", c);
          out += buf;
        } else {
          out.push_back(static_cast<char>(c));
        }
    }
  }
  out.push_back('"');
}

void json_color(std::string& out, Color c) {
  char buf[16];
  switch (c.kind()) {
    case Color::Kind::none: out += "null"; break;
    case Color::Kind::indexed: out += std::to_string(c.index()); break;
    case Color::Kind::rgb:
      std::snprintf(buf, sizeof buf, "\"#%02x%02x%02x\"", c.r(), c.g(), c.b());
      out += buf;
      break;
  }
}

void json_attrs(std::string& out, const Style& s) {
  static const std::pair<uint16_t, const char*> kFlags[] = {
      {attr::bold, "bold"},
      {attr::faint, "faint"},
      {attr::italic, "italic"},
      {attr::blink, "blink"},
      {attr::rapid_blink, "rapid_blink"},
      {attr::inverse, "inverse"},
      {attr::invisible, "invisible"},
      {attr::strikethrough, "strikethrough"},
      {attr::overline, "overline"},
      {attr::protect, "protected"},
  };
  static const char* kUnderline[] = {"none", "single", "double", "curly", "dotted", "dashed"};
  out += "[";
  bool first = true;
  auto add = [&](const char* name) {
    if (!first) out += ",";
    first = false;
    json_string(out, name);
  };
  for (auto [flag, name] : kFlags)
    if (s.has(flag)) add(name);
  out += "]";
  if (s.underline != UnderlineStyle::none) {
    out += ",\"underline\":";
    json_string(out, kUnderline[static_cast<int>(s.underline)]);
  }
}

void json_cell(std::string& out, std::string_view text, int width, const Style& s,
               const Terminal& t) {
  out += "{\"text\":";
  json_string(out, text);
  out += ",\"width\":" + std::to_string(width);
  if (!s.fg.is_default()) {
    out += ",\"fg\":";
    json_color(out, s.fg);
  }
  if (!s.bg.is_default()) {
    out += ",\"bg\":";
    json_color(out, s.bg);
  }
  if (!s.underline_color.is_default()) {
    out += ",\"underline_color\":";
    json_color(out, s.underline_color);
  }
  out += ",\"attrs\":";
  json_attrs(out, s);
  if (const Hyperlink* link = t.hyperlink(s.link)) {
    out += ",\"hyperlink\":";
    json_string(out, link->uri);
  }
  out += "}";
}

// Builds a row's text the way xterm prints it: cells never written (or erased) become
// spaces only when text follows them, so they vanish at the end of the row, while spaces
// a program printed are text and stay.
class RowText {
 public:
  void blank() { ++pending_; }
  void text(std::string_view s) {
    out_.append(pending_, ' ');
    pending_ = 0;
    for (char c : s)
      if (c != 0x02) out_.push_back(c);  // 0x02 joins a packed cluster's code points
  }
  std::string take() { return std::move(out_); }

 private:
  std::string out_;
  size_t pending_ = 0;
};

}  // namespace

std::string dump_text(const Terminal& t) {
  std::vector<std::string> lines;
  for (size_t i = 0; i < t.scrollback_size(); ++i) {
    RowText row;
    t.scrollback_line(i).for_each_cell([&](std::string_view text, int width, const Style&) {
      if (width == 0)
        row.blank();
      else
        row.text(text);
    });
    lines.push_back(row.take());
  }
  for (int r = 0; r < t.rows(); ++r) {
    RowText row;
    for (const Cell& cell : t.line(Row(r)).cells) {
      if (cell.is_wide_tail()) continue;
      if (cell.cp == 0)
        row.blank();
      else
        row.text(t.cell_text(cell));
    }
    lines.push_back(row.take());
  }
  while (!lines.empty() && lines.back().empty()) lines.pop_back();
  std::string out;
  for (const std::string& l : lines) {
    out += l;
    out.push_back('\n');
  }
  return out;
}

std::string dump_json(const Terminal& t, bool include_scrollback) {
  std::string out =
      "{\"rows\":" + std::to_string(t.rows()) + ",\"cols\":" + std::to_string(t.cols());
  out += ",\"title\":";
  json_string(out, t.title());
  out += ",\"cwd\":";
  json_string(out, t.cwd());
  const CursorState& c = t.cursor();
  static const char* kShapes[] = {"block", "underline", "bar"};
  out += ",\"cursor\":{\"row\":" + std::to_string(c.row) + ",\"col\":" + std::to_string(c.col) +
         ",\"visible\":" + (t.modes().cursor_visible ? "true" : "false") + ",\"style\":\"" +
         kShapes[static_cast<int>(t.cursor_shape())] +
         "\",\"blink\":" + (t.cursor_blinking() ? "true" : "false") + "}";
  const Modes& m = t.modes();
  out += ",\"modes\":[";
  bool first = true;
  auto mode = [&](bool on, const char* name) {
    if (!on) return;
    if (!first) out += ",";
    first = false;
    json_string(out, name);
  };
  mode(m.insert, "insert");
  mode(m.newline, "newline");
  mode(m.cursor_keys_application, "cursor_keys_application");
  mode(m.keypad_application, "keypad_application");
  mode(m.origin, "origin");
  mode(m.autowrap, "autowrap");
  mode(m.reverse_video, "reverse_video");
  mode(m.alt_screen, "alt_screen");
  mode(m.left_right_margins, "left_right_margins");
  mode(m.focus_events, "focus_events");
  mode(m.bracketed_paste, "bracketed_paste");
  mode(m.synchronized_output, "synchronized_output");
  mode(m.grapheme_clustering, "grapheme_clustering");
  mode(m.mouse == MouseTracking::x10, "mouse_x10");
  mode(m.mouse == MouseTracking::normal, "mouse_normal");
  mode(m.mouse == MouseTracking::button_event, "mouse_button_event");
  mode(m.mouse == MouseTracking::any_event, "mouse_any_event");
  mode(m.mouse_encoding == MouseEncoding::utf8, "mouse_utf8");
  mode(m.mouse_encoding == MouseEncoding::sgr, "mouse_sgr");
  mode(m.mouse_encoding == MouseEncoding::urxvt, "mouse_urxvt");
  mode(m.mouse_encoding == MouseEncoding::sgr_pixels, "mouse_sgr_pixels");
  out += "],\"kitty_keyboard_flags\":" + std::to_string(t.kitty_keyboard_flags());

  auto packed_row = [&](const PackedLine& line) {
    out += "{\"wrapped\":";
    out += line.wrapped() ? "true" : "false";
    out += ",\"cells\":[";
    bool first_cell = true;
    line.for_each_cell([&](std::string_view text, int width, const Style& s) {
      if (!first_cell) out += ",";
      first_cell = false;
      std::string plain;
      for (char ch : text)
        if (ch != 0x02) plain.push_back(ch);
      json_cell(out, plain, width ? width : 1, s, t);
    });
    out += "]}";
  };
  if (include_scrollback) {
    out += ",\"scrollback\":[";
    for (size_t i = 0; i < t.scrollback_size(); ++i) {
      if (i) out += ",";
      packed_row(t.scrollback_line(i));
    }
    out += "]";
  }
  out += ",\"screen\":[";
  for (int r = 0; r < t.rows(); ++r) {
    if (r) out += ",";
    const Line& line = t.line(Row(r));
    out += "{\"wrapped\":";
    out += line.wrapped ? "true" : "false";
    out += ",\"cells\":[";
    int used = line.used();
    bool first_cell = true;
    for (int col = 0; col < used; ++col) {
      const Cell& cell = line.cells[col];
      if (cell.is_wide_tail()) continue;
      if (!first_cell) out += ",";
      first_cell = false;
      json_cell(out, t.cell_text(cell), cell.width, t.style(cell.style), t);
    }
    out += "]}";
  }
  out += "]}\n";
  return out;
}

}  // namespace cadence::vt
