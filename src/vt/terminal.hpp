// The terminal: parser, screens, cursor, modes and everything a program can ask of it.
//
// This is the core of cadence and has no I/O: bytes go in through feed(), replies come
// out through TerminalObserver::on_reply(), and readers look at rows, cursor and modes.
// One Terminal belongs to one pane; it is not thread-safe (the pane's lock guards it).
//
// Rows carry versions: every mutating call bumps the terminal's sequence number once,
// and every row it touches records that number. Consumers keep the last number they saw
// and ask for rows newer than it (changed_rows), which is how the renderer uploads only
// changed rows and how the mux sends deltas.
#pragma once

#include <algorithm>
#include <array>
#include <cstdint>
#include <deque>
#include <string>
#include <string_view>
#include <vector>

#include "base/units.hpp"
#include "vt/cell.hpp"
#include "vt/line.hpp"
#include "vt/line_ring.hpp"
#include "vt/modes.hpp"
#include "vt/packed_line.hpp"
#include "vt/parser.hpp"
#include "vt/style_table.hpp"
#include "vt/unicode/unicode.hpp"

namespace cadence::vt {

inline constexpr int kMaxTitleStack = 10;
inline constexpr size_t kMaxTitleBytes = 4096;
inline constexpr int kMaxRepeat = 65535;         // REP count, clamped
inline constexpr int kMaxDimension = 4096;       // rows or columns
inline constexpr size_t kMaxHyperlinks = 65536;  // distinct OSC 8 links per terminal
inline constexpr int kPaletteForeground = 256;
inline constexpr int kPaletteBackground = 257;
inline constexpr int kPaletteCursor = 258;
inline constexpr int kPaletteSize = 259;
// History lines not packed yet are kept as cells (8 bytes each against about 2 packed);
// past this many bytes of them the oldest are packed.
inline constexpr size_t kMaxUnpackedHistoryBytes = 16u << 20;

// What the terminal tells the outside world. Every method has a harmless default.
class TerminalObserver {
 public:
  virtual ~TerminalObserver() = default;
  // Bytes to send back to the program (answers to queries).
  virtual void on_reply(std::string_view) {}
  virtual void on_bell() {}
  virtual void on_title_changed(std::string_view) {}
  // OSC 52: `selection` is the target list ("c", "p", "s" ...), data already decoded.
  virtual void on_clipboard_set(std::string_view /*selection*/, std::string_view /*data*/) {}
  // OSC 9 and OSC 777 notifications.
  virtual void on_notification(std::string_view /*title*/, std::string_view /*body*/) {}
  // OSC 9;4: state 0 remove, 1 normal, 2 error, 3 indeterminate, 4 paused; value 0..100.
  virtual void on_progress(int /*state*/, int /*value*/) {}
  virtual void on_cwd_changed(std::string_view) {}
};

struct Hyperlink {
  std::string id;
  std::string uri;
};

// OSC 133 prompt marks, as recorded on the row where they were seen.
enum class PromptMark : uint8_t { prompt_start, command_start, output_start, command_end };

struct Charsets {
  // G0..G3 designations: 'B' ASCII, '0' DEC special graphics, 'A' UK.
  char g[4] = {'B', 'B', 'B', 'B'};
  uint8_t gl = 0;  // which G set is invoked into GL
  // Which G set LS1R/LS2R/LS3R invoked into GR: it maps bytes 0xA1..0xFE when UTF-8 is
  // off. -1: none, those bytes are Latin-1.
  int8_t gr = -1;
  int8_t single_shift = -1;  // SS2/SS3 pending: 2 or 3
};

struct CursorState {
  int row = 0;
  int col = 0;
  // xterm's "last column flag": a character was written in the last column and the next
  // printable character wraps first.
  bool pending_wrap = false;
  Style pen;
  bool origin = false;
  bool autowrap = true;
  Charsets charsets;
};

class Terminal : private ParserHandler {
 public:
  struct Options {
    int rows = 24;
    int cols = 80;
    size_t scrollback_lines = 10000;
    bool allow_clipboard_read = false;  // OSC 52 queries stay unanswered unless set
    // The terminfo name XTGETTCAP's TN answers with: the TERM the program was given.
    std::string term_name = "xterm-256color";
  };

