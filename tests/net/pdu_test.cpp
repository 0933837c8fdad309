// PDU payloads: every type round-trips, line text is validated cell by cell, and every
// limit is refused by name on both the encoding and the decoding side.
#include <gtest/gtest.h>

#include <random>
#include <set>

#include "net/pdu.hpp"
#include "net/wire.hpp"
#include "random_pdu.hpp"

namespace cadence::net {
namespace {

using testing::RandomPdus;

RandomPdus seeded(uint64_t seed) {
  auto rng = std::make_shared<std::mt19937_64>(seed);
  return RandomPdus([rng] { return (*rng)(); });
}

std::vector<uint8_t> payload_of(const Pdu& pdu) {
  std::vector<uint8_t> out;
  auto r = encode_payload(pdu, out);
  EXPECT_TRUE(r.ok()) << r.error().message;
  return out;
}

// The decode error for a payload that must be refused; empty if it was accepted.
std::string refusal(PduType type, const std::vector<uint8_t>& payload) {
  auto r = decode_payload(static_cast<uint16_t>(type), payload);
  return r.ok() ? std::string() : r.error().message;
}

std::string encode_refusal(const Pdu& pdu) {
  std::vector<uint8_t> out{1, 2, 3};
  auto r = encode_payload(pdu, out);
  EXPECT_EQ(out, (std::vector<uint8_t>{1, 2, 3}))
      << "a refused PDU must leave the buffer as it was";
  return r.ok() ? std::string() : r.error().message;
}

TEST(Pdu, EveryTypeRoundTrips) {
  auto gen = seeded(1);
  for (size_t index = 0; index < std::variant_size_v<Pdu>; ++index) {
    for (int i = 0; i < 50; ++i) {
      Pdu pdu = gen.make(index);
      auto payload = payload_of(pdu);
      auto back = decode_payload(static_cast<uint16_t>(pdu_type(pdu)), payload);
      ASSERT_TRUE(back.ok()) << pdu_type_name(static_cast<uint16_t>(pdu_type(pdu))) << ": "
                             << back.error().message;
      EXPECT_TRUE(*back == pdu) << pdu_type_name(static_cast<uint16_t>(pdu_type(pdu)));
    }
  }
}

TEST(Pdu, TypeNumbersAndNamesMatchTheVariant) {
  auto gen = seeded(2);
  std::set<uint16_t> seen;
  for (size_t index = 0; index < std::variant_size_v<Pdu>; ++index) {
    auto type = static_cast<uint16_t>(pdu_type(gen.make(index)));
    EXPECT_TRUE(seen.insert(type).second) << "type " << type << " used twice";
    EXPECT_STRNE(pdu_type_name(type), "unknown");
  }
  EXPECT_STREQ(pdu_type_name(999), "unknown");
}

TEST(Pdu, UnknownTypeIsAnError) {
  auto r = decode_payload(999, {});
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().message.find("unknown PDU type 999"), std::string::npos);
}

TEST(Pdu, SmallDeltaIsCompact) {
  // One changed 80-column ASCII line: the payload should be little more than its text.
  PaneDelta d;
  d.pane = 3;
  d.version = 100000;
  d.rows = 24;
  d.cols = 80;
  d.top = StableRow(5000);
  d.styles = {WireStyle{}};
  LineCells line;
  line.row = StableRow(5010);
  line.version = 99999;
  line.text = std::string(80, 'x');
  line.runs = {{80, 0}};
  d.lines = {line};
  EXPECT_LT(payload_of(d).size(), 80u + 40u);
}

TEST(Pdu, HelloAnswerAgreesOnVersionAndCommonFeatures) {
  Hello hello{kProtocolVersion, feature::zstd | feature::hyperlinks, "client"};
  auto reply = answer_hello(hello, feature::zstd | feature::clipboard, "server");
  ASSERT_TRUE(reply.ok());
  EXPECT_EQ(reply->features, feature::zstd);
  EXPECT_EQ(reply->name, "server");
  hello.version = kProtocolVersion + 1;
  auto refused = answer_hello(hello, feature::zstd, "server");
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error().message, "peer speaks protocol version 2, this side 1");
}

