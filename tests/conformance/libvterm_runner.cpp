// Runs libvterm's declarative tests (t/*.test) against cadence's terminal core.
//
// The files are libvterm's, read from ../shared/conformance and never copied into the
// tree. This program stands in for libvterm's own harness (t/harness.c driven by
// t/run-test.pl) and keeps its semantics where cadence has an equivalent:
// - INIT makes a fresh 25x80 terminal with UTF-8 off (libvterm's default), RESET is a
//   hard reset, PUSH strings are Perl expressions ("..." with C escapes, `.` and `x N`),
//   and $SEQ/$REP expand a line before it is read.
// - Queries (?cursor, ?screen_row, ?screen_chars, ?screen_text, ?screen_cell,
//   ?screen_eol, ?pen, ?lineinfo) and `output` are checked against the terminal state.
//   As in libvterm's harness, a reply nobody expected fails too (it is a failed check
//   that was never counted as a pass), except in parser-only files (WANTPARSER), where
//   libvterm has no state layer that could answer.
//   Rows are read as libvterm reads them: a never-written cell is padding that only
//   becomes a space when text follows it, a space that was printed is text.
// - Colours are compared in libvterm's palette: the tests spell a cell's colour as the
//   RGB libvterm would draw, and what is being tested is which colour the cell selected,
//   not the palette (cadence draws with xterm's). SETDEFAULTCOL changes that palette.
// - Some libvterm callbacks have a meaning here and are translated: `putglyph` becomes a
//   check of the cell it wrote (only the last write to a cell in a command, and only
//   when no scroll or move event follows it, since later events may move it),
//   `settermprop` a check of the property it set, the last `movecursor` of a command a
//   check of the cursor. They are counted under their own names, apart from the
//   portable checks.
// - Everything else is skipped and counted as such, never as passed: key, mouse, focus,
//   paste and selection commands (they belong to the window layer) with whatever they
//   expect, the parser-level events, damage, scroll-rectangle and scrollback events,
//   and sub-checks with no counterpart in cadence (super/subscript). A ?screen_cell
//   counts as passed only if everything it compared matched, and it always compares
//   characters and width.
//
// Results are per check; a case (from one `!Name` line to the next, named
// "<file>:<name>", duplicates numbered) fails if any of its checks fails. The runner
// exits 0 only if the failing cases are exactly those listed for suite "libvterm" in the
// known-failures file: a new failure fails, and so does a listed case that now passes.
#include <algorithm>
#include <array>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

#include "base/units.hpp"
#include "script_text.hpp"
#include "vt/terminal.hpp"

namespace {

namespace fs = std::filesystem;
using namespace cadence::conformance;
using cadence::Row;
using cadence::vt::Cell;
using cadence::vt::Color;
using cadence::vt::Style;
using cadence::vt::Terminal;
using cadence::vt::TerminalObserver;
using cadence::vt::UnderlineStyle;
namespace attr = cadence::vt::attr;

constexpr const char* kSuite = "libvterm";
constexpr int kSkipExitCode = 77;  // meson: the test was skipped

// ---- colours as libvterm draws them ----

struct Rgb {
  int r = 0, g = 0, b = 0;
  bool operator==(const Rgb&) const = default;
};

std::string rgb_text(Rgb c) {
  return "rgb(" + std::to_string(c.r) + "," + std::to_string(c.g) + "," + std::to_string(c.b) + ")";
}

Rgb libvterm_palette(int index) {
  static constexpr std::array<Rgb, 16> kAnsi = {{
      {0, 0, 0},
      {224, 0, 0},
      {0, 224, 0},
      {224, 224, 0},
      {0, 0, 224},
      {224, 0, 224},
      {0, 224, 224},
      {224, 224, 224},
      {128, 128, 128},
      {255, 64, 64},
      {64, 255, 64},
      {255, 255, 64},
      {64, 64, 255},
      {255, 64, 255},
      {64, 255, 255},
      {255, 255, 255},
  }};
  static constexpr std::array<int, 6> kRamp6 = {0x00, 0x33, 0x66, 0x99, 0xcc, 0xff};
  if (index < 16) return kAnsi[static_cast<size_t>(index)];
  if (index < 232) {
    int i = index - 16;
    return {kRamp6[static_cast<size_t>(i / 36)], kRamp6[static_cast<size_t>(i / 6 % 6)],
            kRamp6[static_cast<size_t>(i % 6)]};
  }
  static constexpr std::array<int, 24> kRamp24 = {
      0x00, 0x0b, 0x16, 0x21, 0x2c, 0x37, 0x42, 0x4d, 0x58, 0x63, 0x6e, 0x79,
      0x85, 0x90, 0x9b, 0xa6, 0xb1, 0xbc, 0xc7, 0xd2, 0xdd, 0xe8, 0xf3, 0xff,
  };
  int grey = kRamp24[static_cast<size_t>(index - 232)];
  return {grey, grey, grey};
}

std::optional<Rgb> parse_rgb(std::string_view text) {
  text = trim(text);
  if (!starts_with(text, "rgb(") || text.back() != ')') return std::nullopt;
  std::vector<int> v;
  std::string_view inner = text.substr(4, text.size() - 5);
  size_t extra = inner.find(",is_default");
  if (extra != std::string_view::npos) inner = inner.substr(0, extra);
  if (!parse_ints(inner, v) || v.size() != 3) return std::nullopt;
  return Rgb{v[0], v[1], v[2]};
}

// ---- results ----

enum class Outcome { passed, failed, skipped };

struct Tally {
  int passed = 0;
  int failed = 0;
  int skipped = 0;
  void add(Outcome o) {
    if (o == Outcome::passed)
      ++passed;
    else if (o == Outcome::failed)
      ++failed;
    else
      ++skipped;
  }
  void add(const Tally& t) {
    passed += t.passed;
    failed += t.failed;
    skipped += t.skipped;
  }
};

struct Failure {
  std::string case_name;
  std::string file;
  int line = 0;
  std::string check;
  std::string expected;
  std::string actual;
};

// The kinds of check, in report order. The first group is what the conformance README
// calls portable, plus ?screen_eol and ?lineinfo, which read the screen just as plainly;
// the second are translations of libvterm's internal events.
const std::vector<std::string> kPortableKinds = {"cursor",      "screen_row",  "screen_chars",
                                                 "screen_text", "screen_cell", "screen_eol",
                                                 "pen",         "lineinfo",    "output"};
const std::vector<std::string> kTranslatedKinds = {"putglyph", "settermprop", "movecursor"};

struct Results {
  std::map<std::string, Tally> by_kind;
  std::map<std::string, Tally> by_file;
  std::vector<std::string> file_order;
  std::vector<std::string> case_order;
  std::set<std::string> failing_cases;
  std::vector<Failure> failures;
  std::map<std::string, int> skipped_reasons;
  // Parts of checks that were left out of a comparison (the check itself still counts).
  std::map<std::string, int> uncompared;
};

// ---- the runner ----

class ReplyCollector : public TerminalObserver {
 public:
  void on_reply(std::string_view bytes) override { replies.append(bytes); }
  std::string replies;
};

class FileRunner {
 public:
  FileRunner(std::string file, Results& results) : file_(std::move(file)), results_(results) {
    results_.file_order.push_back(file_);
    start_case("(top)");
  }