  explicit Terminal(Options options);
  Terminal() : Terminal(Options{}) {}
  ~Terminal() override;

  void set_observer(TerminalObserver* observer) { observer_ = observer ? observer : &null_; }

  void feed(std::string_view bytes);
  // Resizes both screens; the primary one reflows soft-wrapped lines.
  void resize(int rows, int cols);
  // RIS: everything back to power-on state (scrollback is kept, as in xterm).
  void reset();
  // The pixel size of a cell, for CSI 14/16 t reports.
  void set_cell_size_px(int width, int height) {
    cell_width_px_ = width;
    cell_height_px_ = height;
  }
  // Latin-1 instead of UTF-8 input (for conformance material and old hosts).
  void set_utf8(bool on) { parser_.set_utf8(on); }

  // ---- reading ----
  int rows() const { return rows_; }
  int cols() const { return cols_; }
  const Line& line(Row row) const { return active().row(row.get()); }
  const CursorState& cursor() const { return cursor_; }
  const Modes& modes() const { return modes_; }
  CursorShape cursor_shape() const { return cursor_shape_; }
  // The user's cursor style: what DECSCUSR 0 and a reset go back to. Applied at once
  // unless a program chose a style of its own.
  void set_default_cursor(CursorShape shape, bool blinking);
  bool cursor_blinking() const { return cursor_blink_style_; }
  const Style& style(StyleId id) const { return styles_.get(id); }
  // The text of a cell (its whole grapheme cluster) as UTF-8; empty for a blank cell.
  std::string cell_text(const Cell& cell) const;
  // The code points of a grapheme-cluster cell (cp >= kClusterBase); empty if unknown.
  const std::u32string& cluster(char32_t id) const {
    static const std::u32string kNone;
    return clusters_.contains(id) ? clusters_.get(id) : kNone;
  }
  // The UTF-8 text of a row; blanks become spaces and trailing blanks are dropped.
  std::string row_text(Row row) const;
  // The colour a palette index shows now (OSC 4/10/11/12 overrides applied), 0xRRGGBB.
  // 0..255 the palette, then kPaletteForeground, kPaletteBackground, kPaletteCursor.
  uint32_t palette_color(int index) const;
  // Bumped whenever a palette entry or default colour may have changed.
  uint64_t palette_version() const { return palette_version_; }
  // The defaults OSC 10/11/12 report and reset to (the window's configured colours).
  void set_default_colors(uint32_t foreground, uint32_t background, uint32_t cursor);
  // A palette entry's default (what OSC 104 resets it to): the configured colour scheme.
  void set_default_palette(int index, uint32_t rgb);

  const std::string& title() const { return title_; }
  const std::string& icon_title() const { return icon_title_; }
  const std::string& cwd() const { return cwd_; }
  const Hyperlink* hyperlink(uint32_t id) const;
  bool is_alt_screen() const { return active_ == &alt_; }
  int kitty_keyboard_flags() const;

