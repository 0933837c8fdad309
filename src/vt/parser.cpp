#include "vt/parser.hpp"

#include <algorithm>

#include "vt/ascii.hpp"

namespace cadence::vt {
namespace {

constexpr uint8_t kEsc = 0x1b;
constexpr uint8_t kBel = 0x07;
constexpr uint8_t kCan = 0x18;
constexpr uint8_t kSub = 0x1a;
constexpr uint8_t kDel = 0x7f;

}  // namespace

void Parser::set_utf8(bool on) {
  utf8_ = on;
  utf8_need_ = 0;
}

void Parser::reset() {
  state_ = State::ground;
  utf8_need_ = 0;
  string_esc_ = false;
  string_.clear();
  clear_sequence();
}

void Parser::clear_sequence() {
  params_.count = 0;
  params_.prefix = 0;
  params_.intermediate_count = 0;
  params_.intermediates[0] = 0;
  params_overflow_ = false;
  param_started_ = false;
}

// Scans a run of printable ASCII and hands it over in one call. Returns where the run
// ended (the first byte that needs the state machine).
const char* Parser::ground_run(const char* p, const char* end) {
  size_t n = ascii::printable_prefix(p, static_cast<size_t>(end - p));
  if (n) handler_.print_ascii(p, n);
  return p + n;
}

void Parser::feed(const char* data, size_t length) {
  const char* p = data;
  const char* end = data + length;
  while (p < end) {
    if (state_ == State::ground && utf8_need_ == 0) {
      p = ground_run(p, end);
      if (p == end) break;
      const uint8_t b = static_cast<uint8_t>(*p);
      if (b == kEsc) {
        if (const char* q = csi_run(p, end)) {
          p = q;
          continue;
        }
      } else if (b < 0x20 && b != kCan && b != kSub) {
        // Line ends and other C0 controls between runs of text: what advance() would do
        // in the ground state, without its dispatch.
        handler_.execute(b);
        ++p;
        continue;
      }
      if (utf8_ && b >= 0xc2) {
        const char* q = utf8_run(p, end);
        if (q != p) {
          p = q;
          continue;
        }
      }
    } else if (state_ == State::csi_param || state_ == State::csi_entry) {
      p = csi_param_run(p, end);
      if (p == end) break;
    }
    advance(static_cast<uint8_t>(*p++));
  }
}

// Whole, well-formed UTF-8 sequences decoded straight from the buffer and handed over
// in batches, with short runs of printable ASCII between them. Stops at other ASCII, at
// a long ASCII run, at anything malformed or cut off by the end of the buffer (the
// byte-wise decoder handles those), or when a decoded C1 control leaves the ground
// state.
const char* Parser::utf8_run(const char* p, const char* end) {
  constexpr size_t kBatch = 64;
  char32_t batch[kBatch];
  size_t n = 0;
  auto flush = [&] {
    if (n) handler_.print_codepoints(batch, n);
    n = 0;
  };
  while (p < end) {
    uint8_t b = static_cast<uint8_t>(*p);
    if (b < 0x80) {
      size_t run = ascii::printable_prefix(p, std::min<size_t>(kShortAscii, end - p));
      if (run == 0 || run == kShortAscii) break;
      if (n + run > kBatch) flush();
      for (size_t k = 0; k < run; ++k) batch[n++] = static_cast<uint8_t>(p[k]);
      p += run;
      continue;
    }
    // One branch per sequence length; the lead byte's range already rules out the
    // overlong two-byte forms, the checks below the rest and the surrogates.
    char32_t cp;
    if (b < 0xc2) {
      break;
    } else if (b < 0xe0) {
      if (end - p < 2) break;
      const uint8_t c1 = static_cast<uint8_t>(p[1]);
      if ((c1 & 0xc0) != 0x80) break;
      cp = (char32_t{b & 0x1fu} << 6) | (c1 & 0x3fu);
      p += 2;
    } else if (b < 0xf0) {
      if (end - p < 3) break;
      const uint8_t c1 = static_cast<uint8_t>(p[1]), c2 = static_cast<uint8_t>(p[2]);
      if (((c1 & 0xc0) ^ 0x80) | ((c2 & 0xc0) ^ 0x80)) break;
      cp = (char32_t{b & 0x0fu} << 12) | (char32_t{c1 & 0x3fu} << 6) | (c2 & 0x3fu);
      if (cp < 0x800 || cp - 0xd800 < 0x800) break;
      p += 3;
    } else if (b < 0xf5) {
      if (end - p < 4) break;
      const uint8_t c1 = static_cast<uint8_t>(p[1]), c2 = static_cast<uint8_t>(p[2]),
                    c3 = static_cast<uint8_t>(p[3]);
      if (((c1 & 0xc0) ^ 0x80) | ((c2 & 0xc0) ^ 0x80) | ((c3 & 0xc0) ^ 0x80)) break;
      cp = (char32_t{b & 0x07u} << 18) | (char32_t{c1 & 0x3fu} << 12) |
           (char32_t{c2 & 0x3fu} << 6) | (c3 & 0x3fu);
      if (cp < 0x10000 || cp > 0x10ffff) break;
      p += 4;
    } else {
      break;
    }
    if (cp < 0xa0) {  // a C1 control
      flush();
      execute_or_c1(static_cast<uint8_t>(cp));
      if (state_ != State::ground) break;
      continue;
    }
    if (n == kBatch) flush();
    batch[n++] = cp;
  }
  flush();
  return p;
}

// A whole CSI sequence at p (ESC [ ...) in its plain form: an optional private marker,
// digits and separators, a final byte, all within the buffer. It is parsed and
// dispatched here, in one loop, and the return value is the byte after it. Anything
// else (an intermediate, a control inside, too many parameters, the buffer ending
// first) returns nullptr having consumed nothing, and the state machine takes the
// sequence byte by byte with the same result.
const char* Parser::csi_run(const char* p, const char* end) {
  if (end - p < 3 || p[1] != '[') return nullptr;
  const char* q = p + 2;
  Params& params = params_;
  params.prefix = 0;
  params.intermediate_count = 0;
  params.intermediates[0] = 0;
  if (static_cast<uint8_t>(*q) - 0x3cu < 4u) params.prefix = *q++;
  int count = 0;
  int32_t value = -1;
  bool sub = false;
  bool any = false;  // a digit or separator was seen: there is at least one parameter
  while (q < end) {
    uint8_t b = static_cast<uint8_t>(*q);
    if (static_cast<unsigned>(b - '0') < 10u) {
      // A whole number in its own loop. Past 65535 nothing changes the clamped result,
      // and stopping the multiplication there keeps it from overflowing.
      uint32_t v = b - '0';
      while (++q < end) {
        const unsigned digit = static_cast<uint8_t>(*q) - static_cast<unsigned>('0');
        if (digit > 9) break;
        if (v <= static_cast<uint32_t>(kMaxParamValue)) v = v * 10 + digit;
      }
      value = static_cast<int32_t>(std::min(v, static_cast<uint32_t>(kMaxParamValue)));
      any = true;
      if (q == end) break;
      b = static_cast<uint8_t>(*q);
    }
    if (b == ';' || b == ':') {
      // This parameter and the one the separator opens must both fit.
      if (count + 2 > kMaxParams) return nullptr;
      params.value[count] = value;
      params.sub[count] = sub;
      ++count;
      value = -1;
      sub = b == ':';
      any = true;
      ++q;
    } else if (b >= 0x40 && b < 0x7f) {
      if (any) {
        params.value[count] = value;
        params.sub[count] = sub;
        ++count;
      }
      params.count = count;
      handler_.csi_dispatch(params, b);
      return q + 1;
    } else {
      return nullptr;
    }
  }
  return nullptr;
}

// Digits and separators of a CSI sequence without a trip through the state machine
// per byte: SGR-heavy output is mostly this.
const char* Parser::csi_param_run(const char* p, const char* end) {
  while (p < end) {
    uint8_t b = static_cast<uint8_t>(*p);
    if (b >= '0' && b <= '9') {
      param_digit(b);
    } else if (b == ';' || b == ':') {
      param_separator(b == ':');
    } else {
      break;
    }
    state_ = State::csi_param;
    ++p;
  }
  return p;
}

void Parser::emit_codepoint(char32_t cp) {
  if (cp >= 0x80 && cp < 0xa0) {
    execute_or_c1(static_cast<uint8_t>(cp));
    return;
  }
  handler_.print(cp);
}

void Parser::decode_utf8_byte(uint8_t b) {
  if (utf8_need_) {
    if ((b & 0xc0) == 0x80) {
      utf8_cp_ = (utf8_cp_ << 6) | (b & 0x3f);
      if (--utf8_need_ == 0) {
        char32_t cp = utf8_cp_;
        bool bad = cp < utf8_min_ || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff);
        emit_codepoint(bad ? U'\uFFFD' : cp);
      }
      return;
    }
    // The sequence ended early: one replacement for it, then this byte starts afresh.
    utf8_need_ = 0;
    handler_.print(U'\uFFFD');
    advance(b);
    return;
  }
  if (b < 0xc0) {  // a continuation byte with no lead
    handler_.print(U'\uFFFD');
  } else if (b < 0xe0) {
    utf8_cp_ = b & 0x1f;
    utf8_need_ = 1;
    utf8_min_ = 0x80;
  } else if (b < 0xf0) {
    utf8_cp_ = b & 0x0f;
    utf8_need_ = 2;
    utf8_min_ = 0x800;
  } else if (b < 0xf8) {
    utf8_cp_ = b & 0x07;
    utf8_need_ = 3;
    utf8_min_ = 0x10000;
  } else {
    handler_.print(U'\uFFFD');
  }
}