  void run(std::istream& in) {
    std::string raw;
    int number = 0;
    while (std::getline(in, raw)) {
      ++number;
      line_ = number;
      process(raw);
    }
    flush();
  }

 private:
  struct Expectation {
    int line;
    std::string text;
  };

  // One line of the file, after macro expansion.
  void process(std::string_view raw) {
    std::string_view line = trim(raw);
    if (line.empty() || line.front() == '#') return;
    if (starts_with(line, "$SEQ") || starts_with(line, "$REP")) {
      expand_macro(line);
      return;
    }
    if (line.front() == '!') {
      flush();
      start_case(std::string(trim(line.substr(1))));
    } else if (line.front() >= 'A' && line.front() <= 'Z') {
      flush();
      command(line);
    } else if (line.front() == '?') {
      flush();
      assertion(line.substr(1));
    } else if (line.front() >= 'a' && line.front() <= 'z') {
      pending_.push_back({line_, std::string(line)});
    } else {
      std::fprintf(stderr, "%s:%d: unrecognised line: %s\n", file_.c_str(), line_,
                   std::string(line).c_str());
      record("harness", Outcome::failed, std::string(line), "a line the runner understands",
             "unrecognised");
    }
  }

  // $SEQ a b: LINE  runs LINE for \# = a..b;  $REP n: LINE  runs LINE n times.
  void expand_macro(std::string_view line) {
    bool seq = starts_with(line, "$SEQ");
    size_t colon = line.find(':');
    std::vector<int> args;
    if (colon == std::string_view::npos || !parse_ints(line.substr(4, colon - 4), args) ||
        args.size() != (seq ? 2u : 1u)) {
      record("harness", Outcome::failed, std::string(line), "a well-formed macro", "malformed");
      return;
    }
    std::string body(trim(line.substr(colon + 1)));
    if (seq) {
      for (int i = args[0]; i <= args[1]; ++i) {
        std::string expanded;
        for (size_t k = 0; k < body.size(); ++k) {
          if (body[k] == '\\' && k + 1 < body.size() && body[k + 1] == '#') {
            expanded += std::to_string(i);
            ++k;
          } else {
            expanded.push_back(body[k]);
          }
        }
        process(expanded);
      }
    } else {
      for (int i = 0; i < args[0]; ++i) process(body);
    }
  }

  void start_case(std::string name) {
    std::string full = file_ + ":" + name;
    int n = ++case_counts_[full];
    if (n > 1) full += " (" + std::to_string(n) + ")";
    case_ = full;
    results_.case_order.push_back(case_);
  }

  void record(const std::string& kind, Outcome outcome, const std::string& check,
              const std::string& expected = {}, const std::string& actual = {}) {
    results_.by_kind[kind].add(outcome);
    results_.by_file[file_].add(outcome);
    if (outcome == Outcome::failed) {
      results_.failing_cases.insert(std::string(kSuite) + ":" + case_);
      results_.failures.push_back({case_, file_, line_, check, expected, actual});
    }
  }

  void skip(const std::string& kind, const std::string& reason) {
    results_.by_kind[kind].add(Outcome::skipped);
    results_.by_file[file_].add(Outcome::skipped);
    ++results_.skipped_reasons[reason];
  }