  // Scrollback, oldest first. Reading a line packs the lines that scrolled off since the
  // last read first (see push_to_scrollback), so the first read after a flood can take
  // a few milliseconds.
  size_t scrollback_size() const { return scrollback_.size() + recent_.size(); }
  const PackedLine& scrollback_line(size_t i) const {
    if (!recent_.empty()) pack_recent();
    return scrollback_[i];
  }
  // History row i (the order of scrollback_line) without packing anything first:
  // f(const Line&) for a row still kept live, f(const PackedLine&) for a packed one. For
  // readers that look at a few recent rows while output floods in (the mux server),
  // where forcing the pack would undo the lazy packing.
  template <typename F>
  void visit_history_line(size_t i, F&& f) const {
    if (i < scrollback_.size()) {
      f(scrollback_[i]);
    } else {
      // Kept as used cells only: handed over as a row of the screen's width.
      const LineRing::Entry e = recent_.at(i - scrollback_.size());
      thread_local Line row;
      row.cells.assign(e.cells, e.cells + e.count);
      row.cells.resize(static_cast<size_t>(std::max(cols_, e.count)));
      row.version = e.version;
      row.wrapped = e.wrapped;
      row.extent = e.count;
      f(static_cast<const Line&>(row));
    }
  }
  uint64_t history_line_version(size_t i) const {
    return i < scrollback_.size() ? scrollback_[i].version()
                                  : recent_.at(i - scrollback_.size()).version;
  }
  // Packs the history lines still kept as live rows. The pty thread calls it when
  // output pauses; everything that reads history calls it implicitly.
  void compact_history() { pack_recent(); }
  size_t unpacked_history() const { return recent_.size(); }
  size_t scrollback_limit() const { return options_.scrollback_lines; }
  // Lines ever scrolled into the scrollback (including ones since dropped). The stable
  // row of screen row r is history_total() + r.
  uint64_t history_total() const { return history_total_; }
  // Bumped when history rows were rewritten or dropped wholesale (a reflow, ED 3):
  // cached history rows are stale. Within one epoch a row that kept its version also
  // kept its stable row.
  uint64_t history_epoch() const { return history_epoch_; }
  StableRow stable_row(Row row) const {
    return StableRow(static_cast<int64_t>(history_total_) + row.get());
  }

  // The sequence number of the last change; rows changed since V have version > V.
  uint64_t version() const { return seq_; }
  // Calls f(Row, const Line&) for each row in [first, last) of the active screen whose
  // version is newer than `since`.
  template <typename F>
  void changed_rows(uint64_t since, Row first, Row last, F&& f) const {
    for (int r = first.get(); r < last.get() && r < rows_; ++r) {
      const Line& l = active().row(r);
      if (l.version > since) f(Row(r), l);
    }
  }

  // Diagnostics and tests.
  size_t style_table_size() const { return styles_.size(); }
  size_t cluster_table_size() const { return clusters_.size(); }
  uint64_t dropped_sequences() const { return parser_.dropped_sequences(); }
  size_t scrollback_heap_bytes() const;
  const std::vector<std::pair<StableRow, PromptMark>>& prompt_marks() const { return marks_; }

 private:
  // A ring of rows: scrolling the whole screen moves an offset, not the rows.
  struct Screen {
    std::vector<Line> lines;
    int top = 0;
    CursorState saved;
    bool has_saved = false;
    Line& row(int r) {
      int i = top + r;
      int n = static_cast<int>(lines.size());
      return lines[i >= n ? i - n : i];
    }
    const Line& row(int r) const { return const_cast<Screen*>(this)->row(r); }
  };

  // ParserHandler
  void print_ascii(const char* text, size_t length) override;
  void print(char32_t cp) override;
  void print_codepoints(const char32_t* cps, size_t count) override;
  void execute(uint8_t control) override;
  void esc_dispatch(const Params& params, uint8_t final) override;
  void csi_dispatch(const Params& params, uint8_t final) override;
  void osc_dispatch(std::string_view payload) override;
  void dcs_dispatch(const Params& params, uint8_t final, std::string_view payload) override;

  Screen& active() { return *active_; }
  const Screen& active() const { return *active_; }
  // Marks a row changed. touch() is for writers that may change any cell; printing,
  // which knows how far it wrote, uses touch_upto() and keeps Line::extent tight.
  Line& touch(int row) {
    Line& l = active_->row(row);
    l.version = seq_;
    l.extent = static_cast<int>(l.cells.size());
    return l;
  }
  Line& touch_upto(int row, int end) {
    Line& l = active_->row(row);
    l.version = seq_;
    if (end > l.extent) l.extent = end;
    return l;
  }

