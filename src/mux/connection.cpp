// Connection (see connection.hpp).
#include "mux/connection.hpp"

#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include "base/check.hpp"

namespace cadence::mux {
namespace {

constexpr size_t kReadChunk = 64 * 1024;

}  // namespace

Connection::Connection(int fd, net::EncoderOptions options)
    : fd_(fd), encoder_(std::make_unique<net::Encoder>(options)) {
  in_.resize(kReadChunk);
}

void Connection::set_encoder_options(net::EncoderOptions options) {
  CADENCE_CHECK_MSG(encoder_->next_serial() == 1, "encoder options changed after sending");
  encoder_ = std::make_unique<net::Encoder>(options);
}

Connection::~Connection() {
  if (fd_ >= 0) close(fd_);
}

void Connection::compact_output() {
  // Drop what was written once it is most of the buffer, so a connection that always
  // has something pending does not grow without bound at the front.
  if (out_offset_ == out_.size()) {
    out_.clear();
    out_offset_ = 0;
  } else if (out_offset_ > (1u << 20) && out_offset_ > out_.size() / 2) {
    out_.erase(out_.begin(), out_.begin() + static_cast<std::ptrdiff_t>(out_offset_));
    out_offset_ = 0;
  }
}

Result<void> Connection::flush() {
  while (out_offset_ < out_.size()) {
    // send() with MSG_NOSIGNAL: a peer that vanished is an error here, not a SIGPIPE.
    // A descriptor that is not a socket (a pipe in --stdio) falls back to write().
    ssize_t n = ::send(fd_, out_.data() + out_offset_, out_.size() - out_offset_, MSG_NOSIGNAL);
    if (n < 0 && errno == ENOTSOCK)
      n = ::write(fd_, out_.data() + out_offset_, out_.size() - out_offset_);
    if (n < 0) {
      if (errno == EINTR) continue;
      if (errno == EAGAIN) break;
      return make_error(std::string("write: ") + std::strerror(errno));
    }
    out_offset_ += static_cast<size_t>(n);
  }
  compact_output();
  return {};
}

Result<Connection::ReadStatus> Connection::read(size_t budget) {
  ReadStatus status;
  const size_t want = std::min(in_.size(), budget);
  for (;;) {
    const ssize_t n = ::read(fd_, in_.data(), want);
    if (n > 0) {
      decoder_.feed(std::span<const uint8_t>(in_.data(), static_cast<size_t>(n)));
      status.bytes = static_cast<size_t>(n);
      status.more = status.bytes == want;
      return status;
    }
    if (n == 0) {
      status.eof = true;
      return status;
    }
    if (errno == EINTR) continue;
    if (errno == EAGAIN) return status;
    return make_error(std::string("read: ") + std::strerror(errno));
  }
}

Result<std::optional<net::Frame>> Connection::next(size_t* wire_bytes) {
  const uint64_t before = decoder_.stats().wire_bytes;
  Result<std::optional<net::Frame>> frame = decoder_.next();
  if (wire_bytes) *wire_bytes = static_cast<size_t>(decoder_.stats().wire_bytes - before);
  return frame;
}

}  // namespace cadence::mux