  bool need_terminal(const std::string& kind, const std::string& check) {
    if (term_) return true;
    record(kind, Outcome::failed, check, "a terminal", "no INIT before this line");
    return false;
  }

  // ---- commands ----

  void command(std::string_view line) {
    size_t space = line.find(' ');
    std::string name(line.substr(0, space));
    std::string_view args =
        space == std::string_view::npos ? std::string_view{} : trim(line.substr(space + 1));
    command_open_ = true;
    command_skipped_ = false;
    if (name == "INIT") {
      term_ = std::make_unique<Terminal>(Terminal::Options{25, 80, 1000, false});
      term_->set_observer(&replies_);
      term_->set_utf8(false);
      default_fg_ = {240, 240, 240};
      default_bg_ = {0, 0, 0};
    } else if (name == "UTF8") {
      if (term_) term_->set_utf8(args == "1");
    } else if (name == "RESET") {
      if (term_) term_->reset();
    } else if (name == "RESIZE") {
      std::vector<int> v;
      if (term_ && parse_ints(args, v) && v.size() == 2) term_->resize(v[0], v[1]);
    } else if (name == "PUSH") {
      auto chars = eval_perl_string(args);
      if (!chars) {
        record("harness", Outcome::failed, std::string(line), "a Perl string", "unparsed");
      } else if (term_) {
        term_->feed(to_bytes(*chars));
      }
    } else if (name == "SETDEFAULTCOL") {
      // Sets the harness's default colours (libvterm API, not an escape sequence): in
      // this runner that is the palette cells are compared in.
      size_t split = args.find(") ");
      if (auto fg =
              parse_rgb(args.substr(0, split == std::string_view::npos ? args.size() : split + 1)))
        default_fg_ = *fg;
      if (split != std::string_view::npos)
        if (auto bg = parse_rgb(args.substr(split + 2))) default_bg_ = *bg;
    } else if (name == "WANTPARSER") {
      // libvterm's harness then drives the parser alone, with no state layer to answer
      // queries: the file's expectations are parser events, and replies are not looked at.
      parser_only_ = true;
    } else if (name == "WANTSTATE" || name == "WANTSCREEN" || name == "WANTENCODING" ||
               name == "DAMAGEMERGE" || name == "DAMAGEFLUSH") {
      // Which libvterm callbacks the harness prints: nothing to do here.
    } else {
      // INKEY, INCHAR, MOUSEMOVE, MOUSEBTN, FOCUS, PASTE, SELECTION, ENCIN: input
      // encoding and selection belong to the window layer, not to this core.
      command_skipped_ = true;
      skipped_command_ = name;
    }
  }

  // Runs the expectations of the last command, then reports replies nobody expected
  // (libvterm's harness prints every reply, so an unexpected one fails its test too).
  void flush() {
    if (!command_open_) return;
    command_open_ = false;
    std::vector<Expectation> block;
    block.swap(pending_);
    for (size_t i = 0; i < block.size(); ++i) {
      line_ = block[i].line;
      expectation(block, i);
    }
    if (term_ && !command_skipped_ && !parser_only_ && reply_offset_ < replies_.replies.size()) {
      record("output", Outcome::failed, "replies after the command", "no more output",
             c_literal(std::string_view(replies_.replies).substr(reply_offset_)));
    }
    replies_.replies.clear();
    reply_offset_ = 0;
  }

  void expectation(const std::vector<Expectation>& block, size_t index) {
    const std::string& text = block[index].text;
    size_t space = text.find(' ');
    std::string name = text.substr(0, space);
    std::string_view args = space == std::string::npos
                                ? std::string_view{}
                                : trim(std::string_view(text).substr(space + 1));
    if (command_skipped_) {
      skip(name, "expects the result of " + skipped_command_);
      return;
    }
    if (name == "output") {
      expect_output(text, args);
    } else if (name == "putglyph") {
      expect_putglyph(block, index, args);
    } else if (name == "settermprop") {
      expect_termprop(args);
    } else if (name == "movecursor") {
      // Only the last one describes the state after the command.
      bool last = true;
      for (size_t k = index + 1; k < block.size(); ++k)
        if (starts_with(block[k].text, "movecursor")) last = false;
      if (!last) {
        skip("movecursor", "movecursor: an intermediate position");
      } else {
        check_cursor("movecursor", text, args);
      }
    } else {
      skip("libvterm event", "libvterm event: " + name);
    }
  }

  void expect_output(const std::string& text, std::string_view args) {
    auto chars = eval_perl_string(args);
    if (!chars) {
      record("harness", Outcome::failed, text, "a Perl string", "unparsed");
      return;
    }
    std::string want = to_bytes(*chars);
    std::string_view have = std::string_view(replies_.replies).substr(reply_offset_);
    std::string_view got = have.substr(0, want.size());
    if (got == want) {
      record("output", Outcome::passed, text);
      reply_offset_ += want.size();
    } else {
      record("output", Outcome::failed, text, c_literal(want),
             have.empty() ? "no output" : c_literal(have));
      reply_offset_ = replies_.replies.size();
    }
  }