// A C1 control, whether it came as a raw byte (UTF-8 off), decoded from UTF-8, or as
// its 7-bit ESC form. Sequence introducers change state; the rest are executed.
void Parser::execute_or_c1(uint8_t c) {
  switch (c) {
    case 0x90:  // DCS
      clear_sequence();
      state_ = State::dcs_entry;
      return;
    case 0x9b:  // CSI
      clear_sequence();
      state_ = State::csi_entry;
      return;
    case 0x9d:  // OSC
      enter_string_state(State::osc_string);
      return;
    case 0x98:  // SOS
    case 0x9e:  // PM
    case 0x9f:  // APC
      enter_string_state(State::sos_pm_apc_string);
      return;
    case 0x9c:  // ST with nothing to terminate
      state_ = State::ground;
      return;
    default: state_ = State::ground; handler_.execute(c);
  }
}

void Parser::enter_string_state(State state) {
  state_ = state;
  string_.clear();
  string_esc_ = false;
  string_overflow_ = false;
}

void Parser::param_digit(uint8_t b) {
  if (params_overflow_) return;
  if (!param_started_) {
    if (params_.count == kMaxParams) {
      params_overflow_ = true;
      return;
    }
    params_.value[params_.count] = -1;
    params_.sub[params_.count] = false;
    ++params_.count;
    param_started_ = true;
  }
  int32_t& v = params_.value[params_.count - 1];
  int32_t next = (v < 0 ? 0 : v) * 10 + (b - '0');
  v = next > kMaxParamValue ? kMaxParamValue : next;
}

