// Paste preparation: what reaches the program must be text and nothing else.
#include "ui/paste.hpp"

#include <gtest/gtest.h>

namespace cadence::ui {
namespace {

using namespace std::string_literals;

constexpr const char* kStart = "\x1b[200~";
constexpr const char* kEnd = "\x1b[201~";

std::string bracketed(const std::string& inner) { return kStart + inner + kEnd; }

TEST(Paste, BracketedWrapsText) {
  EXPECT_EQ(prepare_paste("ls -l", true), bracketed("ls -l"));
  EXPECT_EQ(prepare_paste("", true), bracketed(""));
  // Inside the bracket the program sees the text as it is, newlines included.
  EXPECT_EQ(prepare_paste("a\nb\r\nc\td", true), bracketed("a\nb\r\nc\td"));
}

TEST(Paste, BracketedStripsEndMarker) {
  EXPECT_EQ(prepare_paste("echo hi\x1b[201~rm -rf ~\n", true), bracketed("echo hirm -rf ~\n"));
  EXPECT_EQ(prepare_paste("\x1b[200~x\x1b[201~", true), bracketed("x"));
  // Removing one marker must not leave another behind.
  EXPECT_EQ(prepare_paste("a\x1b[20\x1b[201~1~b", true), bracketed("ab"));
  EXPECT_EQ(prepare_paste("\x1b[\x1b[200~201~", true), bracketed(""));
  // The 8-bit CSI form, as UTF-8 (U+009B).
  EXPECT_EQ(prepare_paste("a\xc2\x9b"
                          "201~b",
                          true),
            bracketed("ab"));
  // Other escape sequences are the program's business inside a bracket.
  EXPECT_EQ(prepare_paste("\x1b[31mred", true), bracketed("\x1b[31mred"));
}

TEST(Paste, UnbracketedNewlinesBecomeCr) {
  EXPECT_EQ(prepare_paste("a\r\nb\nc\rd", false), "a\rb\rc\rd");
  EXPECT_EQ(prepare_paste("\n\n", false), "\r\r");
}

TEST(Paste, UnbracketedRemovesEscape) {
  EXPECT_EQ(prepare_paste("a\x1b[31mb", false), "a[31mb");
  // Other C0 controls and DEL go too; Tab stays.
  EXPECT_EQ(prepare_paste("a\x03"
                          "b\x07"
                          "c\x7f"
                          "d\te\x00"s,
                          false),
            "abcd\te");
  // C1 controls (U+0080..U+009F), including the 8-bit CSI.
  EXPECT_EQ(prepare_paste("x\xc2\x9b"
                          "2J\xc2\x85y",
                          false),
            "x2Jy");
  // A paste cannot end a bracket the program did not open either.
  EXPECT_EQ(prepare_paste("\x1b[201~", false), "[201~");
}

TEST(Paste, KeepsUnicodeText) {
  const std::string text = "héllo 漢字 🙂 e\xcc\x81";
  EXPECT_EQ(prepare_paste(text, false), text);
  EXPECT_EQ(prepare_paste(text, true), bracketed(text));
}

TEST(Paste, InvalidUtf8BecomesReplacement) {
  const std::string fffd = "\xef\xbf\xbd";
  EXPECT_EQ(prepare_paste("a\xff"
                          "b",
                          false),
            "a" + fffd + "b");
  // A truncated sequence is one replacement.
  EXPECT_EQ(prepare_paste("a\xe2\x82", false), "a" + fffd);
  // Overlong forms and surrogates are invalid.
  EXPECT_EQ(prepare_paste("\xc0\xaf", false), fffd + fffd);
  EXPECT_EQ(prepare_paste("\xed\xa0\x80", false), fffd + fffd + fffd);
  EXPECT_EQ(prepare_paste("\xf4\x90\x80\x80", true), bracketed(fffd + fffd + fffd + fffd));
  // An ESC cannot hide inside a broken sequence.
  EXPECT_EQ(prepare_paste("\xe2\x1b[201~", true), bracketed(fffd));
}

}  // namespace
}  // namespace cadence::ui
