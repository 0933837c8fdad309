// Operating-system commands (OSC) and device control strings (DCS).
//
// What is answered: colour queries (OSC 4/10/11/12), DECRQSS and XTGETTCAP. What never
// is: the title (CSI 21 t) and, unless the user allowed it, the clipboard (OSC 52 ?),
// since both hand data to whatever program happens to print the query.
#include <algorithm>
#include <charconv>
#include <cstdio>
#include <string>

#include "vt/terminal.hpp"

namespace cadence::vt {
namespace {

bool parse_int(std::string_view s, int& out) {
  if (s.empty()) return false;
  auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
  return ec == std::errc() && ptr == s.data() + s.size();
}

// Splits off the text up to the first ';'.
std::string_view next_field(std::string_view& rest) {
  size_t semi = rest.find(';');
  std::string_view field = rest.substr(0, semi);
  rest = semi == std::string_view::npos ? std::string_view{} : rest.substr(semi + 1);
  return field;
}

// Decodes base64, ignoring padding; false on any other character.
bool decode_base64(std::string_view in, std::string& out) {
  uint32_t acc = 0;
  int bits = 0;
  for (char ch : in) {
    int v;
    if (ch >= 'A' && ch <= 'Z')
      v = ch - 'A';
    else if (ch >= 'a' && ch <= 'z')
      v = ch - 'a' + 26;
    else if (ch >= '0' && ch <= '9')
      v = ch - '0' + 52;
    else if (ch == '+')
      v = 62;
    else if (ch == '/')
      v = 63;
    else if (ch == '=')
      break;
    else
      return false;
    acc = (acc << 6) | static_cast<uint32_t>(v);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out.push_back(static_cast<char>((acc >> bits) & 0xff));
    }
  }
  return true;
}

// Parses "rgb:R/G/B" (1-4 hex digits each) or "#RRGGBB" into 0xRRGGBB.
bool parse_color_spec(std::string_view spec, uint32_t& out) {
  auto hex = [](std::string_view h, int& v) {
    if (h.empty() || h.size() > 4) return false;
    unsigned value = 0;
    for (char c : h) {
      int d = c >= '0' && c <= '9'   ? c - '0'
              : c >= 'a' && c <= 'f' ? c - 'a' + 10
              : c >= 'A' && c <= 'F' ? c - 'A' + 10
                                     : -1;
      if (d < 0) return false;
      value = value * 16 + static_cast<unsigned>(d);
    }
    unsigned max = (1u << (4 * h.size())) - 1;
    v = static_cast<int>((value * 255 + max / 2) / max);
    return true;
  };
  int r, g, b;
  if (spec.substr(0, 4) == "rgb:") {
    std::string_view rest = spec.substr(4);
    size_t s1 = rest.find('/'), s2 = rest.rfind('/');
    if (s1 == std::string_view::npos || s1 == s2) return false;
    if (!hex(rest.substr(0, s1), r) || !hex(rest.substr(s1 + 1, s2 - s1 - 1), g) ||
        !hex(rest.substr(s2 + 1), b))
      return false;
  } else if (spec.size() == 7 && spec[0] == '#') {
    if (!hex(spec.substr(1, 2), r) || !hex(spec.substr(3, 2), g) || !hex(spec.substr(5, 2), b))
      return false;
  } else {
    return false;
  }
  out = static_cast<uint32_t>(r << 16 | g << 8 | b);
  return true;
}

}  // namespace

void Terminal::set_title(std::string_view title, bool window, bool icon) {
  if (title.size() > kMaxTitleBytes) title = title.substr(0, kMaxTitleBytes);
  if (icon) icon_title_ = title;
  if (window) {
    title_ = title;
    observer_->on_title_changed(title_);
  }
}

