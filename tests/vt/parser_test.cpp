// The parser alone: what reaches the handler for a given byte stream.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "vt/parser.hpp"

namespace cadence::vt {
namespace {

class Events : public ParserHandler {
 public:
  void print_ascii(const char* t, size_t n) override {
    calls += 'a';
    text_run(std::string(t, n));
  }
  void print(char32_t cp) override {
    calls += 'p';
    text_run(code_point(cp));
  }
  // Logged like the other two, so a log says what was printed whichever way it came.
  void print_codepoints(const char32_t* cps, size_t n) override {
    calls += 'c';
    std::string s;
    for (size_t i = 0; i < n; ++i)
      s += cps[i] >= 0x20 && cps[i] < 0x7f ? std::string(1, static_cast<char>(cps[i]))
                                           : code_point(cps[i]);
    text_run(s);
  }
  static std::string code_point(char32_t cp) {
    char buf[16];
    std::snprintf(buf, sizeof buf, "U+%04X", static_cast<unsigned>(cp));
    return std::string("<") + buf + ">";
  }
  void execute(uint8_t c) override { log.push_back("ctl " + std::to_string(c)); }
  void esc_dispatch(const Params& p, uint8_t f) override {
    log.push_back(std::string("esc ") + p.intermediates + static_cast<char>(f));
  }
  void csi_dispatch(const Params& p, uint8_t f) override {
    std::string s = "csi ";
    if (p.prefix) s += p.prefix;
    for (int i = 0; i < p.count; ++i) {
      if (i) s += p.sub[i] ? ":" : ";";
      if (p.value[i] >= 0) s += std::to_string(p.value[i]);
    }
    s += p.intermediates;
    s += static_cast<char>(f);
    log.push_back(s);
  }
  void osc_dispatch(std::string_view payload) override {
    log.push_back("osc " + std::string(payload));
  }
  void dcs_dispatch(const Params& p, uint8_t f, std::string_view payload) override {
    log.push_back(std::string("dcs ") + p.intermediates + static_cast<char>(f) + " " +
                  std::string(payload));
  }
  void text_run(const std::string& s) {
    if (!log.empty() && log.back().rfind("txt ", 0) == 0)
      log.back() += s;
    else
      log.push_back("txt " + s);
  }
  std::vector<std::string> log;
  std::string calls;  // one letter per text call: a(scii), p(rint), c(odepoints)
};

std::vector<std::string> parse(std::string_view bytes, bool utf8 = true) {
  Events e;
  Parser p(e);
  p.set_utf8(utf8);
  p.feed(bytes);
  return e.log;
}

using V = std::vector<std::string>;

TEST(Parser, PlainTextArrivesAsOneRun) {
  EXPECT_EQ(parse("hello world, this is a long run of text"),
            V{"txt hello world, this is a long run of text"});
}

TEST(Parser, ControlsSplitRuns) {
  EXPECT_EQ(parse("ab\r\ncd"), (V{"txt ab", "ctl 13", "ctl 10", "txt cd"}));
}

TEST(Parser, CsiParametersSubParametersAndPrefix) {
  EXPECT_EQ(parse("\x1b[1;38:2::10:20:30m"), V{"csi 1;38:2::10:20:30m"});
  EXPECT_EQ(parse("\x1b[?1049h"), V{"csi ?1049h"});
  EXPECT_EQ(parse("\x1b[;5H"), V{"csi ;5H"});
  EXPECT_EQ(parse("\x1b[2 q"), V{"csi 2 q"});
}

TEST(Parser, SequencesSplitAcrossFeedsAreReassembled) {
  Events e;
  Parser p(e);
  for (char c : std::string("x\x1b[12;3Hy\x1b]2;title\x07z")) p.feed(&c, 1);
  EXPECT_EQ(e.log, (V{"txt x", "csi 12;3H", "txt y", "osc 2;title", "txt z"}));
}

TEST(Parser, OscEndsWithBelOrSt) {
  EXPECT_EQ(parse("\x1b]0;a\x07\x1b]0;b\x1b\\x"), (V{"osc 0;a", "osc 0;b", "txt x"}));
}

TEST(Parser, Utf8InOscIsKeptWhole) {
  // 0x9c is a continuation byte here, not ST.
  EXPECT_EQ(parse("\x1b]2;\xc9\x9c\x07"), V{"osc 2;\xc9\x9c"});
}

TEST(Parser, InvalidUtf8BecomesOneReplacementPerBadSequence) {
  EXPECT_EQ(parse("a\xff"
                  "b"),
            V{"txt a<U+FFFD>b"});
  EXPECT_EQ(parse("\xc3"
                  "b"),
            V{"txt <U+FFFD>b"});  // truncated
  EXPECT_EQ(parse("\xe0\x80\x80"
                  "c"),
            V{"txt <U+FFFD>c"});                              // overlong
  EXPECT_EQ(parse("\xed\xa0\x80"), V{"txt <U+FFFD>"});        // surrogate
  EXPECT_EQ(parse("\xf4\x90\x80\x80"), V{"txt <U+FFFD>"});    // beyond U+10FFFF
  EXPECT_EQ(parse("\x80\x80x"), V{"txt <U+FFFD><U+FFFD>x"});  // stray continuations
  EXPECT_EQ(parse("\xe2\x82\xac"), V{"txt <U+20AC>"});
}

TEST(Parser, ControlInsideUtf8SequenceKeepsBoth) {
  EXPECT_EQ(parse("\xe2\x82\n"), (V{"txt <U+FFFD>", "ctl 10"}));
}

TEST(Parser, DecodedC1ControlsAct) {
  EXPECT_EQ(parse("\xc2\x9b"
                  "5A"),
            V{"csi 5A"});
}

TEST(Parser, Raw8BitC1OnlyWithoutUtf8) {
  EXPECT_EQ(parse("\x9b"
                  "5A",
                  false),
            V{"csi 5A"});
  EXPECT_EQ(parse("\x9b"
                  "5A",
                  true),
            V{"txt <U+FFFD>5A"});
}

TEST(Parser, CanAndSubAbortSequences) {
  EXPECT_EQ(parse("\x1b[12\x18"
                  "AB"),
            V{"txt AB"});
  EXPECT_EQ(parse("\x1b]2;x\x18"
                  "AB"),
            V{"txt AB"});
}

TEST(Parser, TooManyParametersDropTheSequenceOnly) {
  std::string many = "\x1b[";
  for (int i = 0; i < 40; ++i) many += "1;";
  many += "mX";
  Events e;
  Parser p(e);
  p.feed(many);
  EXPECT_EQ(e.log, V{"txt X"});
  EXPECT_EQ(p.dropped_sequences(), 1u);
}

TEST(Parser, TheParameterLimitIsTheSameWholeOrByteByByte) {
  auto sequence = [](int params) {
    std::string s = "\x1b[";
    for (int i = 0; i < params; ++i) s += (i ? ";" : "") + std::to_string(i);
    return s + "m";
  };
  std::string kept = "csi ";
  for (int i = 0; i < kMaxParams; ++i) kept += (i ? ";" : "") + std::to_string(i);
  kept += "m";
  for (bool bytewise : {false, true}) {
    for (int params : {kMaxParams, kMaxParams + 1}) {
      Events e;
      Parser p(e);
      const std::string bytes = sequence(params) + "X";
      if (bytewise) {
        for (char c : bytes) p.feed(&c, 1);
      } else {
        p.feed(bytes);
      }
      if (params == kMaxParams)
        EXPECT_EQ(e.log, (V{kept, "txt X"})) << (bytewise ? "byte by byte" : "whole");
      else
        EXPECT_EQ(e.log, V{"txt X"}) << (bytewise ? "byte by byte" : "whole");
      EXPECT_EQ(p.dropped_sequences(), params == kMaxParams ? 0u : 1u);
    }
  }
}

TEST(Parser, ParameterValuesAreClamped) {
  EXPECT_EQ(parse("\x1b[99999999999999A"), V{"csi 65535A"});
}

TEST(Parser, OversizedOscIsDroppedAndTextAfterItSurvives) {
  std::string big = "\x1b]2;" + std::string(kMaxOscBytes + 10, 'a') + "\x07" + "after";
  Events e;
  Parser p(e);
  p.feed(big);
  EXPECT_EQ(e.log, V{"txt after"});
  EXPECT_EQ(p.dropped_sequences(), 1u);
}

TEST(Parser, DcsPayloadIsDelivered) {
  EXPECT_EQ(parse("\x1bP$qm\x1b\\"), V{"dcs $q m"});
  EXPECT_EQ(parse("\x1bP+q544e\x1b\\"), V{"dcs +q 544e"});
}

TEST(Parser, SosPmApcAreSwallowed) {
  EXPECT_EQ(parse("a\x1b_hidden apc\x1b\\b\x1b^pm\x1b\\c"), V{"txt abc"});
}

TEST(Parser, DelIsIgnored) {
  EXPECT_EQ(parse("a\x7f"
                  "b"),
            V{"txt ab"});
}

TEST(Parser, MostlyNonAsciiTextArrivesInBatchesWithItsShortAsciiStretches) {
  Events e;
  Parser p(e);
  p.feed(
      "na\xc3\xafve caf\xc3\xa9, Gr\xc3\xb6\xc3\x9f"
      "e \xe4\xb8\xad\xf0\x9f\x98\x80!");
  EXPECT_EQ(e.log, V{"txt na<U+00EF>ve caf<U+00E9>, Gr<U+00F6><U+00DF>e <U+4E2D><U+1F600>!"});
  EXPECT_EQ(e.calls, "ac") << "the leading ASCII run, then one batch for the rest";
}

TEST(Parser, LongAsciiRunAfterNonAsciiTextGoesBackToTheAsciiPath) {
  Events e;
  Parser p(e);
  p.feed("\xc3\xa9" + std::string(kShortAscii, 'x') + "\xc3\xa9y");
  EXPECT_EQ(e.log, V{"txt <U+00E9>" + std::string(kShortAscii, 'x') + "<U+00E9>y"});
  EXPECT_EQ(e.calls, "cac");
}

TEST(Parser, ControlsAndC1SplitABatchInOrder) {
  EXPECT_EQ(parse("\xc3\xa9\r\xc3\xbc"), (V{"txt <U+00E9>", "ctl 13", "txt <U+00FC>"}));
  // U+0085 (NEL) decoded from UTF-8 is a C1 control; U+009B (CSI) starts a sequence.
  EXPECT_EQ(parse("\xc3\xa9\xc2\x85\xc3\xbc"), (V{"txt <U+00E9>", "ctl 133", "txt <U+00FC>"}));
  EXPECT_EQ(parse("\xc3\xa9\xc2\x9b"
                  "2J\xc3\xbc"),
            (V{"txt <U+00E9>", "csi 2J", "txt <U+00FC>"}));
}

TEST(Parser, LongNonAsciiTextKeepsItsOrderAcrossBatches) {
  std::string bytes;
  std::string want = "txt ";
  for (int i = 0; i < 300; ++i) {
    char32_t cp = 0x4e00 + static_cast<char32_t>(i);
    bytes += static_cast<char>(0xe0 | (cp >> 12));
    bytes += static_cast<char>(0x80 | ((cp >> 6) & 0x3f));
    bytes += static_cast<char>(0x80 | (cp & 0x3f));
    want += Events::code_point(cp);
    if (i % 7 == 0) {
      bytes += "ab";
      want += "ab";
    }
  }
  EXPECT_EQ(parse(bytes), V{want});
  // Fed a byte at a time, sequences are reassembled and nothing changes.
  Events e;
  Parser p(e);
  for (char c : bytes) p.feed(&c, 1);
  EXPECT_EQ(e.log, V{want});
}

}  // namespace
}  // namespace cadence::vt
