// Framing, serials and compression: what goes through the Encoder comes out of the
// Decoder whatever the chunking, and every malformed, oversized or hostile frame is
// refused with an error that names it and closes the connection.
#include <gtest/gtest.h>
#include <zstd.h>

#include <random>

#include "net/codec.hpp"
#include "random_pdu.hpp"

namespace cadence::net {
namespace {

using testing::RandomPdus;

RandomPdus seeded(uint64_t seed) {
  auto rng = std::make_shared<std::mt19937_64>(seed);
  return RandomPdus([rng] { return (*rng)(); });
}

std::vector<uint8_t> frame(uint16_t type, uint64_t serial, uint8_t flags,
                           const std::vector<uint8_t>& payload, uint32_t length_override = 0) {
  std::vector<uint8_t> out(kHeaderBytes);
  FrameHeader h;
  h.length = length_override ? length_override : static_cast<uint32_t>(payload.size());
  h.serial = serial;
  h.type = type;
  h.flags = flags;
  write_header(h, out.data());
  out.insert(out.end(), payload.begin(), payload.end());
  return out;
}

// Feeds `bytes` and returns the decoder's verdict: the error, or "" when it waits.
std::string verdict(Decoder& d, const std::vector<uint8_t>& bytes) {
  d.feed(bytes);
  for (;;) {
    auto r = d.next();
    if (!r.ok()) return r.error().message;
    if (!r->has_value()) return "";
  }
}

PaneDelta screenful(uint64_t version, int changed_row) {
  PaneDelta d;
  d.pane = 1;
  d.version = version;
  d.rows = 40;
  d.cols = 120;
  d.styles = {WireStyle{}, WireStyle{0x01000002, 0, 0, 1, 0, 0}};
  for (int r = 0; r < 40; ++r) {
    LineCells line;
    line.row = StableRow(r);
    line.version = r == changed_row ? version : 1;  // unchanged lines keep theirs
    line.text = "drwxr-xr-x  2 user user  4096 Nov 22 07:07 directory-" + std::to_string(r) +
                (r == changed_row ? " (changed)" : "");
    line.runs = {{10, 1}, {20, 0}};
    d.lines.push_back(line);
  }
  return d;
}

TEST(Codec, RoundTripsEveryTypeInEveryCompressionMode) {
  for (auto mode : {Compression::none, Compression::per_pdu, Compression::streaming}) {
    auto gen = seeded(10);
    Encoder enc({mode, 16, 3});
    Decoder dec;
    std::vector<uint8_t> wire;
    std::vector<Pdu> sent;
    for (size_t index = 0; index < std::variant_size_v<Pdu>; ++index) {
      for (int i = 0; i < 10; ++i) {
        sent.push_back(gen.make(index));
        auto serial = enc.encode(sent.back(), wire);
        ASSERT_TRUE(serial.ok()) << serial.error().message;
        EXPECT_EQ(*serial, sent.size());
      }
    }
    dec.feed(wire);
    for (size_t i = 0; i < sent.size(); ++i) {
      auto r = dec.next();
      ASSERT_TRUE(r.ok()) << r.error().message;
      ASSERT_TRUE(r->has_value());
      EXPECT_EQ((*r)->serial, i + 1);
      EXPECT_TRUE((*r)->pdu == sent[i]) << "PDU " << i;
    }
    auto end = dec.next();
    ASSERT_TRUE(end.ok());
    EXPECT_FALSE(end->has_value());
    EXPECT_EQ(dec.buffered(), 0u);
  }
}

TEST(Codec, PartialInputWaitsForTheRest) {
  Encoder enc;
  std::vector<uint8_t> wire;
  ASSERT_TRUE(enc.encode(screenful(1, 3), wire).ok());
  Decoder dec;
  for (size_t i = 0; i + 1 < wire.size(); ++i) {
    dec.feed({wire.data() + i, 1});
    auto r = dec.next();
    ASSERT_TRUE(r.ok()) << "byte " << i << ": " << r.error().message;
    ASSERT_FALSE(r->has_value()) << "a PDU came out before its last byte";
  }
  EXPECT_EQ(dec.buffered(), wire.size() - 1);
  dec.feed({wire.data() + wire.size() - 1, 1});
  auto r = dec.next();
  ASSERT_TRUE(r.ok() && r->has_value());
  EXPECT_TRUE((*r)->pdu == Pdu(screenful(1, 3)));
}

TEST(Codec, SmallPayloadsTravelUncompressed) {
  Encoder enc;
  std::vector<uint8_t> wire;
  ASSERT_TRUE(enc.encode(Credit{1}, wire).ok());
  EXPECT_EQ(read_header(wire.data()).flags, 0);
  size_t small = wire.size();
  ASSERT_TRUE(enc.encode(screenful(1, 0), wire).ok());
  EXPECT_EQ(read_header(wire.data() + small).flags, frame_flag::zstd_stream);
}

TEST(Codec, StreamingCompressesAgainstEarlierPdus) {
  Encoder enc;
  Encoder per_pdu({Compression::per_pdu, 64, 3});
  Decoder dec;
  std::vector<uint8_t> first, second, alone;
  ASSERT_TRUE(enc.encode(screenful(1, 0), first).ok());
  ASSERT_TRUE(enc.encode(screenful(2, 5), second).ok());
  ASSERT_TRUE(per_pdu.encode(screenful(1, 0), alone).ok());
  alone.clear();
  ASSERT_TRUE(per_pdu.encode(screenful(2, 5), alone).ok());
  // The second screen repeats the first but for one line: with the stream's history it
  // costs a fraction of what it costs compressed on its own.
  EXPECT_LT(second.size() * 2, alone.size());
  dec.feed(first);
  dec.feed(second);
  for (uint64_t v : {1, 2}) {
    auto r = dec.next();
    ASSERT_TRUE(r.ok() && r->has_value()) << (r.ok() ? "" : r.error().message);
    EXPECT_TRUE((*r)->pdu == Pdu(screenful(v, v == 1 ? 0 : 5)));
  }
}

TEST(Codec, StreamingStateSurvivesManyPdus) {
  auto gen = seeded(11);
  Encoder enc({Compression::streaming, 1, 3});
  Decoder dec;
  std::vector<uint8_t> wire;
  for (uint64_t i = 1; i <= 3000; ++i) {
    wire.clear();
    Pdu pdu = (i % 3 == 0) ? gen.make() : Pdu(screenful(i, static_cast<int>(i % 40)));
    ASSERT_TRUE(enc.encode(pdu, wire).ok());
    dec.feed(wire);
    auto r = dec.next();
    ASSERT_TRUE(r.ok()) << "PDU " << i << ": " << r.error().message;
    ASSERT_TRUE(r->has_value());
    ASSERT_TRUE((*r)->pdu == pdu) << "PDU " << i;
  }
  EXPECT_EQ(enc.stats().pdus, 3000u);
  EXPECT_EQ(dec.stats().wire_bytes, enc.stats().wire_bytes);
  EXPECT_EQ(dec.stats().payload_bytes, enc.stats().payload_bytes);
}

TEST(Codec, RandomPdusSurviveRandomChunking) {
  for (auto mode : {Compression::none, Compression::per_pdu, Compression::streaming}) {
    for (uint64_t seed = 0; seed < 5; ++seed) {
      auto gen = seeded(100 + seed);
      std::mt19937_64 cut(seed);
      Encoder enc({mode, 32, 1});
      std::vector<uint8_t> wire;
      std::vector<Pdu> sent;
      for (int i = 0; i < 300; ++i) {
        sent.push_back(gen.make());
        ASSERT_TRUE(enc.encode(sent.back(), wire).ok());
      }
      Decoder dec;
      std::vector<Frame> got;
      for (size_t pos = 0; pos < wire.size();) {
        size_t n = std::min<size_t>(wire.size() - pos, 1 + cut() % (cut() % 4 == 0 ? 5 : 3000));
        dec.feed({wire.data() + pos, n});
        pos += n;
        for (;;) {
          auto r = dec.next();
          ASSERT_TRUE(r.ok()) << r.error().message;
          if (!r->has_value()) break;
          got.push_back(std::move(**r));
        }
      }
      ASSERT_EQ(got.size(), sent.size());
      for (size_t i = 0; i < sent.size(); ++i) {
        EXPECT_EQ(got[i].serial, i + 1);
        EXPECT_TRUE(got[i].pdu == sent[i]) << "seed " << seed << " PDU " << i;
      }
    }
  }
}

TEST(Codec, RandomGarbageIsRefusedWithoutCrashing) {
  std::mt19937_64 rng(7);
  int refused = 0;
  for (int i = 0; i < 3000; ++i) {
    std::vector<uint8_t> junk(rng() % 300);
    for (auto& b : junk) b = static_cast<uint8_t>(rng());
    // Half the cases get a plausible header so the payload parsers see garbage too.
    if (i % 2 && junk.size() >= kHeaderBytes) {
      static const uint16_t kTypes[] = {1, 11, 12, 20, 22, 30, 40, 41, 42, 51};
      FrameHeader h{static_cast<uint32_t>(junk.size() - kHeaderBytes), 1,
                    kTypes[rng() % std::size(kTypes)], static_cast<uint8_t>(rng() % 3)};
      write_header(h, junk.data());
    }
    Decoder dec;
    std::string why = verdict(dec, junk);
    if (!why.empty()) {
      ++refused;
      EXPECT_EQ(why.rfind("protocol error: ", 0), 0u) << why;
      EXPECT_TRUE(dec.failed());
    }
  }
  // Short inputs may just wait for more; nearly everything else is refused.
  EXPECT_GT(refused, 2500);
}

TEST(Codec, OversizedLengthIsRefusedFromTheHeaderAlone) {
  Decoder dec;
  auto bytes = frame(static_cast<uint16_t>(PduType::bell), 1, 0, {}, kMaxPduBytes + 1);
  EXPECT_EQ(verdict(dec, bytes),
            "protocol error: frame of 16777217 bytes exceeds the limit 16777216");
  EXPECT_TRUE(dec.failed());
  EXPECT_EQ(dec.buffered(), 0u);
  // Final: later valid input is ignored and the same error returned.
  Encoder enc;
  std::vector<uint8_t> good;
  ASSERT_TRUE(enc.encode(Bell{1}, good).ok());
  EXPECT_EQ(verdict(dec, good),
            "protocol error: frame of 16777217 bytes exceeds the limit 16777216");
}

TEST(Codec, HeaderProblemsAreNamed) {
  const auto bell = static_cast<uint16_t>(PduType::bell);
  const std::vector<uint8_t> one{1};
  struct Case {
    std::vector<uint8_t> bytes;
    std::string error;
  } cases[] = {
      {frame(bell, 1, 4, one), "protocol error: unknown frame flags 4"},
      {frame(bell, 1, 3, one), "protocol error: both compression flags set"},
      {frame(77, 1, 0, one), "protocol error: unknown PDU type 77"},
      {frame(bell, 2, 0, one), "protocol error: serial 2 where 1 was due"},
      {frame(bell, 1, 0, {1, 0}), "protocol error: Bell: payload: 1 unexpected trailing bytes"},
      {frame(bell, 1, frame_flag::zstd_frame, {1, 2, 3, 4, 5, 6}),
       "protocol error: Bell: not a zstd frame"},
  };
  for (const auto& c : cases) {
    Decoder dec;
    EXPECT_EQ(verdict(dec, c.bytes), c.error);
  }
  // A repeated serial (a replayed frame) is refused too.
  Decoder dec;
  auto twice = frame(bell, 1, 0, one);
  auto again = frame(bell, 1, 0, one);
  twice.insert(twice.end(), again.begin(), again.end());
  EXPECT_EQ(verdict(dec, twice), "protocol error: serial 1 where 2 was due");
}

TEST(Codec, CorruptCompressedStreamIsRefused) {
  Encoder enc;
  std::vector<uint8_t> wire;
  ASSERT_TRUE(enc.encode(screenful(1, 0), wire).ok());
  for (size_t i = kHeaderBytes; i < wire.size(); i += 7) wire[i] ^= 0x5a;
  Decoder dec;
  std::string why = verdict(dec, wire);
  EXPECT_EQ(why.rfind("protocol error: PaneDelta: ", 0), 0u) << why;
}

std::vector<uint8_t> zeros_compressed(size_t size, bool with_content_size) {
  std::vector<uint8_t> plain(size, 0);
  ZSTD_CCtx* c = ZSTD_createCCtx();
  ZSTD_CCtx_setParameter(c, ZSTD_c_contentSizeFlag, with_content_size ? 1 : 0);
  std::vector<uint8_t> out(ZSTD_compressBound(size));
  size_t n = ZSTD_compress2(c, out.data(), out.size(), plain.data(), plain.size());
  ZSTD_freeCCtx(c);
  EXPECT_FALSE(ZSTD_isError(n));
  out.resize(n);
  return out;
}

TEST(Codec, DecompressionBombClaimingTooMuchIsRefusedBeforeWork) {
  auto bomb = zeros_compressed(kMaxDecompressedBytes + 1, true);
  EXPECT_LT(bomb.size(), 8192u);
  Decoder dec;
  EXPECT_EQ(
      verdict(dec, frame(static_cast<uint16_t>(PduType::paste), 1, frame_flag::zstd_frame, bomb)),
      "protocol error: Paste: compressed payload claims 67108865 bytes, over the limit "
      "67108864");
}

TEST(Codec, DecompressionBombProducingTooMuchIsRefused) {
  // No size in the frame header: the limit is found while decompressing.
  for (uint8_t flags : {frame_flag::zstd_frame, frame_flag::zstd_stream}) {
    auto bomb = zeros_compressed(kMaxDecompressedBytes + 4096, false);
    Decoder dec;
    EXPECT_EQ(verdict(dec, frame(static_cast<uint16_t>(PduType::paste), 1, flags, bomb)),
              "protocol error: Paste: decompressed payload exceeds the limit 67108864");
  }
}

TEST(Codec, TruncatedZstdFrameIsRefused) {
  Encoder enc({Compression::per_pdu, 16, 3});
  std::vector<uint8_t> wire;
  ASSERT_TRUE(enc.encode(screenful(1, 0), wire).ok());
  auto payload = std::vector<uint8_t>(wire.begin() + kHeaderBytes, wire.end() - 4);
  Decoder dec;
  EXPECT_EQ(verdict(dec, frame(static_cast<uint16_t>(PduType::pane_delta), 1,
                               frame_flag::zstd_frame, payload)),
            "protocol error: PaneDelta: truncated zstd frame");
}

TEST(Codec, RefusedPduConsumesNoSerial) {
  Encoder enc;
  std::vector<uint8_t> wire;
  Hello bad;
  bad.name = std::string(kMaxTitleBytes + 1, 'x');
  auto r = enc.encode(bad, wire);
  ASSERT_FALSE(r.ok());
  EXPECT_TRUE(wire.empty());
  EXPECT_FALSE(enc.failed());
  ASSERT_EQ(enc.encode(Bell{2}, wire).value(), 1u);
  Decoder dec;
  EXPECT_EQ(verdict(dec, wire), "");
}

TEST(Codec, EncoderRefusesFramesOverTheWireLimit) {
  // 4096 lines of 5000 cells: about 20 MiB of payload, which only compression could
  // bring under kMaxPduBytes.
  PaneDelta huge;
  for (size_t i = 0; i < kMaxLinesPerPdu; ++i) {
    LineCells line;
    line.row = StableRow(static_cast<int64_t>(i));
    line.text.assign(5000, static_cast<char>('a' + i % 26));
    huge.lines.push_back(std::move(line));
  }
  Encoder plain({Compression::none, 64, 3});
  std::vector<uint8_t> wire;
  auto r = plain.encode(huge, wire);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().message.find("exceeds the limit 16777216"), std::string::npos);
  EXPECT_TRUE(wire.empty());
  EXPECT_FALSE(plain.failed());
  // Compressed, the same PDU fits and goes through.
  Encoder streaming;
  ASSERT_TRUE(streaming.encode(huge, wire).ok());
  Decoder dec;
  dec.feed(wire);
  auto back = dec.next();
  ASSERT_TRUE(back.ok() && back->has_value());
  EXPECT_TRUE((*back)->pdu == Pdu(huge));
}

}  // namespace
}  // namespace cadence::net