  // putglyph CHARS WIDTH ROW,COL [prot] [dwl] [dhl-top|dhl-bottom]
  void expect_putglyph(const std::vector<Expectation>& block, size_t index, std::string_view args) {
    std::istringstream in{std::string(args)};
    std::string chars_text, width_text, pos_text, flag;
    in >> chars_text >> width_text >> pos_text;
    std::vector<int> chars, pos;
    if (!parse_ints(chars_text, chars) || !parse_ints(pos_text, pos) || pos.size() != 2) {
      record("harness", Outcome::failed, block[index].text, "putglyph CHARS WIDTH ROW,COL",
             "unparsed");
      return;
    }
    // Later events of the same command may overwrite or move the glyph.
    for (size_t k = index + 1; k < block.size(); ++k) {
      const std::string& later = block[k].text;
      if (starts_with(later, "scrollrect") || starts_with(later, "moverect") ||
          starts_with(later, "erase")) {
        skip("putglyph", "putglyph: followed by a scroll, move or erase");
        return;
      }
      if (starts_with(later, "putglyph")) {
        std::istringstream lin(later.substr(9));
        std::string c, w, p;
        lin >> c >> w >> p;
        if (p == pos_text) {
          skip("putglyph", "putglyph: overwritten later in the same command");
          return;
        }
      }
    }
    if (!need_terminal("putglyph", block[index].text)) return;
    bool prot = false;
    std::string line_size;
    while (in >> flag) {
      if (flag == "prot")
        prot = true;
      else
        line_size += (line_size.empty() ? "" : " ") + flag;
    }
    std::u32string want_chars(chars.begin(), chars.end());
    std::string want = hex_list(want_chars) + " width=" + width_text;
    if (prot) want += " prot";
    if (!line_size.empty()) want += " " + line_size;
    std::string have = describe_glyph(pos[0], pos[1]);
    record("putglyph", have == want ? Outcome::passed : Outcome::failed, block[index].text, want,
           have);
  }

  // The cell as the harness prints a putglyph: flags only when set, as libvterm does.
  std::string describe_glyph(int row, int col) {
    if (row < 0 || row >= term_->rows() || col < 0 || col >= term_->cols())
      return "(outside the screen)";
    const Cell& cell = term_->line(Row(row)).cells[static_cast<size_t>(col)];
    std::string out =
        hex_list(decode_utf8(term_->cell_text(cell))) + " width=" + std::to_string(cell.width);
    if (term_->style(cell.style).has(attr::protect)) out += " prot";
    out += line_size_text(row, true);
    return out;
  }

  std::string line_size_text(int row, bool leading_space) {
    using cadence::vt::LineSize;
    std::string out;
    switch (term_->line(Row(row)).size) {
      case LineSize::normal: break;
      case LineSize::double_width: out = "dwl"; break;
      case LineSize::double_top: out = "dwl dhl-top"; break;
      case LineSize::double_bottom: out = "dwl dhl-bottom"; break;
    }
    return leading_space && !out.empty() ? " " + out : out;
  }

  // settermprop N VALUE, after libvterm's VTermProp numbering.
  void expect_termprop(std::string_view args) {
    std::string text = "settermprop " + std::string(args);
    size_t space = args.find(' ');
    int prop = std::atoi(std::string(args.substr(0, space)).c_str());
    std::string value(space == std::string_view::npos ? std::string_view{}
                                                      : trim(args.substr(space + 1)));
    if (!need_terminal("settermprop", text)) return;
    auto boolean = [&](bool have) {
      record("settermprop", (value == "true") == have ? Outcome::passed : Outcome::failed, text,
             value, have ? "true" : "false");
    };
    const auto& modes = term_->modes();
    switch (prop) {
      case 1: boolean(modes.cursor_visible); return;
      case 2: boolean(term_->cursor_blinking()); return;
      case 3: boolean(term_->is_alt_screen()); return;
      case 4:
      case 5: {
        // Strings arrive in fragments: ["first" ... "last"]. Only the whole string can be
        // compared with the terminal's title.
        bool opens = !value.empty() && value.front() == '[';
        bool closes = !value.empty() && value.back() == ']';
        std::string_view body = value;
        if (opens) body.remove_prefix(1);
        if (closes) body.remove_suffix(1);
        auto chars = eval_perl_string(body);
        if (!chars) {
          record("harness", Outcome::failed, text, "a Perl string", "unparsed");
          return;
        }
        if (opens) title_fragments_.clear();
        title_fragments_ += to_bytes(*chars);
        if (!closes) {
          skip("settermprop", "settermprop: part of a string");
          return;
        }
        const std::string& have = prop == 4 ? term_->title() : term_->icon_title();
        record("settermprop", have == title_fragments_ ? Outcome::passed : Outcome::failed, text,
               c_literal(title_fragments_), c_literal(have));
        return;
      }
      case 6: boolean(modes.reverse_video); return;
      case 7: {
        using cadence::vt::CursorShape;
        CursorShape shape = term_->cursor_shape();
        int have = shape == CursorShape::block ? 1 : shape == CursorShape::underline ? 2 : 3;
        record("settermprop", value == std::to_string(have) ? Outcome::passed : Outcome::failed,
               text, value, std::to_string(have));
        return;
      }
      case 8: {
        using cadence::vt::MouseTracking;
        int have = 0;
        switch (modes.mouse) {
          case MouseTracking::off: have = 0; break;
          case MouseTracking::x10:
          case MouseTracking::normal: have = 1; break;
          case MouseTracking::button_event: have = 2; break;
          case MouseTracking::any_event: have = 3; break;
        }
        record("settermprop", value == std::to_string(have) ? Outcome::passed : Outcome::failed,
               text, value, std::to_string(have));
        return;
      }
      case 9: boolean(modes.focus_events); return;
      default: skip("settermprop", "settermprop: property with no counterpart"); return;
    }
  }