  // printing (terminal.cpp)
  void print_mapped(char32_t cp);
  size_t print_row_run(const char32_t* cps, size_t i, size_t count);
  void put_char(char32_t cp, int width);
  // put_char's common case, inlined into the print loops (terminal.cpp); false when the
  // character needs put_char_slow (a wrap, insert mode, a double-width row).
  bool put_char_fast(char32_t cp, int width);
  [[gnu::noinline]] void put_char_slow(char32_t cp, int width);
  void attach_to_previous(char32_t cp);
  void wrap_line();
  void resolve_pending_wrap();
  StyleId pen_id() {
    if (pen_id_valid_) [[likely]]
      return pen_id_;
    return intern_pen();
  }
  StyleId intern_pen();
  StyleId erase_id() {
    pen_id();
    return erase_id_;
  }
  void forget_last_cell() {
    last_cell_valid_ = false;
    segmenter_.reset();
  }

  // cursor and scrolling (terminal_edit.cpp)
  int top_margin() const { return scroll_top_; }
  int bottom_margin() const { return scroll_bottom_; }
  int left_margin() const { return modes_.left_right_margins ? margin_left_ : 0; }
  int right_margin() const { return modes_.left_right_margins ? margin_right_ : cols_ - 1; }
  // The last column the cursor can print in or move to on its row.
  int right_edge() const {
    int right = cursor_.col <= right_margin() ? right_margin() : cols_ - 1;
    // A double-width row holds half as many characters (xterm's LineMaxCol).
    if (active().row(cursor_.row).size != LineSize::normal) [[unlikely]]
      right = std::min(right, (cols_ - 1) / 2);
    return right;
  }
  bool full_width_margins() const { return left_margin() == 0 && right_margin() == cols_ - 1; }
  void move_to(int row, int col);
  void move_to_origin_relative(int row, int col);
  void cursor_up(int n, bool clamp_to_margin = true);
  void cursor_down(int n, bool clamp_to_margin = true);
  void cursor_left(int n);
  void cursor_right(int n);
  void linefeed();
  void reverse_index();
  void index();
  void carriage_return();
  void backspace();
  void tab_forward(int n);
  void tab_backward(int n);
  void scroll_up(int top, int bottom, int n);
  void scroll_down(int top, int bottom, int n);
  // Copies the row into the history; the caller resets the row afterwards.
  void push_to_scrollback(Line& line);
  void pack_recent() const;
  void erase_cells(int row, int from, int to, bool selective = false);
  void erase_display(int mode, bool selective);
  void erase_line(int mode, bool selective);
  void insert_cells(int n);
  void delete_cells(int n);
  void insert_lines(int n);
  void delete_lines(int n);
  void fix_wide_boundary(Line& line, int col);
  void fill_screen_with_e();
  void clear_screen(Screen& screen);
  void set_alt_screen(bool on, bool clear_alt, bool save_cursor);
  void save_cursor();
  void restore_cursor();
  void soft_reset();
  void reset_tabs();

  // control sequences (terminal_csi.cpp)
  void set_mode(const Params& params, bool on);
  void set_dec_mode(int mode, bool on);
  void set_ansi_mode(int mode, bool on);
  int dec_mode_state(int mode) const;
  int ansi_mode_state(int mode) const;
  void select_graphic_rendition(const Params& params);
  void window_ops(const Params& params);
  void repeat_last(int n);
  void report_device_status(const Params& params);
  void request_checksum(const Params& params);
  void kitty_keyboard(const Params& params, uint8_t final);