TEST(LineText, CountsBlankWideAndClusterCells) {
  EXPECT_EQ(line_text_cells("").value(), 0u);
  EXPECT_EQ(line_text_cells("abc").value(), 3u);
  EXPECT_EQ(line_text_cells(std::string("a\0b", 3)).value(), 3u);
  EXPECT_EQ(line_text_cells("\x01中x").value(), 3u);
  EXPECT_EQ(line_text_cells("e\x02\xcc\x81!").value(), 2u);
  EXPECT_EQ(line_text_cells("\x01😀\x02\xef\xb8\x8f").value(), 2u);
}

TEST(LineText, RefusesMalformedText) {
  auto why = [](std::string_view t) {
    auto r = line_text_cells(t);
    return r.ok() ? std::string() : r.error().message;
  };
  EXPECT_NE(why("a\x03").find("control character"), std::string::npos);
  EXPECT_NE(why("\x02\x41").find("control character"), std::string::npos);  // 0x02 leads nothing
  EXPECT_NE(why("\x01").find("invalid UTF-8"), std::string::npos);          // wide marker at end
  EXPECT_NE(why("e\x02").find("invalid UTF-8"), std::string::npos);         // join marker at end
  EXPECT_NE(why("\xc3").find("invalid UTF-8"), std::string::npos);          // cut sequence
  EXPECT_NE(why("\xc0\xaf").find("invalid UTF-8"), std::string::npos);      // overlong
  EXPECT_NE(why("\xed\xa0\x80").find("invalid UTF-8"), std::string::npos);  // surrogate
  std::string cluster = "e";
  for (size_t i = 0; i < kMaxClusterCodepoints; ++i) cluster += "\x02\xcc\x81";
  EXPECT_NE(why(cluster).find("grapheme cluster longer"), std::string::npos);
  EXPECT_NE(why(std::string(kMaxCellsPerLine + 1, 'a')).find("longer than"), std::string::npos);
  EXPECT_EQ(why(std::string(kMaxCellsPerLine, 'a')), "");
}

PaneDelta delta_with_line(LineCells line, size_t styles) {
  PaneDelta d;
  d.styles.resize(styles);
  d.lines = {std::move(line)};
  return d;
}

TEST(PduLimits, EncoderRefusesWhatTheDecoderWould) {
  Hello hello;
  hello.name = std::string(kMaxTitleBytes + 1, 'n');
  EXPECT_NE(encode_refusal(hello).find("Hello: name: 4097 bytes exceed the limit 4096"),
            std::string::npos);

  LineCells line;
  line.text = "abc";
  line.runs = {{2, 1}};
  EXPECT_NE(encode_refusal(delta_with_line(line, 1)).find("style index 1 past the table of 1"),
            std::string::npos);
  line.runs = {{4, 0}};
  EXPECT_NE(encode_refusal(delta_with_line(line, 1)).find("cover 4 cells of a 3-cell line"),
            std::string::npos);
  line.runs = {{0, 0}};
  EXPECT_NE(encode_refusal(delta_with_line(line, 1)).find("empty style run"), std::string::npos);

  PaneDelta unordered;
  unordered.lines.resize(2);
  unordered.lines[0].row = StableRow(10);
  unordered.lines[1].row = StableRow(10);
  EXPECT_NE(encode_refusal(unordered).find("rows not in increasing order"), std::string::npos);

  PaneDelta many;
  many.lines.resize(kMaxLinesPerPdu + 1);
  for (size_t i = 0; i < many.lines.size(); ++i) many.lines[i].row = StableRow(int64_t(i));
  EXPECT_NE(encode_refusal(many).find("lines: 4097 exceeds the limit 4096"), std::string::npos);

  Resize negative;
  negative.rows = -1;
  EXPECT_NE(encode_refusal(negative).find("Resize: rows: negative"), std::string::npos);

  FetchLines fetch;
  fetch.count = kMaxFetchLines + 1;
  EXPECT_NE(encode_refusal(fetch).find("FetchLines: count"), std::string::npos);

  Paste paste;
  paste.text = std::string(kMaxInputBytes + 1, 'p');
  EXPECT_NE(encode_refusal(paste).find("Paste: text"), std::string::npos);
}

