#include "vt/parser.hpp"

#include <cstring>

namespace cadence::vt {
namespace {

constexpr uint8_t kEsc = 0x1b;
constexpr uint8_t kBel = 0x07;
constexpr uint8_t kCan = 0x18;
constexpr uint8_t kSub = 0x1a;
constexpr uint8_t kDel = 0x7f;

constexpr bool is_printable_ascii(uint8_t b) { return b >= 0x20 && b < 0x7f; }

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
  const char* start = p;
  // Eight bytes at a time: a word is all printable ASCII when no byte is < 0x20 and no
  // byte is >= 0x7f.
  while (end - p >= 8) {
    uint64_t w;
    std::memcpy(&w, p, 8);
    uint64_t high = w & 0x8080808080808080ull;
    uint64_t low = (w - 0x2020202020202020ull) & ~w & 0x8080808080808080ull;
    uint64_t del = ((w ^ 0x7f7f7f7f7f7f7f7full) - 0x0101010101010101ull) &
                   ~(w ^ 0x7f7f7f7f7f7f7f7full) & 0x8080808080808080ull;
    if (high | low | del) break;
    p += 8;
  }
  while (p < end && is_printable_ascii(static_cast<uint8_t>(*p))) ++p;
  if (p != start) handler_.print_ascii(start, static_cast<size_t>(p - start));
  return p;
}

void Parser::feed(const char* data, size_t length) {
  const char* p = data;
  const char* end = data + length;
  while (p < end) {
    if (state_ == State::ground && utf8_need_ == 0) {
      p = ground_run(p, end);
      if (p == end) break;
      if (utf8_ && static_cast<uint8_t>(*p) >= 0xc2) {
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

// Whole, well-formed UTF-8 sequences decoded straight from the buffer. Stops at ASCII,
// at anything malformed or cut off by the end of the buffer (the byte-wise decoder
// handles those), or when a decoded C1 control leaves the ground state.
const char* Parser::utf8_run(const char* p, const char* end) {
  while (p < end) {
    uint8_t b = static_cast<uint8_t>(*p);
    int n;
    char32_t cp, min;
    if (b < 0xc2) {
      break;
    } else if (b < 0xe0) {
      n = 2;
      cp = b & 0x1f;
      min = 0x80;
    } else if (b < 0xf0) {
      n = 3;
      cp = b & 0x0f;
      min = 0x800;
    } else if (b < 0xf5) {
      n = 4;
      cp = b & 0x07;
      min = 0x10000;
    } else {
      break;
    }
    if (end - p < n) break;
    bool ok = true;
    for (int i = 1; i < n; ++i) {
      uint8_t c = static_cast<uint8_t>(p[i]);
      ok &= (c & 0xc0) == 0x80;
      cp = (cp << 6) | (c & 0x3f);
    }
    if (!ok || cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) break;
    p += n;
    emit_codepoint(cp);
    if (state_ != State::ground) break;
  }
  return p;
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