  // strings (terminal_osc.cpp)
  void osc_colors(int command, std::string_view rest);
  void osc_hyperlink(std::string_view rest);
  void osc_clipboard(std::string_view rest);
  void osc_prompt_mark(std::string_view rest);
  void request_status_string(std::string_view request);
  void request_termcap(std::string_view request);
  void reply(std::string_view bytes) { observer_->on_reply(bytes); }
  void set_title(std::string_view title, bool window, bool icon);

  // resizing (reflow.cpp)
  void resize_primary(int rows, int cols);
  void resize_alt(int rows, int cols);
  void compact_tables();

  Options options_;
  TerminalObserver null_;
  TerminalObserver* observer_ = &null_;
  Parser parser_{*this};
  int rows_;
  int cols_;
  Screen primary_;
  Screen alt_;
  Screen* active_ = &primary_;
  // History is packed lazily. Lines that scroll off go to recent_ as their used cells
  // (a copy into one circular buffer) and are packed only when something reads the
  // history, when output pauses, or when recent_ passes kMaxUnpackedHistoryBytes, and
  // then only its oldest lines. In a flood most lines drop
  // out of a bounded scrollback before any of that happens, so they are never packed:
  // packing was a third of the parse thread's time on mixed output.
  mutable std::deque<PackedLine> scrollback_;
  mutable LineRing recent_{kMaxUnpackedHistoryBytes};
  uint64_t history_total_ = 0;
  uint64_t history_epoch_ = 0;
  uint64_t seq_ = 1;

  CursorState cursor_;
  StyleId pen_id_ = 0;
  StyleId erase_id_ = 0;
  bool pen_id_valid_ = true;
  Modes modes_;
  CursorShape cursor_shape_ = CursorShape::block;
  bool cursor_blink_style_ = true;
  CursorShape default_cursor_shape_ = CursorShape::block;
  bool default_cursor_blink_ = true;
  bool cursor_style_from_program_ = false;  // set by DECSCUSR 1..6
  int scroll_top_ = 0;
  int scroll_bottom_ = 0;
  int margin_left_ = 0;
  int margin_right_ = 0;
  std::vector<bool> tabs_;

  StyleTable styles_;
  ClusterTable clusters_;
  // A direct-mapped cache of cluster transitions (attach_to_previous); emptied whenever
  // cluster ids are reassigned (compact_tables).
  struct ClusterStep {
    char32_t from = 0;
    char32_t mark = 0;
    char32_t to = 0;
  };
  static constexpr size_t kClusterSteps = 256;
  std::array<ClusterStep, kClusterSteps> cluster_steps_{};
  unicode::Segmenter segmenter_;
  unicode::PropertyCache property_cache_;
  bool last_cell_valid_ = false;
  int last_cell_row_ = 0;
  int last_cell_col_ = 0;
  char32_t last_printed_ = 0;  // for REP
  int last_printed_width_ = 1;

  std::string title_;
  std::string icon_title_;
  std::vector<std::pair<std::string, std::string>> title_stack_;
  std::string cwd_;
  std::vector<Hyperlink> links_;  // id = index + 1
  uint32_t current_link_ = 0;
  std::vector<std::pair<StableRow, PromptMark>> marks_;
  // Colour overrides from OSC 4/10/11/12 (index 256 fg, 257 bg, 258 cursor); unset = -1.
  std::vector<int64_t> palette_;
  uint32_t default_colors_[3] = {0xffffff, 0x000000, 0xffffff};  // fg, bg, cursor
  std::vector<int64_t> default_palette_overrides_;               // 0..255, -1: xterm's
  uint64_t palette_version_ = 0;
  // kitty keyboard protocol: a stack of flag sets per screen.
  std::vector<int> kitty_flags_primary_;
  std::vector<int> kitty_flags_alt_;
  int conformance_level_ = 65;
  int cell_width_px_ = 8;
  int cell_height_px_ = 16;  // DECSCL: 61..65
};

// The 256-colour palette cadence starts with (xterm's values), as 0xRRGGBB.
uint32_t default_palette(int index);

}  // namespace cadence::vt
