// The escape-sequence parser: a DEC/ANSI state machine after the vt100.net model.
//
// It turns bytes into calls on a ParserHandler: runs of printable text, C0/C1 controls,
// ESC, CSI, OSC and DCS sequences. It owns no screen state, so it is tested alone.
//
// Decisions:
// - Printable ASCII is delivered in runs (print_ascii) straight from the input buffer,
//   with no per-byte dispatch and no copy: that is the hot path of every terminal.
// - Other text is decoded in runs too and delivered a batch of code points per call
//   (print_codepoints), so CJK, emoji and accented text cost one call per batch, not
//   one per character. ASCII runs shorter than kShortAscii ride along in the batch:
//   text like "naïve café" would otherwise alternate between the two paths every few
//   bytes, paying a call and a run set-up for each stretch.
// - A CSI sequence that arrives whole and plain (parameters and a final byte only, as
//   SGR and cursor movement almost always do) is parsed in one loop and dispatched
//   without entering the state machine; any other form goes through it byte by byte.
// - UTF-8 is decoded here. Every invalid or overlong sequence becomes one U+FFFD and the
//   decoder resynchronises on the next byte that can start a character, so bad bytes
//   never swallow good ones. Decoded U+0080..U+009F act as C1 controls, as in xterm.
// - Raw 8-bit C1 bytes are controls only with UTF-8 off; in UTF-8 mode they are invalid
//   (0x9C can be a continuation byte inside an OSC title, so it must not end one).
// - Every limit is explicit: parameter count and value, OSC and DCS payload length. A
//   sequence over a limit is dropped whole; nothing after it is lost.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace cadence::vt {

inline constexpr int kMaxParams = 32;             // more: the sequence is ignored
inline constexpr int32_t kMaxParamValue = 65535;  // larger values are clamped
inline constexpr size_t kMaxOscBytes = 1 << 20;   // 1 MiB: OSC 52 clipboard carries base64
inline constexpr size_t kMaxDcsBytes = 1 << 20;
inline constexpr int kMaxIntermediates = 2;  // more: the sequence is ignored
inline constexpr size_t kShortAscii = 16;    // shorter ASCII runs join a code-point batch

// Parameters of a CSI or DCS sequence. A missing parameter is -1 ("default").
struct Params {
  int count = 0;
  int32_t value[kMaxParams];
  // sub[i]: value[i] was introduced by ':' and belongs to the parameter before it.
  bool sub[kMaxParams];
  char prefix = 0;  // private marker: '?', '>', '<', '=' or 0
  char intermediates[kMaxIntermediates + 1] = {};
  int intermediate_count = 0;

  int32_t get(int i, int32_t fallback) const {
    return i < count && value[i] >= 0 ? value[i] : fallback;
  }
  // Like get(), but a value of 0 also means the default (cursor movement counts).
  int32_t count_at(int i, int32_t fallback = 1) const {
    int32_t v = get(i, fallback);
    return v == 0 ? fallback : v;
  }
  char intermediate() const { return intermediate_count ? intermediates[0] : 0; }
};

class ParserHandler {
 public:
  virtual ~ParserHandler() = default;
  // Printable ASCII (0x20..0x7E), straight from the input.
  virtual void print_ascii(const char* text, size_t length) = 0;
  // One decoded printable code point (anything that is not a control).
  virtual void print(char32_t cp) = 0;
  // A run of decoded printable code points, in order: what print() would get one by
  // one. Text that is mostly not ASCII comes this way, short stretches of printable
  // ASCII between its characters included; long ASCII runs still go to print_ascii.
  virtual void print_codepoints(const char32_t* cps, size_t count) {
    for (size_t i = 0; i < count; ++i) print(cps[i]);
  }
  // A C0 control (0x00..0x1F, 0x7F is never passed) or a C1 control (0x80..0x9F).
  virtual void execute(uint8_t control) = 0;
  virtual void esc_dispatch(const Params& params, uint8_t final) = 0;
  virtual void csi_dispatch(const Params& params, uint8_t final) = 0;
  // The whole OSC payload, without the terminator. Not called when over kMaxOscBytes.
  virtual void osc_dispatch(std::string_view payload) = 0;
  // The whole DCS sequence once terminated. Not called when over kMaxDcsBytes.
  virtual void dcs_dispatch(const Params& params, uint8_t final, std::string_view payload) = 0;
};

class Parser {
 public:
  explicit Parser(ParserHandler& handler) : handler_(handler) {}

  void feed(const char* data, size_t length);
  void feed(std::string_view data) { feed(data.data(), data.size()); }

  // With UTF-8 off, bytes are Latin-1 and 0x80..0x9F are C1 controls.
  void set_utf8(bool on);
  bool utf8() const { return utf8_; }
  void reset();

  // Sequences dropped for exceeding a limit, since construction (for tests and logs).
  uint64_t dropped_sequences() const { return dropped_; }

 private:
  enum class State : uint8_t {
    ground,
    escape,
    escape_intermediate,
    csi_entry,
    csi_param,
    csi_intermediate,
    csi_ignore,
    dcs_entry,
    dcs_param,
    dcs_intermediate,
    dcs_passthrough,
    dcs_ignore,
    osc_string,
    sos_pm_apc_string,
  };

  const char* ground_run(const char* p, const char* end);
  const char* utf8_run(const char* p, const char* end);
  const char* csi_run(const char* p, const char* end);
  const char* csi_param_run(const char* p, const char* end);
  void decode_utf8_byte(uint8_t byte);
  void emit_codepoint(char32_t cp);
  void advance(uint8_t byte);
  void execute_or_c1(uint8_t byte);
  void clear_sequence();
  void param_digit(uint8_t byte);
  void param_separator(bool sub);
  void collect(uint8_t byte);
  void string_byte(uint8_t byte);
  void string_end();
  void enter_string_state(State state);

  ParserHandler& handler_;
  State state_ = State::ground;
  bool utf8_ = true;
  // UTF-8 decoder: code point so far, bytes still expected, smallest valid value.
  char32_t utf8_cp_ = 0;
  uint8_t utf8_need_ = 0;
  char32_t utf8_min_ = 0;
  // An ESC seen inside a string: the next byte decides whether it was ST.
  bool string_esc_ = false;
  bool string_overflow_ = false;
  bool params_overflow_ = false;
  bool param_started_ = false;
  Params params_;
  uint8_t dcs_final_ = 0;
  std::string string_;
  uint64_t dropped_ = 0;
};

}  // namespace cadence::vt
