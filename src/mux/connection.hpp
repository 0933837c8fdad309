// One end of a mux connection: a non-blocking stream socket with its PDU encoder, its
// decoder and the bytes waiting to be written. Used by the server (one per client) and by
// the client's network thread; never shared between threads.
//
// Reading is bounded per call (`budget`), so one chatty peer cannot starve the others or
// the owner's own work. Writing never blocks: send() appends frames to a buffer and
// flush() writes what the socket takes, and the owner asks for EPOLLOUT while pending()
// is non-zero. The owner also decides how much it lets pile up there (the server stops
// producing deltas above a high-water mark); this class enforces only the hard ceiling
// kMaxPendingBytes, past which the peer is not reading and the connection is failed.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "base/result.hpp"
#include "net/codec.hpp"

namespace cadence::mux {

// Bytes queued for a peer beyond which it is dropped: several full PDUs (16 MiB each at
// most) and far more than any well-behaved peer leaves unread.
inline constexpr size_t kMaxPendingBytes = 64u << 20;

class Connection {
 public:
  // Takes ownership of fd (closed in the destructor).
  explicit Connection(int fd, net::EncoderOptions options = {});
  ~Connection();
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

  int fd() const { return fd_; }
  // Before anything was sent: a peer without the zstd feature gets plain payloads.
  void set_encoder_options(net::EncoderOptions options);

  // Encodes one PDU onto the write buffer. An error means the PDU broke a limit (nothing
  // queued) or the encoder's stream failed (the connection is unusable), or the buffer
  // is past kMaxPendingBytes.
  template <typename T>
  Result<uint64_t> send(const T& pdu) {
    if (pending() > kMaxPendingBytes)
      return make_error("peer is not reading: " + std::to_string(pending()) + " bytes queued");
    compact_output();
    return encoder_->encode(pdu, out_);
  }

  // After a send() error: whether the connection can go on (a PDU over a limit was
  // refused and nothing was queued) or not (the compression stream broke, or the peer
  // stopped reading).
  bool unusable() const { return encoder_->failed() || pending() > kMaxPendingBytes; }

  // Writes what the socket takes. Error: the peer is gone.
  Result<void> flush();
  size_t pending() const { return out_.size() - out_offset_; }

  struct ReadStatus {
    size_t bytes = 0;
    bool eof = false;   // the peer closed its end
    bool more = false;  // the read filled its request: more may be waiting
  };
  // One read of at most min(budget, 64 KiB) bytes, fed to the decoder; the caller drains
  // next() before reading again, so at most one partial frame stays buffered. Error: a
  // socket error.
  Result<ReadStatus> read(size_t budget);
  // The next complete PDU, nothing when more bytes are needed, or a protocol error (the
  // connection must be closed). Also reports the frame's wire size.
  Result<std::optional<net::Frame>> next(size_t* wire_bytes = nullptr);

  const net::CodecStats& sent() const { return encoder_->stats(); }
  const net::CodecStats& received() const { return decoder_.stats(); }

 private:
  void compact_output();

  int fd_ = -1;
  std::unique_ptr<net::Encoder> encoder_;
  net::Decoder decoder_;
  std::vector<uint8_t> out_;
  size_t out_offset_ = 0;
  std::vector<uint8_t> in_;
};

}  // namespace cadence::mux