// ';' or ':' ends the current parameter; a missing one is recorded as default.
void Parser::param_separator(bool sub) {
  if (params_overflow_) return;
  if (!param_started_) {
    if (params_.count == kMaxParams) {
      params_overflow_ = true;
      return;
    }
    params_.value[params_.count] = -1;
    params_.sub[params_.count] = false;
    ++params_.count;
  }
  if (params_.count == kMaxParams) {
    params_overflow_ = true;
    return;
  }
  params_.value[params_.count] = -1;
  params_.sub[params_.count] = sub;
  ++params_.count;
  param_started_ = true;
}

void Parser::collect(uint8_t b) {
  if (params_.intermediate_count == kMaxIntermediates) {
    params_overflow_ = true;
    return;
  }
  params_.intermediates[params_.intermediate_count++] = static_cast<char>(b);
  params_.intermediates[params_.intermediate_count] = 0;
}

void Parser::string_byte(uint8_t b) {
  if (string_overflow_) return;
  size_t limit = state_ == State::osc_string ? kMaxOscBytes : kMaxDcsBytes;
  if (string_.size() >= limit) {
    string_overflow_ = true;
    string_.clear();
    string_.shrink_to_fit();
    return;
  }
  string_.push_back(static_cast<char>(b));
}

void Parser::string_end() {
  if (string_overflow_) {
    ++dropped_;
  } else if (state_ == State::osc_string) {
    handler_.osc_dispatch(string_);
  } else if (state_ == State::dcs_passthrough) {
    handler_.dcs_dispatch(params_, dcs_final_, string_);
  }
  string_.clear();
  if (string_.capacity() > 4096) string_.shrink_to_fit();
  state_ = State::ground;
}