void Terminal::osc_dispatch(std::string_view payload) {
  std::string_view rest = payload;
  std::string_view command_text = next_field(rest);
  int command;
  if (!parse_int(command_text, command)) return;
  switch (command) {
    case 0: set_title(rest, true, true); break;
    case 1: set_title(rest, false, true); break;
    case 2: set_title(rest, true, false); break;
    case 4:
    case 10:
    case 11:
    case 12:
    case 104:
    case 110:
    case 111:
    case 112: osc_colors(command, rest); break;
    case 7:
      if (rest.size() <= kMaxTitleBytes) {
        cwd_ = rest;
        observer_->on_cwd_changed(cwd_);
      }
      break;
    case 8: osc_hyperlink(rest); break;
    case 9: {
      // OSC 9;4;state;value is progress (ConEmu); any other OSC 9 is a notification.
      std::string_view r = rest;
      if (next_field(r) == "4") {
        int state = 0, value = 0;
        std::string_view st = next_field(r);
        if (!parse_int(st, state)) state = 0;
        if (!parse_int(next_field(r), value)) value = 0;
        if (state >= 0 && state <= 4) observer_->on_progress(state, std::clamp(value, 0, 100));
      } else {
        observer_->on_notification("", rest);
      }
      break;
    }
    case 52: osc_clipboard(rest); break;
    case 133: osc_prompt_mark(rest); break;
    case 777: {
      std::string_view r = rest;
      if (next_field(r) == "notify") {
        std::string_view title = next_field(r);
        observer_->on_notification(title, r);
      }
      break;
    }
    default: break;
  }
}

uint32_t Terminal::palette_color(int index) const {
  if (index < 0 || index >= kPaletteSize) return 0;
  if (palette_[static_cast<size_t>(index)] >= 0) {
    return static_cast<uint32_t>(palette_[static_cast<size_t>(index)]);
  }
  if (index == kPaletteForeground) return default_colors_[0];
  if (index == kPaletteBackground) return default_colors_[1];
  if (index == kPaletteCursor) return default_colors_[2];
  if (static_cast<size_t>(index) < default_palette_overrides_.size() &&
      default_palette_overrides_[static_cast<size_t>(index)] >= 0) {
    return static_cast<uint32_t>(default_palette_overrides_[static_cast<size_t>(index)]);
  }
  return default_palette(index);
}

void Terminal::set_default_palette(int index, uint32_t rgb) {
  if (index < 0 || index > 255) return;
  if (default_palette_overrides_.empty()) default_palette_overrides_.assign(256, -1);
  default_palette_overrides_[static_cast<size_t>(index)] = rgb & 0xffffff;
  ++palette_version_;
}

void Terminal::set_default_colors(uint32_t foreground, uint32_t background, uint32_t cursor) {
  default_colors_[0] = foreground;
  default_colors_[1] = background;
  default_colors_[2] = cursor;
  ++palette_version_;
}

void Terminal::osc_colors(int command, std::string_view rest) {
  // Every path below may change a colour; a consumer that caches resolved colours
  // compares this number.
  ++palette_version_;
  auto current = [&](int index) -> uint32_t { return palette_color(index); };
  auto report = [&](int code, int index, int osc_index) {
    uint32_t c = current(index);
    char buf[64];
    int r = (c >> 16) & 0xff, g = (c >> 8) & 0xff, b = c & 0xff;
    if (code == 4)
      std::snprintf(buf, sizeof buf, "\x1b]4;%d;rgb:%02x%02x/%02x%02x/%02x%02x\x1b\\", osc_index, r,
                    r, g, g, b, b);
    else
      std::snprintf(buf, sizeof buf, "\x1b]%d;rgb:%02x%02x/%02x%02x/%02x%02x\x1b\\", code, r, r, g,
                    g, b, b);
    reply(buf);
  };
  auto apply = [&](int index, std::string_view spec, int code, int osc_index) {
    if (spec == "?") {
      report(code, index, osc_index);
      return;
    }
    uint32_t rgb;
    if (parse_color_spec(spec, rgb)) {
      palette_[index] = rgb;
      for (int r = 0; r < rows_; ++r) touch(r);
    }
  };
  switch (command) {
    case 4:
      while (!rest.empty()) {
        int index;
        std::string_view idx = next_field(rest);
        std::string_view spec = next_field(rest);
        if (parse_int(idx, index) && index >= 0 && index < 256) apply(index, spec, 4, index);
      }
      break;
    case 10:
    case 11:
    case 12: {
      // OSC 10;a;b sets 10 to a and 11 to b, as xterm does.
      int code = command;
      while (!rest.empty() && code <= 12) {
        apply(256 + code - 10, next_field(rest), code, 0);
        ++code;
      }
      break;
    }
    case 104:
      if (rest.empty()) {
        std::fill(palette_.begin(), palette_.begin() + 256, -1);
      } else {
        while (!rest.empty()) {
          int index;
          if (parse_int(next_field(rest), index) && index >= 0 && index < 256) palette_[index] = -1;
        }
      }
      break;
    case 110: palette_[256] = -1; break;
    case 111: palette_[257] = -1; break;
    case 112: palette_[258] = -1; break;
    default: break;
  }
}