  // ---- queries ----

  void assertion(std::string_view body) {
    size_t eq = body.find('=');
    std::string text = "?" + std::string(body);
    if (eq == std::string_view::npos) {
      record("harness", Outcome::failed, text, "?QUERY ARGS = EXPECTED", "unparsed");
      return;
    }
    std::string_view query = trim(body.substr(0, eq));
    std::string_view expected = trim(body.substr(eq + 1));
    size_t space = query.find(' ');
    std::string name(query.substr(0, space));
    std::string_view args =
        space == std::string_view::npos ? std::string_view{} : trim(query.substr(space + 1));
    if (name == "screen_attrs_extent") {
      skip("screen_attrs_extent", "libvterm query: screen_attrs_extent");
      return;
    }
    if (!need_terminal(name, text)) return;
    if (name == "cursor")
      check_cursor("cursor", text, expected);
    else if (name == "screen_row")
      check_screen_row(text, args, expected);
    else if (name == "screen_chars" || name == "screen_text")
      check_screen_rect(name, text, args, expected);
    else if (name == "screen_cell")
      check_screen_cell(text, args, expected);
    else if (name == "screen_eol")
      check_screen_eol(text, args, expected);
    else if (name == "pen")
      check_pen(text, args, expected);
    else if (name == "lineinfo")
      check_lineinfo(text, args, expected);
    else
      skip(name, "unknown query: " + name);
  }

  void check_cursor(const std::string& kind, const std::string& text, std::string_view expected) {
    if (!need_terminal(kind, text)) return;
    const auto& c = term_->cursor();
    std::string have = std::to_string(c.row) + "," + std::to_string(c.col);
    record(kind, have == trim(expected) ? Outcome::passed : Outcome::failed, text,
           std::string(trim(expected)), have);
  }

  // The characters of a rectangle as libvterm's vterm_screen_get_chars returns them:
  // never-written cells are padding that turns into spaces only before text, the right
  // half of a wide character is nothing, rows are joined by a newline.
  std::u32string rect_chars(int top, int left, int bottom, int right) {
    std::u32string out;
    right = std::min(right, term_->cols());
    for (int r = top; r < bottom; ++r) {
      int padding = 0;
      const auto& cells = term_->line(Row(r)).cells;
      for (int c = std::max(left, 0); c < right; ++c) {
        const Cell& cell = cells[static_cast<size_t>(c)];
        if (cell.is_wide_tail()) continue;
        if (cell.cp == 0) {
          ++padding;
          continue;
        }
        out.append(static_cast<size_t>(padding), U' ');
        padding = 0;
        out += decode_utf8(term_->cell_text(cell));
      }
      if (r < bottom - 1) out.push_back(U'\n');
    }
    return out;
  }

  bool row_in_range(int row) { return row >= 0 && row < term_->rows(); }

  void check_screen_row(const std::string& text, std::string_view args, std::string_view expected) {
    std::vector<int> v;
    auto want = parse_char_list(expected);
    if (!parse_ints(args, v) || v.size() != 1 || !want) {
      record("harness", Outcome::failed, text, "?screen_row N = TEXT", "unparsed");
      return;
    }
    if (!row_in_range(v[0])) {
      record("screen_row", Outcome::failed, text, hex_list(*want), "(row outside the screen)");
      return;
    }
    std::u32string have = rect_chars(v[0], 0, v[0] + 1, term_->cols());
    record("screen_row", have == *want ? Outcome::passed : Outcome::failed, text,
           c_literal(to_bytes_utf8(*want)), c_literal(to_bytes_utf8(have)));
  }

  static std::string to_bytes_utf8(const std::u32string& chars) {
    std::string out;
    for (char32_t c : chars) append_utf8(out, c);
    return out;
  }

  void check_screen_rect(const std::string& name, const std::string& text, std::string_view args,
                         std::string_view expected) {
    std::vector<int> v;
    auto want = parse_char_list(expected);
    if (!parse_ints(args, v) || v.size() != 4 || !want) {
      record("harness", Outcome::failed, text, "?" + name + " R0,C0,R1,C1 = TEXT", "unparsed");
      return;
    }
    if (!row_in_range(v[0]) || v[2] > term_->rows()) {
      record(name, Outcome::failed, text, hex_list(*want), "(rows outside the screen)");
      return;
    }
    std::u32string have = rect_chars(v[0], v[1], v[2], v[3]);
    if (name == "screen_text") {
      // UTF-8 bytes, listed as numbers.
      std::u32string bytes;
      for (unsigned char b : to_bytes_utf8(have)) bytes.push_back(b);
      have = std::move(bytes);
    }
    record(name, have == *want ? Outcome::passed : Outcome::failed, text, hex_list(*want),
           hex_list(have));
  }