TEST(PduLimits, DecoderRefusesOversizedCountsBeforeAllocating) {
  // A PaneDelta header followed by a style count of 2^40: refused from the number alone.
  std::vector<uint8_t> payload;
  Writer w(payload);
  for (int i = 0; i < 9; ++i) w.varint(0);     // pane .. modes
  w.varint(0), w.varint(0), w.u8(0), w.u8(1);  // cursor
  w.u8(0), w.u8(0), w.u8(0);                   // no title, cwd, progress
  w.varint(uint64_t{1} << 40);
  EXPECT_NE(refusal(PduType::pane_delta, payload).find("PaneDelta: styles: 1099511627776 exceeds"),
            std::string::npos);

  // Within the limit but more elements than bytes left.
  payload.resize(payload.size() - 6);
  w.varint(1000);
  EXPECT_NE(refusal(PduType::pane_delta, payload).find("larger than the 0 bytes left"),
            std::string::npos);
}

TEST(PduLimits, DecoderRefusesLongStringsAndBadValues) {
  std::vector<uint8_t> payload;
  Writer w(payload);
  w.varint(7);
  w.varint(kMaxInputBytes + 1);
  EXPECT_NE(refusal(PduType::write_to_pane, payload).find("WriteToPane: data: 8388609 exceeds"),
            std::string::npos);

  payload.clear();
  w.varint(1);
  w.u8(2);  // a boolean that is neither 0 nor 1
  EXPECT_NE(refusal(PduType::focus, payload).find("Focus: focused: boolean"), std::string::npos);

  payload.clear();
  w.varint(9);  // ErrorPdu code past the last one
  w.varint(0);
  w.bytes(std::string_view("x"));
  EXPECT_NE(refusal(PduType::error, payload).find("Error: code: 9 exceeds"), std::string::npos);

  payload.clear();
  for (int i = 0; i < 11; ++i) w.u8(0xff);  // an 11-byte varint
  EXPECT_NE(refusal(PduType::bell, payload).find("varint longer than 64 bits"), std::string::npos);

  payload.clear();
  w.varint(1);
  EXPECT_EQ(refusal(PduType::bell, payload), "");
  w.u8(0);
  EXPECT_NE(refusal(PduType::bell, payload).find("1 unexpected trailing bytes"), std::string::npos);

  payload.clear();
  w.varint(1);
  EXPECT_NE(refusal(PduType::mouse, payload).find("Mouse: kind: truncated"), std::string::npos);
}

TEST(PduLimits, DecoderRefusesRowsOutOfOrderOrRange) {
  // A LinesReply with two lines: the second row is sent as a step from the first.
  auto reply = [](uint64_t first, uint64_t step) {
    std::vector<uint8_t> payload;
    Writer w(payload);
    w.varint(1), w.varint(1), w.varint(0), w.varint(0);  // request, pane, epoch, first
    w.varint(0), w.varint(0);                            // no styles, no links
    w.varint(2);
    for (uint64_t row : {first, step}) {
      w.varint(row);
      w.varint(0), w.u8(0), w.varint(0), w.varint(0);  // version, wrapped, text, runs
    }
    return payload;
  };
  EXPECT_EQ(refusal(PduType::lines_reply, reply(5, 1)), "");
  EXPECT_NE(refusal(PduType::lines_reply, reply(5, 0)).find("rows not in increasing order"),
            std::string::npos);
  const uint64_t max_row = uint64_t(INT64_MAX);
  EXPECT_NE(refusal(PduType::lines_reply, reply(max_row, 1)).find("row out of range"),
            std::string::npos);
}

TEST(PduLimits, DecoderRefusesBadLinesWithTheirRow) {
  auto gen = seeded(3);
  PaneDelta d;
  d.styles = {WireStyle{}};
  d.lines = {gen.line(StableRow(41), 1)};
  d.lines[0].text = "ok";
  d.lines[0].runs.clear();
  auto payload = payload_of(d);
  // Corrupt the line's text in place: "ok" becomes "o" + a control character.
  for (size_t i = 0; i + 1 < payload.size(); ++i)
    if (payload[i] == 'o' && payload[i + 1] == 'k') payload[i + 1] = 0x05;
  EXPECT_NE(refusal(PduType::pane_delta, payload).find("line: row 41: control character"),
            std::string::npos);
}

}  // namespace
}  // namespace cadence::net