// OSC 8 ; params ; URI. Links are interned: the same id and URI (a link printed across
// several lines, or redrawn) share one entry. The table is bounded; past it, new links
// are shown as plain text.
void Terminal::osc_hyperlink(std::string_view rest) {
  std::string_view params = next_field(rest);
  std::string_view uri = rest;
  pen_id_valid_ = false;
  if (uri.empty() || uri.size() > 8192) {
    current_link_ = 0;
    return;
  }
  std::string id;
  while (!params.empty()) {
    size_t colon = params.find(':');
    std::string_view kv = params.substr(0, colon);
    params = colon == std::string_view::npos ? std::string_view{} : params.substr(colon + 1);
    if (kv.substr(0, 3) == "id=") id = kv.substr(3);
  }
  if (!id.empty()) {
    for (size_t i = links_.size(); i-- > 0;) {
      if (links_[i].id == id && links_[i].uri == uri) {
        current_link_ = static_cast<uint32_t>(i + 1);
        return;
      }
    }
  }
  if (links_.size() >= kMaxHyperlinks) {
    current_link_ = 0;
    return;
  }
  links_.push_back({std::move(id), std::string(uri)});
  current_link_ = static_cast<uint32_t>(links_.size());
}

void Terminal::osc_clipboard(std::string_view rest) {
  std::string_view targets = next_field(rest);
  if (targets.empty()) targets = "s0";
  if (rest == "?") {
    // Reading the clipboard is off unless configured: the host never sees it.
    if (!options_.allow_clipboard_read) return;
    reply(std::string("\x1b]52;") + std::string(targets) + ";\x1b\\");
    return;
  }
  std::string data;
  if (!decode_base64(rest, data)) return;
  observer_->on_clipboard_set(targets, data);
}

void Terminal::osc_prompt_mark(std::string_view rest) {
  std::string_view kind = next_field(rest);
  PromptMark mark;
  if (kind == "A")
    mark = PromptMark::prompt_start;
  else if (kind == "B")
    mark = PromptMark::command_start;
  else if (kind == "C")
    mark = PromptMark::output_start;
  else if (kind == "D")
    mark = PromptMark::command_end;
  else
    return;
  constexpr size_t kMaxMarks = 10000;
  if (marks_.size() == kMaxMarks) marks_.erase(marks_.begin(), marks_.begin() + kMaxMarks / 2);
  marks_.emplace_back(stable_row(Row(cursor_.row)), mark);
}

void Terminal::dcs_dispatch(const Params& p, uint8_t final, std::string_view payload) {
  char inter = p.intermediate();
  if (inter == '$' && final == 'q')
    request_status_string(payload);
  else if (inter == '+' && final == 'q')
    request_termcap(payload);
}

