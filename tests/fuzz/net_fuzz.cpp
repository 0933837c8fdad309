// libFuzzer target: the mux protocol's Decoder, the code that reads what a peer sends.
//
// The first byte chooses the mode:
//   even  the rest is a raw byte stream, fed in chunks whose sizes the byte also picks;
//   odd   the rest drives the random PDU generator; the PDUs are encoded (compression
//         mode from the byte), one byte of the result is flipped where the input says,
//         and the damaged stream is decoded. Raw bytes rarely get past the header checks;
//         this mode puts the payload parsers and the zstd paths under the fuzzer.
// Invariants, checked on every PDU the decoder accepts: it encodes again (the encoder
// refuses nothing the decoder accepts) and decodes back to an equal PDU. Intact encoded
// streams must decode completely and equal what was sent. Memory stays bounded because
// every count and size on the wire has a limit checked before allocation.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <vector>

#include "net/codec.hpp"
#include "random_pdu.hpp"

namespace {

using cadence::net::Compression;
using cadence::net::Decoder;
using cadence::net::Encoder;
using cadence::net::Frame;
using cadence::net::Pdu;

// Uncompressed: the zstd paths are exercised by the streams themselves, and a fresh
// zstd context per accepted PDU would cost most of the fuzzer's time.
void check_reencodes(const Pdu& pdu) {
  Encoder enc({Compression::none, 16, 1});
  std::vector<uint8_t> wire;
  if (!enc.encode(pdu, wire).ok()) std::abort();
  Decoder dec;
  dec.feed(wire);
  auto back = dec.next();
  if (!back.ok() || !back->has_value() || !((*back)->pdu == pdu)) std::abort();
}

// Decodes everything in `wire`, `chunk` bytes at a time; returns the PDUs accepted.
std::vector<Frame> decode_all(const std::vector<uint8_t>& wire, size_t chunk) {
  Decoder dec;
  std::vector<Frame> got;
  for (size_t pos = 0; pos < wire.size() && !dec.failed(); pos += chunk) {
    dec.feed({wire.data() + pos, std::min(chunk, wire.size() - pos)});
    for (;;) {
      auto r = dec.next();
      if (!r.ok() || !r->has_value()) break;
      check_reencodes((*r)->pdu);
      got.push_back(std::move(**r));
    }
  }
  return got;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 2) return 0;
  const uint8_t mode = data[0];
  const uint8_t* rest = data + 1;
  const size_t rest_size = size - 1;

  if (mode % 2 == 0) {
    std::vector<uint8_t> wire(rest, rest + rest_size);
    decode_all(wire, 1 + (mode >> 1) % 64);
    return 0;
  }

  size_t pos = 0;
  cadence::net::testing::RandomPdus gen([&] {
    uint64_t v = 0;
    for (int i = 0; i < 8 && pos < rest_size; ++i) v |= uint64_t{rest[pos++]} << (8 * i);
    return v;
  });
  const auto compression = static_cast<Compression>((mode >> 1) % 3);
  Encoder enc({compression, size_t{16} + (mode >> 3), 1});
  std::vector<Pdu> sent;
  std::vector<uint8_t> wire;
  while (pos < rest_size && sent.size() < 16) {
    Pdu pdu = gen.make();
    if (!enc.encode(pdu, wire).ok()) std::abort();  // the generator stays within limits
    sent.push_back(std::move(pdu));
  }
  std::vector<Frame> got = decode_all(wire, 1 + (mode >> 4));
  if (got.size() != sent.size()) std::abort();
  for (size_t i = 0; i < sent.size(); ++i)
    if (got[i].serial != i + 1 || !(got[i].pdu == sent[i])) std::abort();

  if (!wire.empty()) {
    const size_t at = (size_t{rest[0]} | size_t{rest[rest_size - 1]} << 8) % wire.size();
    wire[at] ^= static_cast<uint8_t>(1u << (mode >> 5));
    decode_all(wire, wire.size());
  }
  return 0;
}