  void check_screen_eol(const std::string& text, std::string_view args, std::string_view expected) {
    std::vector<int> v;
    if (!parse_ints(args, v) || v.size() != 2 || !row_in_range(v[0])) {
      record("screen_eol", Outcome::failed, text, std::string(expected),
             "(unparsed or outside the screen)");
      return;
    }
    const auto& cells = term_->line(Row(v[0])).cells;
    bool eol = true;
    for (int c = std::max(v[1], 0); c < term_->cols(); ++c) {
      const Cell& cell = cells[static_cast<size_t>(c)];
      if (cell.cp != 0 || cell.is_wide_tail()) eol = false;
    }
    std::string have = eol ? "1" : "0";
    record("screen_eol", have == expected ? Outcome::passed : Outcome::failed, text,
           std::string(expected), have);
  }

  Rgb resolve(Color c, bool foreground) const {
    switch (c.kind()) {
      case Color::Kind::none: return foreground ? default_fg_ : default_bg_;
      case Color::Kind::indexed: return libvterm_palette(c.index());
      case Color::Kind::rgb: return {c.r(), c.g(), c.b()};
    }
    return {};
  }

  // Attributes in the harness's notation: B U<n> I K R F<n>.
  std::string attrs_text(const Style& s) const {
    std::string out;
    if (s.has(attr::bold)) out += "B";
    if (s.underline != UnderlineStyle::none)
      out += "U" + std::to_string(static_cast<int>(s.underline));
    if (s.has(attr::italic)) out += "I";
    if (s.has(attr::blink)) out += "K";
    // DECSCNM inverts the whole screen; libvterm reports it on every cell.
    if (s.has(attr::inverse) != term_->modes().reverse_video) out += "R";
    int font = (s.flags & attr::font_mask) >> attr::font_shift;
    if (font) out += "F" + std::to_string(font);
    return out;
  }

  // ?screen_cell R,C = {CHARS} width=W attrs={...} [dwl] [dhl-...] fg=rgb(...) bg=rgb(...)
  void check_screen_cell(const std::string& text, std::string_view args,
                         std::string_view expected) {
    std::vector<int> pos;
    std::string exp(expected);
    size_t open = exp.find('{'), close = exp.find('}');
    size_t attrs_at = exp.find("attrs={");
    size_t attrs_end = attrs_at == std::string::npos ? std::string::npos : exp.find('}', attrs_at);
    size_t width_at = exp.find("width=");
    size_t fg_at = exp.find("fg="), bg_at = exp.find("bg=");
    if (!parse_ints(args, pos) || pos.size() != 2 || open != 0 || close == std::string::npos ||
        attrs_end == std::string::npos || width_at == std::string::npos ||
        fg_at == std::string::npos || bg_at == std::string::npos) {
      record("harness", Outcome::failed, text,
             "?screen_cell R,C = {..} width=N attrs={..} fg=.. bg=..", "unparsed");
      return;
    }
    if (!row_in_range(pos[0]) || pos[1] < 0 || pos[1] >= term_->cols()) {
      record("screen_cell", Outcome::failed, text, exp, "(outside the screen)");
      return;
    }
    std::vector<int> chars;
    parse_ints(std::string_view(exp).substr(1, close - 1), chars);
    std::u32string want_chars(chars.begin(), chars.end());
    int want_width = std::atoi(exp.c_str() + width_at + 6);
    std::string want_attrs = exp.substr(attrs_at + 7, attrs_end - attrs_at - 7);
    std::string want_lines =
        std::string(trim(std::string_view(exp).substr(attrs_end + 1, fg_at - attrs_end - 1)));
    auto want_fg = parse_rgb(std::string_view(exp).substr(fg_at + 3, bg_at - fg_at - 3));
    auto want_bg = parse_rgb(std::string_view(exp).substr(bg_at + 3));
    if (!want_fg || !want_bg) {
      record("harness", Outcome::failed, text, "colours as rgb(R,G,B)", "unparsed");
      return;
    }

    const Cell& cell = term_->line(Row(pos[0])).cells[static_cast<size_t>(pos[1])];
    const Style& style = term_->style(cell.style);
    std::u32string have_chars = decode_utf8(term_->cell_text(cell));
    int have_width = cell.width;
    std::string have_attrs = attrs_text(style);
    std::string have_lines = line_size_text(pos[0], false);
    Rgb fg = resolve(style.fg, true), bg = resolve(style.bg, false);

    // Super/subscript (S^, S_) has no counterpart in cadence: the attribute part of
    // this check is skipped, the rest still has to match.
    bool attrs_comparable = want_attrs.find('S') == std::string::npos;
    bool ok = have_chars == want_chars && have_width == want_width && have_lines == want_lines &&
              fg == *want_fg && bg == *want_bg && (!attrs_comparable || have_attrs == want_attrs);
    std::string have =
        "{" + hex_list(have_chars) + "} width=" + std::to_string(have_width) + " attrs={" +
        (attrs_comparable ? have_attrs : want_attrs + " (not compared)") + "} " +
        (have_lines.empty() ? "" : have_lines + " ") + "fg=" + rgb_text(fg) + " bg=" + rgb_text(bg);
    if (!attrs_comparable) ++results_.uncompared["?screen_cell attrs: super/subscript (S^, S_)"];
    record("screen_cell", ok ? Outcome::passed : Outcome::failed, text, exp, have);
  }