void Parser::advance(uint8_t b) {
  // Strings first: they swallow almost everything, and an ESC inside them may be the
  // first half of ST.
  switch (state_) {
    case State::osc_string:
    case State::dcs_passthrough:
    case State::dcs_ignore:
    case State::sos_pm_apc_string:
      if (string_esc_) {
        string_esc_ = false;
        if (b == '\\') {
          string_end();
          return;
        }
        // ESC followed by anything else aborts the string and starts a new escape.
        string_.clear();
        state_ = State::escape;
        clear_sequence();
        advance(b);
        return;
      }
      if (b == kEsc) {
        string_esc_ = true;
        return;
      }
      if (b == kCan || b == kSub) {
        string_.clear();
        state_ = State::ground;
        return;
      }
      if (b == kBel && state_ != State::sos_pm_apc_string) {
        string_end();
        return;
      }
      if (!utf8_ && b == 0x9c) {
        string_end();
        return;
      }
      if (state_ == State::dcs_ignore || state_ == State::sos_pm_apc_string) return;
      if (b < 0x20) return;  // other C0 inside a string is ignored, as xterm does
      string_byte(b);
      return;
    default: break;
  }

  // Anywhere transitions.
  if (b == kEsc) {
    if (utf8_need_) {
      utf8_need_ = 0;
      handler_.print(U'\uFFFD');
    }
    state_ = State::escape;
    clear_sequence();
    return;
  }
  if (b == kCan || b == kSub) {
    if (utf8_need_) {
      utf8_need_ = 0;
      handler_.print(U'\uFFFD');
    }
    state_ = State::ground;
    return;
  }
  if (b >= 0x80 && !utf8_ && b < 0xa0) {
    execute_or_c1(b);
    return;
  }

  switch (state_) {
    case State::ground:
      if (b < 0x20) {
        if (utf8_need_) {
          utf8_need_ = 0;
          handler_.print(U'\uFFFD');
        }
        handler_.execute(b);
      } else if (b == kDel) {
        // ignored
      } else if (b < 0x80) {
        if (utf8_need_) {
          decode_utf8_byte(b);  // emits U+FFFD and re-enters with this byte
        } else {
          char c = static_cast<char>(b);
          handler_.print_ascii(&c, 1);
        }
      } else if (utf8_) {
        decode_utf8_byte(b);
      } else {
        handler_.print(b);
      }
      return;

    case State::escape:
      if (b < 0x20) {
        handler_.execute(b);
      } else if (b < 0x30) {
        collect(b);
        state_ = State::escape_intermediate;
      } else if (b == '[') {
        clear_sequence();
        state_ = State::csi_entry;
      } else if (b == ']') {
        enter_string_state(State::osc_string);
      } else if (b == 'P') {
        clear_sequence();
        state_ = State::dcs_entry;
      } else if (b == 'X' || b == '^' || b == '_') {
        enter_string_state(State::sos_pm_apc_string);
      } else if (b >= 0x40 && b < 0x60 && b != 'P' && b != '[' && b != ']' && b != '\\') {
        // ESC Fe is the 7-bit form of a C1 control.
        execute_or_c1(static_cast<uint8_t>(b + 0x40));
      } else if (b == kDel) {
        // ignored
      } else if (b < 0x80) {
        state_ = State::ground;
        handler_.esc_dispatch(params_, b);
      } else {
        state_ = State::ground;
      }
      return;

    case State::escape_intermediate:
      if (b < 0x20) {
        handler_.execute(b);
      } else if (b < 0x30) {
        collect(b);
      } else if (b < 0x7f) {
        state_ = State::ground;
        if (!params_overflow_) handler_.esc_dispatch(params_, b);
      } else if (b != kDel) {
        state_ = State::ground;
      }
      return;

    case State::csi_entry:
    case State::csi_param:
    case State::dcs_entry:
    case State::dcs_param: {
      bool dcs = state_ == State::dcs_entry || state_ == State::dcs_param;
      bool entry = state_ == State::csi_entry || state_ == State::dcs_entry;
      if (b < 0x20) {
        if (!dcs) handler_.execute(b);
        return;
      }
      if (b >= '0' && b <= '9') {
        param_digit(b);
        state_ = dcs ? State::dcs_param : State::csi_param;
      } else if (b == ';' || b == ':') {
        param_separator(b == ':');
        state_ = dcs ? State::dcs_param : State::csi_param;
      } else if (b >= 0x3c && b <= 0x3f) {
        if (entry) {
          params_.prefix = static_cast<char>(b);
          state_ = dcs ? State::dcs_param : State::csi_param;
        } else {
          state_ = dcs ? State::dcs_ignore : State::csi_ignore;
        }
      } else if (b < 0x30) {
        collect(b);
        state_ = dcs ? State::dcs_intermediate : State::csi_intermediate;
      } else if (b >= 0x40 && b < 0x7f) {
        if (dcs) {
          dcs_final_ = b;
          enter_string_state(params_overflow_ ? State::dcs_ignore : State::dcs_passthrough);
        } else {
          state_ = State::ground;
          if (params_overflow_)
            ++dropped_;
          else
            handler_.csi_dispatch(params_, b);
        }
      } else if (b != kDel) {
        state_ = dcs ? State::dcs_ignore : State::csi_ignore;
      }
      return;
    }

    case State::csi_intermediate:
    case State::dcs_intermediate: {
      bool dcs = state_ == State::dcs_intermediate;
      if (b < 0x20) {
        if (!dcs) handler_.execute(b);
      } else if (b < 0x30) {
        collect(b);
      } else if (b < 0x40) {
        state_ = dcs ? State::dcs_ignore : State::csi_ignore;
      } else if (b < 0x7f) {
        if (dcs) {
          dcs_final_ = b;
          enter_string_state(params_overflow_ ? State::dcs_ignore : State::dcs_passthrough);
        } else {
          state_ = State::ground;
          if (params_overflow_)
            ++dropped_;
          else
            handler_.csi_dispatch(params_, b);
        }
      }
      return;
    }

    case State::csi_ignore:
      if (b < 0x20) {
        handler_.execute(b);
      } else if (b >= 0x40 && b < 0x7f) {
        state_ = State::ground;
      }
      return;

    default: return;
  }
}

}  // namespace cadence::vt