// DECRQSS: reports the current setting in the form that would set it.
void Terminal::request_status_string(std::string_view request) {
  std::string body;
  char buf[64];
  if (request == "m") {
    const Style& s = cursor_.pen;
    auto add = [&](const std::string& part) {
      if (!body.empty()) body.push_back(';');
      body += part;
    };
    if (s.has(attr::bold)) add("1");
    if (s.has(attr::faint)) add("2");
    if (s.has(attr::italic)) add("3");
    if (s.underline == UnderlineStyle::single)
      add("4");
    else if (s.underline == UnderlineStyle::double_)
      add("21");
    else if (s.underline != UnderlineStyle::none)
      add("4:" + std::to_string(static_cast<int>(s.underline)));
    if (s.has(attr::blink)) add("5");
    if (s.has(attr::rapid_blink)) add("6");
    if (s.has(attr::inverse)) add("7");
    if (s.has(attr::invisible)) add("8");
    if (s.has(attr::strikethrough)) add("9");
    int font = (s.flags & attr::font_mask) >> attr::font_shift;
    if (font) add(std::to_string(10 + font));
    if (s.has(attr::overline)) add("53");
    auto color = [&](Color c, int base, int bright, int ext) {
      if (c.kind() == Color::Kind::indexed) {
        if (base && c.index() < 8)
          add(std::to_string(base + c.index()));
        else if (bright && c.index() < 16)
          add(std::to_string(bright + c.index() - 8));
        else
          add(std::to_string(ext) + ":5:" + std::to_string(c.index()));
      } else if (c.kind() == Color::Kind::rgb) {
        std::snprintf(buf, sizeof buf, "%d:2:%d:%d:%d", ext, c.r(), c.g(), c.b());
        add(buf);
      }
    };
    color(s.fg, 30, 90, 38);
    color(s.bg, 40, 100, 48);
    color(s.underline_color, 0, 0, 58);
    if (body.empty()) body = "0";
    body += "m";
  } else if (request == "r") {
    std::snprintf(buf, sizeof buf, "%d;%dr", scroll_top_ + 1, scroll_bottom_ + 1);
    body = buf;
  } else if (request == "s") {
    std::snprintf(buf, sizeof buf, "%d;%ds", left_margin() + 1, right_margin() + 1);
    body = buf;
  } else if (request == " q") {
    int n = cursor_shape_ == CursorShape::block       ? 1
            : cursor_shape_ == CursorShape::underline ? 3
                                                      : 5;
    if (!cursor_blink_style_) ++n;
    std::snprintf(buf, sizeof buf, "%d q", n);
    body = buf;
  } else if (request == "\"p") {
    std::snprintf(buf, sizeof buf, "%d;1\"p", conformance_level_);
    body = buf;
  } else if (request == "\"q") {
    body = cursor_.pen.has(attr::protect) ? "1\"q" : "0\"q";
  } else {
    reply("\x1bP0$r\x1b\\");
    return;
  }
  reply("\x1bP1$r" + body + "\x1b\\");
}

// XTGETTCAP: names come hex-encoded, separated by ';'. Known capabilities are answered
// with their value hex-encoded; the first unknown one ends the reply with an error.
void Terminal::request_termcap(std::string_view request) {
  auto unhex = [](std::string_view h, std::string& out) {
    if (h.size() % 2) return false;
    for (size_t i = 0; i < h.size(); i += 2) {
      int v;
      auto [p, ec] = std::from_chars(h.data() + i, h.data() + i + 2, v, 16);
      if (ec != std::errc() || p != h.data() + i + 2) return false;
      out.push_back(static_cast<char>(v));
    }
    return true;
  };
  auto hex = [](std::string_view s) {
    static const char* digits = "0123456789ABCDEF";
    std::string out;
    for (unsigned char c : s) {
      out.push_back(digits[c >> 4]);
      out.push_back(digits[c & 15]);
    }
    return out;
  };
  std::string answer;
  while (!request.empty()) {
    std::string_view name_hex = next_field(request);
    std::string name;
    std::string value;
    if (!unhex(name_hex, name)) break;
    if (name == "TN" || name == "name")
      value = options_.term_name;
    else if (name == "Co" || name == "colors")
      value = "256";
    else if (name == "RGB")
      value = "8/8/8";
    else if (name == "Tc")
      value = "";
    else if (name == "Ms")
      value = "\x1b]52;%p1%s;%p2%s\x07";
    else if (name == "Ss")
      value = "\x1b[%p1%d q";
    else if (name == "Se")
      value = "\x1b[2 q";
    else if (name == "Smulx")
      value = "\x1b[4:%p1%dm";
    else if (name == "Setulc")
      value = "\x1b[58:2::%p1%{65536}%/%d:%p1%{256}%/%{255}%&%d:%p1%{255}%&%dm";
    else if (name == "Sync")
      value = "\x1b[?2026%?%p1%{1}%-%tl%eh%;";
    else {
      reply("\x1bP0+r" + std::string(name_hex) + "\x1b\\");
      return;
    }
    if (!answer.empty()) answer.push_back(';');
    answer += std::string(name_hex) + "=" + hex(value);
  }
  if (!answer.empty()) reply("\x1bP1+r" + answer + "\x1b\\");
}

}  // namespace cadence::vt