  void check_pen(const std::string& text, std::string_view args, std::string_view expected) {
    const Style& pen = term_->cursor().pen;
    std::string name(args);
    std::string want(expected);
    std::string have;
    auto on_off = [](bool b) { return std::string(b ? "on" : "off"); };
    if (name == "bold")
      have = on_off(pen.has(attr::bold));
    else if (name == "italic")
      have = on_off(pen.has(attr::italic));
    else if (name == "blink")
      have = on_off(pen.has(attr::blink));
    else if (name == "reverse")
      have = on_off(pen.has(attr::inverse));
    else if (name == "conceal")
      have = on_off(pen.has(attr::invisible));
    else if (name == "strike")
      have = on_off(pen.has(attr::strikethrough));
    else if (name == "underline")
      have = std::to_string(static_cast<int>(pen.underline));
    else if (name == "font")
      have = std::to_string((pen.flags & attr::font_mask) >> attr::font_shift);
    else if (name == "foreground" || name == "background") {
      Color c = name == "foreground" ? pen.fg : pen.bg;
      // idx(N), rgb(R,G,B), or rgb(...,is_default_fg) for the default colour.
      std::optional<Color> w;
      if (starts_with(want, "idx(")) {
        w = Color::indexed(static_cast<uint8_t>(std::atoi(want.c_str() + 4)));
      } else if (want.find("is_default") != std::string::npos) {
        w = Color{};
      } else if (auto rgb = parse_rgb(want)) {
        w = Color::rgb(static_cast<uint8_t>(rgb->r), static_cast<uint8_t>(rgb->g),
                       static_cast<uint8_t>(rgb->b));
      }
      if (!w) {
        record("harness", Outcome::failed, text, "idx(N) or rgb(R,G,B)", "unparsed");
        return;
      }
      std::string have_text = c.kind() == Color::Kind::none ? "default"
                              : c.kind() == Color::Kind::indexed
                                  ? "idx(" + std::to_string(c.index()) + ")"
                                  : "rgb(" + std::to_string(c.r()) + "," + std::to_string(c.g()) +
                                        "," + std::to_string(c.b()) + ")";
      record("pen", c == *w ? Outcome::passed : Outcome::failed, text, want, have_text);
      return;
    } else {
      skip("pen", "pen attribute with no counterpart: " + name);
      return;
    }
    record("pen", have == want ? Outcome::passed : Outcome::failed, text, want, have);
  }

  // ?lineinfo N = [dwl] [dhl-...] [cont]; cont: row N continues row N-1 (autowrap).
  void check_lineinfo(const std::string& text, std::string_view args, std::string_view expected) {
    std::vector<int> v;
    if (!parse_ints(args, v) || v.size() != 1 || !row_in_range(v[0])) {
      record("lineinfo", Outcome::failed, text, std::string(expected),
             "(unparsed or outside the screen)");
      return;
    }
    int row = v[0];
    std::set<std::string> want, have;
    std::istringstream in{std::string(expected)};
    for (std::string w; in >> w;) want.insert(w);
    std::istringstream sizes{line_size_text(row, false)};
    for (std::string w; sizes >> w;) have.insert(w);
    if (row > 0 && term_->line(Row(row - 1)).wrapped) have.insert("cont");
    auto join = [](const std::set<std::string>& s) {
      std::string out;
      for (const auto& w : s) out += (out.empty() ? "" : " ") + w;
      return out;
    };
    record("lineinfo", want == have ? Outcome::passed : Outcome::failed, text, join(want),
           join(have));
  }

  std::string file_;
  Results& results_;
  std::string case_;
  std::map<std::string, int> case_counts_;
  int line_ = 0;
  std::unique_ptr<Terminal> term_;
  ReplyCollector replies_;
  size_t reply_offset_ = 0;
  bool command_open_ = false;
  bool command_skipped_ = false;
  bool parser_only_ = false;
  std::string skipped_command_;
  std::vector<Expectation> pending_;
  std::string title_fragments_;
  Rgb default_fg_{240, 240, 240};
  Rgb default_bg_{0, 0, 0};
};

// ---- known failures ----

// Lines "<suite>:<case name>  # reason"; blank lines and lines starting with '#' are
// comments. Returns the case names listed for `suite`, with the suite prefix kept.
std::set<std::string> read_known_failures(const std::string& path, const std::string& suite) {
  std::set<std::string> out;
  std::ifstream in(path);
  if (!in) {
    std::fprintf(stderr, "cannot read known failures from %s\n", path.c_str());
    std::exit(2);
  }
  for (std::string raw; std::getline(in, raw);) {
    std::string_view line = trim(raw);
    if (line.empty() || line.front() == '#') continue;
    size_t reason = line.find("  #");
    if (reason == std::string_view::npos) reason = line.find(" # ");
    std::string_view name = trim(line.substr(0, reason));
    if (starts_with(name, suite + ":")) out.insert(std::string(name));
  }
  return out;
}

void print_tally(const char* label, const Tally& t) {
  std::printf("  %-22s %5d passed %5d failed %5d skipped\n", label, t.passed, t.failed, t.skipped);
}

}  // namespace

