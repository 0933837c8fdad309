// Framing and compression of PDUs, independent of any transport.
//
// A frame is a 15-byte little-endian header followed by the payload:
//   u32 length   payload bytes on the wire (compressed or not), at most kMaxPduBytes
//   u64 serial   1, 2, 3, ... per direction; anything else is a protocol error
//   u16 type     a PduType
//   u8  flags    bit 0: zstd, continuing this direction's stream
//                bit 1: zstd, one self-contained frame
// The header is checked (length, type, flags, serial) as soon as its 15 bytes are in,
// before waiting for or allocating the payload.
//
// Compression. Each direction keeps one zstd stream for the whole connection: every
// compressed payload is a block of that stream, flushed (ZSTD_e_flush) at the PDU
// boundary so the peer can decode it at once. Repeated line content then compresses
// against everything sent before, which small per-PDU frames cannot do (bench_net
// measures both; streaming is the default). Payloads under a threshold go as they are:
// the decision is made before compressing, because a block fed to the stream must reach
// the peer's stream too. The decoder accepts both kinds of flag, so the two ends need no
// agreement beyond the Hello's zstd feature bit. Decompression is bounded: output stops
// at kMaxDecompressedBytes and the frame is refused, and a frame whose header claims more
// is refused before decompressing; the zstd window is capped (kMaxWindowLog). So one
// connection holds at most a partial frame, one decompressed payload and the PDU decoded
// from it, which is a small multiple of the payload (every element it allocates for took
// at least a byte of it).
//
// Errors are final: after a protocol error the Decoder returns the same error forever
// and the connection must be closed, because the byte stream (and the zstd stream) can no
// longer be trusted. The owner logs it and may send an ErrorPdu first.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <type_traits>
#include <vector>

#include "base/result.hpp"
#include "net/pdu.hpp"

namespace cadence::net {

inline constexpr size_t kHeaderBytes = 15;
inline constexpr int kMaxWindowLog = 23;  // 8 MiB of zstd history per direction

namespace frame_flag {
inline constexpr uint8_t zstd_stream = 1 << 0;
inline constexpr uint8_t zstd_frame = 1 << 1;
}  // namespace frame_flag

struct FrameHeader {
  uint32_t length = 0;
  uint64_t serial = 0;
  uint16_t type = 0;
  uint8_t flags = 0;
};

void write_header(const FrameHeader& header, uint8_t* out);
FrameHeader read_header(const uint8_t* in);

enum class Compression : uint8_t {
  none,       // never compress
  per_pdu,    // each payload its own zstd frame
  streaming,  // one zstd stream per direction, flushed per PDU
};

struct EncoderOptions {
  Compression compression = Compression::streaming;
  // Payloads shorter than this travel uncompressed: a keystroke or a Credit gains
  // nothing from zstd and would pay its block overhead.
  size_t compress_threshold = 64;
  int level = 3;
};

struct CodecStats {
  uint64_t pdus = 0;
  uint64_t payload_bytes = 0;  // before compression
  uint64_t wire_bytes = 0;     // frames, headers included
};

// PDU → frame bytes. One per connection direction; not thread-safe.
class Encoder {
 public:
  explicit Encoder(EncoderOptions options = {});
  ~Encoder();
  Encoder(const Encoder&) = delete;
  Encoder& operator=(const Encoder&) = delete;

  // Appends one frame carrying `pdu` to `out` and returns its serial. A PDU over a limit
  // appends nothing and consumes no serial. The encoder then stays usable, except when a
  // compressed payload came out over kMaxPduBytes or zstd failed: the stream is then
  // out of step with the peer's and failed() is true.
  // Takes a Pdu or any PDU struct; the struct form avoids copying into a variant.
  template <typename T>
  Result<uint64_t> encode(const T& pdu, std::vector<uint8_t>& out) {
    if (failed_) return make_error("encoder: the compression stream failed earlier");
    payload_.clear();
    if (auto r = encode_payload(pdu, payload_); !r) return r.error();
    if constexpr (std::is_same_v<T, Pdu>) {
      return frame(pdu_type(pdu), out);
    } else {
      return frame(T::kType, out);
    }
  }

  bool failed() const { return failed_; }
  uint64_t next_serial() const { return next_serial_; }
  const CodecStats& stats() const { return stats_; }

 private:
  // Frames payload_ (the encoded PDU of this type) onto `out`.
  Result<uint64_t> frame(PduType type, std::vector<uint8_t>& out);

  struct Zstd;
  EncoderOptions options_;
  std::unique_ptr<Zstd> zstd_;
  std::vector<uint8_t> payload_;
  uint64_t next_serial_ = 1;
  bool failed_ = false;
  CodecStats stats_;
};

struct Frame {
  uint64_t serial = 0;
  Pdu pdu;
};

// Bytes → PDUs, fed incrementally: partial frames are kept until the rest arrives.
// One per connection direction; not thread-safe.
class Decoder {
 public:
  Decoder();
  ~Decoder();
  Decoder(const Decoder&) = delete;
  Decoder& operator=(const Decoder&) = delete;

  // Appends received bytes. Call next() until it returns nothing before feeding more, so
  // at most one partial frame (<= kHeaderBytes + kMaxPduBytes) stays buffered. Bytes fed
  // after an error are dropped.
  void feed(std::span<const uint8_t> bytes);

  // The next complete PDU; nothing when more bytes are needed; or the protocol error
  // that ends the connection (the same one on every later call).
  Result<std::optional<Frame>> next();

  bool failed() const { return failed_; }
  size_t buffered() const { return buffer_.size() - offset_; }
  const CodecStats& stats() const { return stats_; }

 private:
  struct Zstd;
  Error fail(std::string message);
  Result<std::span<const uint8_t>> decompress(const FrameHeader& header,
                                              std::span<const uint8_t> wire);

  std::unique_ptr<Zstd> zstd_;
  std::vector<uint8_t> buffer_;
  size_t offset_ = 0;
  std::vector<uint8_t> scratch_;
  uint64_t expected_serial_ = 1;
  bool failed_ = false;
  Error error_;
  CodecStats stats_;
};

}  // namespace cadence::net
