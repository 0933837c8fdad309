// Encoder and Decoder: frames, serials and zstd; see codec.hpp for the format.
#include "net/codec.hpp"

#include <zstd.h>

#include <algorithm>
#include <cstring>
#include <string>

namespace cadence::net {

namespace {

std::string zstd_error(size_t code) { return std::string("zstd: ") + ZSTD_getErrorName(code); }

bool known_type(uint16_t type) { return std::string_view(pdu_type_name(type)) != "unknown"; }

}  // namespace

void write_header(const FrameHeader& h, uint8_t* out) {
  for (int i = 0; i < 4; ++i) out[i] = static_cast<uint8_t>(h.length >> (8 * i));
  for (int i = 0; i < 8; ++i) out[4 + i] = static_cast<uint8_t>(h.serial >> (8 * i));
  out[12] = static_cast<uint8_t>(h.type);
  out[13] = static_cast<uint8_t>(h.type >> 8);
  out[14] = h.flags;
}

FrameHeader read_header(const uint8_t* in) {
  FrameHeader h;
  for (int i = 0; i < 4; ++i) h.length |= uint32_t{in[i]} << (8 * i);
  for (int i = 0; i < 8; ++i) h.serial |= uint64_t{in[4 + i]} << (8 * i);
  h.type = static_cast<uint16_t>(in[12] | (in[13] << 8));
  h.flags = in[14];
  return h;
}

// --- Encoder -----------------------------------------------------------------------------

struct Encoder::Zstd {
  ZSTD_CCtx* cctx = nullptr;
  ~Zstd() { ZSTD_freeCCtx(cctx); }
};

Encoder::Encoder(EncoderOptions options) : options_(options), zstd_(std::make_unique<Zstd>()) {
  if (options_.compression == Compression::none) return;
  zstd_->cctx = ZSTD_createCCtx();
  CADENCE_CHECK(zstd_->cctx != nullptr);
  ZSTD_CCtx_setParameter(zstd_->cctx, ZSTD_c_compressionLevel, options_.level);
  ZSTD_CCtx_setParameter(zstd_->cctx, ZSTD_c_windowLog, kMaxWindowLog - 1);
}

Encoder::~Encoder() = default;

Result<uint64_t> Encoder::frame(PduType type, std::vector<uint8_t>& out) {
  const char* name = pdu_type_name(static_cast<uint16_t>(type));
  if (payload_.size() > kMaxDecompressedBytes)
    return make_error(std::string(name) + ": payload of " + std::to_string(payload_.size()) +
                      " bytes exceeds the limit " + std::to_string(kMaxDecompressedBytes));

  const size_t start = out.size();
  FrameHeader header;
  header.serial = next_serial_;
  header.type = static_cast<uint16_t>(type);
  size_t wire = payload_.size();

  const bool compress =
      options_.compression != Compression::none && payload_.size() >= options_.compress_threshold;
  if (!compress) {
    out.resize(start + kHeaderBytes);
    out.insert(out.end(), payload_.begin(), payload_.end());
  } else {
    size_t bound = ZSTD_compressBound(payload_.size());
    out.resize(start + kHeaderBytes + bound);
    uint8_t* dst = out.data() + start + kHeaderBytes;
    if (options_.compression == Compression::per_pdu) {
      header.flags = frame_flag::zstd_frame;
      ZSTD_CCtx_reset(zstd_->cctx, ZSTD_reset_session_only);
      wire = ZSTD_compress2(zstd_->cctx, dst, bound, payload_.data(), payload_.size());
      if (ZSTD_isError(wire)) {
        out.resize(start);
        return make_error(zstd_error(wire));
      }
    } else {
      header.flags = frame_flag::zstd_stream;
      ZSTD_outBuffer o{dst, bound, 0};
      ZSTD_inBuffer in{payload_.data(), payload_.size(), 0};
      size_t left;
      do {
        left = ZSTD_compressStream2(zstd_->cctx, &o, &in, ZSTD_e_flush);
        if (ZSTD_isError(left)) {
          out.resize(start);
          failed_ = true;
          return make_error(zstd_error(left));
        }
        // compressBound() leaves room for the whole flush; running out means zstd and
        // this code disagree, and the stream is lost either way.
        if (left != 0 && o.pos == o.size) {
          out.resize(start);
          failed_ = true;
          return make_error("zstd: flush did not fit its bound");
        }
      } while (left != 0);
      wire = o.pos;
    }
    out.resize(start + kHeaderBytes + wire);
  }
  if (wire > kMaxPduBytes) {
    out.resize(start);
    // A streamed block the peer never sees would leave its zstd history behind ours.
    if (header.flags == frame_flag::zstd_stream) failed_ = true;
    return make_error(std::string(name) + ": frame of " + std::to_string(wire) +
                      " bytes exceeds the limit " + std::to_string(kMaxPduBytes));
  }
  header.length = static_cast<uint32_t>(wire);
  write_header(header, out.data() + start);
  stats_.pdus++;
  stats_.payload_bytes += payload_.size();
  stats_.wire_bytes += kHeaderBytes + wire;
  return next_serial_++;
}

// --- Decoder -----------------------------------------------------------------------------

struct Decoder::Zstd {
  ZSTD_DCtx* stream = nullptr;  // this direction's stream
  ZSTD_DCtx* frame = nullptr;   // self-contained frames, reset for each
  ~Zstd() {
    ZSTD_freeDCtx(stream);
    ZSTD_freeDCtx(frame);
  }
};

Decoder::Decoder() : zstd_(std::make_unique<Zstd>()) {}
Decoder::~Decoder() = default;

void Decoder::feed(std::span<const uint8_t> bytes) {
  if (failed_) return;
  if (offset_ > 0 && offset_ >= buffer_.size() / 2) {
    buffer_.erase(buffer_.begin(), buffer_.begin() + static_cast<ptrdiff_t>(offset_));
    offset_ = 0;
  }
  buffer_.insert(buffer_.end(), bytes.begin(), bytes.end());
}

Error Decoder::fail(std::string message) {
  failed_ = true;
  error_ = make_error("protocol error: " + std::move(message));
  buffer_.clear();
  buffer_.shrink_to_fit();
  offset_ = 0;
  return error_;
}

Result<std::optional<Frame>> Decoder::next() {
  if (failed_) return error_;
  if (buffered() < kHeaderBytes) return std::optional<Frame>();
  const FrameHeader h = read_header(buffer_.data() + offset_);
  if (h.length > kMaxPduBytes)
    return fail("frame of " + std::to_string(h.length) + " bytes exceeds the limit " +
                std::to_string(kMaxPduBytes));
  if (h.flags & ~(frame_flag::zstd_stream | frame_flag::zstd_frame))
    return fail("unknown frame flags " + std::to_string(h.flags));
  if (h.flags == (frame_flag::zstd_stream | frame_flag::zstd_frame))
    return fail("both compression flags set");
  if (!known_type(h.type)) return fail("unknown PDU type " + std::to_string(h.type));
  if (h.serial != expected_serial_)
    return fail("serial " + std::to_string(h.serial) + " where " +
                std::to_string(expected_serial_) + " was due");
  if (buffered() < kHeaderBytes + h.length) return std::optional<Frame>();

  std::span<const uint8_t> wire(buffer_.data() + offset_ + kHeaderBytes, h.length);
  std::span<const uint8_t> payload = wire;
  if (h.flags != 0) {
    auto plain = decompress(h, wire);
    if (!plain) return fail(std::string(pdu_type_name(h.type)) + ": " + plain.error().message);
    payload = *plain;
  }
  auto pdu = decode_payload(h.type, payload);
  if (!pdu) return fail(pdu.error().message);
  // A big payload is a rare event; its buffer is not kept for the connection's life.
  if (scratch_.size() > (1u << 20)) scratch_ = {};

  offset_ += kHeaderBytes + h.length;
  if (offset_ == buffer_.size()) {
    buffer_.clear();
    offset_ = 0;
  }
  expected_serial_++;
  stats_.pdus++;
  stats_.payload_bytes += payload.size();
  stats_.wire_bytes += kHeaderBytes + h.length;
  return std::optional<Frame>(Frame{h.serial, std::move(pdu).value()});
}

Result<std::span<const uint8_t>> Decoder::decompress(const FrameHeader& h,
                                                     std::span<const uint8_t> wire) {
  const bool stream = h.flags == frame_flag::zstd_stream;
  ZSTD_DCtx*& dctx = stream ? zstd_->stream : zstd_->frame;
  if (!dctx) {
    dctx = ZSTD_createDCtx();
    CADENCE_CHECK(dctx != nullptr);
    ZSTD_DCtx_setParameter(dctx, ZSTD_d_windowLogMax, kMaxWindowLog);
  }
  if (!stream) {
    ZSTD_DCtx_reset(dctx, ZSTD_reset_session_only);
    // A frame that says how big it is can be refused before any work.
    const unsigned long long claimed = ZSTD_getFrameContentSize(wire.data(), wire.size());
    if (claimed == ZSTD_CONTENTSIZE_ERROR) return make_error("not a zstd frame");
    if (claimed != ZSTD_CONTENTSIZE_UNKNOWN && claimed > kMaxDecompressedBytes)
      return make_error("compressed payload claims " + std::to_string(claimed) +
                        " bytes, over the limit " + std::to_string(kMaxDecompressedBytes));
  }

  // The output grows by doubling up to one byte past the limit: producing that byte is
  // what proves a payload too big, without ever holding more than the limit plus one.
  ZSTD_inBuffer in{wire.data(), wire.size(), 0};
  size_t produced = 0;
  size_t last = 1;
  if (scratch_.size() < 4096) scratch_.resize(4096);
  for (;;) {
    if (produced == scratch_.size()) {
      if (scratch_.size() > kMaxDecompressedBytes)
        return make_error("decompressed payload exceeds the limit " +
                          std::to_string(kMaxDecompressedBytes));
      scratch_.resize(std::min(scratch_.size() * 2, kMaxDecompressedBytes + 1));
    }
    ZSTD_outBuffer out{scratch_.data(), scratch_.size(), produced};
    last = ZSTD_decompressStream(dctx, &out, &in);
    if (ZSTD_isError(last)) return make_error(zstd_error(last));
    produced = out.pos;
    if (produced > kMaxDecompressedBytes)
      return make_error("decompressed payload exceeds the limit " +
                        std::to_string(kMaxDecompressedBytes));
    // Done when all input is consumed and zstd left room in the output, i.e. it had
    // nothing more to flush.
    if (in.pos == in.size && out.pos < out.size) break;
  }
  if (!stream && last != 0) return make_error("truncated zstd frame");
  return std::span<const uint8_t>(scratch_.data(), produced);
}

}  // namespace cadence::net