int main(int argc, char** argv) {
  std::string known_path;
  std::vector<std::string> inputs;
  bool quiet_known = false;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    if (a == "--known-failures" && i + 1 < argc) {
      known_path = argv[++i];
    } else if (a == "--quiet-known") {
      quiet_known = true;
    } else if (a == "-h" || a == "--help") {
      std::printf(
          "usage: libvterm_runner [--known-failures FILE] [--quiet-known] DIR|FILE.test...\n"
          "Runs libvterm's t/*.test files against cadence's terminal core.\n");
      return 0;
    } else {
      inputs.push_back(a);
    }
  }
  if (inputs.empty()) {
    std::fprintf(stderr, "libvterm_runner: no test directory given (try --help)\n");
    return 2;
  }

  std::vector<fs::path> files;
  for (const std::string& in : inputs) {
    std::error_code ec;
    if (fs::is_directory(in, ec)) {
      for (const auto& entry : fs::directory_iterator(in))
        if (entry.path().extension() == ".test") files.push_back(entry.path());
    } else if (fs::is_regular_file(in, ec)) {
      files.push_back(in);
    } else {
      std::printf(
          "conformance-libvterm: skipped: %s does not exist (the conformance material lives "
          "outside the repository, in ../shared/conformance; set -Dconformance_dir to point "
          "elsewhere)\n",
          in.c_str());
      return kSkipExitCode;
    }
  }
  std::sort(files.begin(), files.end());
  if (files.empty()) {
    std::printf("conformance-libvterm: skipped: no .test files found\n");
    return kSkipExitCode;
  }

  std::set<std::string> known;
  if (!known_path.empty()) known = read_known_failures(known_path, kSuite);

  Results results;
  for (const fs::path& path : files) {
    std::ifstream in(path);
    if (!in) {
      std::fprintf(stderr, "cannot read %s\n", path.c_str());
      return 2;
    }
    FileRunner runner(path.stem().string(), results);
    runner.run(in);
  }

  // Failures, grouped by case, known ones marked.
  int unexpected = 0;
  int known_checks = 0;
  for (const Failure& f : results.failures) {
    bool is_known = known.count(std::string(kSuite) + ":" + f.case_name) > 0;
    if (is_known)
      ++known_checks;
    else
      ++unexpected;
    if (is_known && quiet_known) continue;
    std::printf("%s %s:%s (%s.test:%d)\n  check:    %s\n  expected: %s\n  actual:   %s\n",
                is_known ? "KNOWN" : "FAIL ", kSuite, f.case_name.c_str(), f.file.c_str(), f.line,
                f.check.c_str(), f.expected.c_str(), f.actual.c_str());
  }
  int stale = 0;
  for (const std::string& name : known) {
    if (!results.failing_cases.count(name)) {
      bool exists =
          std::find(results.case_order.begin(), results.case_order.end(),
                    name.substr(std::string(kSuite).size() + 1)) != results.case_order.end();
      std::printf("STALE %s: %s, remove it from known-failures.txt\n", name.c_str(),
                  exists ? "now passes" : "no such case");
      ++stale;
    }
  }

  std::printf("\nper file:\n");
  Tally total;
  for (const std::string& file : results.file_order) {
    const Tally& t = results.by_file[file];
    print_tally(file.c_str(), t);
    total.add(t);
  }
  std::printf("\nper kind of check:\n");
  Tally portable;
  for (const std::string& kind : kPortableKinds) {
    print_tally(kind.c_str(), results.by_kind[kind]);
    portable.add(results.by_kind[kind]);
  }
  for (const std::string& kind : kTranslatedKinds) print_tally(kind.c_str(), results.by_kind[kind]);
  auto listed = [](const std::vector<std::string>& kinds, const std::string& kind) {
    return std::find(kinds.begin(), kinds.end(), kind) != kinds.end();
  };
  for (const auto& [kind, t] : results.by_kind)
    if (!listed(kPortableKinds, kind) && !listed(kTranslatedKinds, kind))
      print_tally(kind.c_str(), t);
  std::printf("\nskipped, by reason:\n");
  for (const auto& [reason, n] : results.skipped_reasons)
    std::printf("  %5d  %s\n", n, reason.c_str());
  std::printf("\nparts of checks not compared (no counterpart in cadence):\n");
  for (const auto& [what, n] : results.uncompared) std::printf("  %5d  %s\n", n, what.c_str());

  int checked = portable.passed + portable.failed;
  std::printf("\nportable checks: %d of %d passed (%.1f%%), %d skipped\n", portable.passed, checked,
              checked ? 100.0 * portable.passed / checked : 0.0, portable.skipped);
  std::printf("cases: %zu, failing: %zu (%zu listed as known failures)\n",
              results.case_order.size(), results.failing_cases.size(), known.size());
  std::printf("known failures: %d checks\n", known_checks);
  std::printf("conformance-libvterm: %d passed, %d failed, %d skipped\n", total.passed,
              unexpected + stale, total.skipped);
  return unexpected + stale == 0 ? 0 : 1;
}
