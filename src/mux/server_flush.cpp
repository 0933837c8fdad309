// The mux server's output side (see server.hpp): once per loop iteration, a coalesced
// PaneDelta for each pane a client lacks the latest of, as far as its credit allows, and
// the answers to history fetches.
//
// A delta is built under the pane's lock: the rows to send are copied into LineCells
// (LineEncoder), which is about what a local paint's row copy costs, and the zstd work
// happens after the lock is released. Which rows: those of the viewport whose version is
// newer than the client's, or all of them when the client has none yet or the history
// epoch moved (a reflow renumbers stable rows, so a kept version no longer says the
// client holds that row where it now is); and the rows of the client's last viewport
// that scrolled into the history after changing, since the client keeps its copies of
// rows that scroll off as cached history.
#include <algorithm>

#include <sys/timerfd.h>

#include "base/clock.hpp"
#include "base/log.hpp"
#include "mux/line_wire.hpp"
#include "mux/server.hpp"
#include "mux/server_client.hpp"

namespace cadence::mux {
namespace {

const log::Tag kLog{"mux"};

// Text bytes per PDU before a delta or a history page is cut: far below kMaxPduBytes,
// and a bound on what one PDU makes either side hold.
constexpr size_t kMaxPduText = 4u << 20;

uint32_t modes_of(const vt::Terminal& t) {
  const vt::Modes& m = t.modes();
  uint32_t bits = 0;
  if (m.cursor_keys_application) bits |= net::mode::cursor_keys;
  if (m.keypad_application) bits |= net::mode::keypad;
  if (m.bracketed_paste) bits |= net::mode::bracketed_paste;
  if (m.focus_events) bits |= net::mode::focus_reports;
  if (t.is_alt_screen()) bits |= net::mode::alt_screen;
  if (m.mouse != vt::MouseTracking::off) bits |= net::mode::mouse_tracking;
  if (m.backarrow_sends_backspace) bits |= net::mode::backarrow_key;
  if (m.newline) bits |= net::mode::newline;
  if (m.reverse_video) bits |= net::mode::reverse_video;
  bits |= static_cast<uint32_t>(t.kitty_keyboard_flags() & 0xff) << net::mode::kitty_shift;
  return bits;
}

// DECSCUSR's numbering: 1/2 block, 3/4 underline, 5/6 bar; odd ones blink.
uint8_t decscusr(vt::CursorShape shape, bool blinking) {
  const uint8_t base = shape == vt::CursorShape::block       ? 1
                       : shape == vt::CursorShape::underline ? 3
                                                             : 5;
  return static_cast<uint8_t>(blinking ? base : base + 1);
}

}  // namespace

void MuxServer::flush() {
  for (auto& [fd, c] : clients_) {
    if (c->hello && !c->closing) flush_client(*c);
  }
  std::vector<std::pair<int, std::string>> gone;
  for (auto& [fd, c] : clients_) {
    if (c->closing) {
      (void)c->conn->flush();
      gone.emplace_back(fd, c->close_reason);
      continue;
    }
    const size_t before = c->conn->pending();
    uint64_t seen = counters_.max_pending.load(std::memory_order_relaxed);
    if (before > seen) counters_.max_pending.store(before, std::memory_order_relaxed);
    if (Result<void> r = c->conn->flush(); !r) {
      gone.emplace_back(fd, "gone: " + r.error().message);
      continue;
    }
    counters_.bytes_sent.fetch_add(before - c->conn->pending(), std::memory_order_relaxed);
    update_interest(*c);
  }
  for (auto& [fd, why] : gone) drop(fd, why);
}

// Pacing. With credit alone, a pane that keeps changing spends the whole window in the
// first few milliseconds after credit returns and then waits out the round trip: on a
// 100 ms link the client would show one new screen per round trip. Spreading the window
// over the round trip (at most a frame apart) shows up to a window's worth instead. The
// first change after a quiet spell is never held back, so typing is not delayed.
uint64_t MuxServer::pace_ns(const Client& c) const {
  constexpr uint64_t kFrameNs = 1000000000ull / 60;
  return std::min<uint64_t>(c.rtt_ns / std::max<uint32_t>(options_.credit_window, 1), kFrameNs);
}

void MuxServer::wake_at(uint64_t due) {
  if (pace_due_ns_ != 0 && pace_due_ns_ <= due) return;
  pace_due_ns_ = due;
  itimerspec spec{};
  spec.it_value.tv_sec = static_cast<time_t>(due / 1000000000ull);
  spec.it_value.tv_nsec = static_cast<long>(due % 1000000000ull);
  timerfd_settime(pace_fd_, TFD_TIMER_ABSTIME, &spec, nullptr);
}

void MuxServer::flush_client(Client& c) {
  const std::vector<net::PaneId>& order = session_->order();
  const size_t n = order.size();
  if (n == 0) return;
  const size_t start = c.next_pane % n;
  const uint64_t now = monotonic_ns();
  const uint64_t pace = pace_ns(c);
  for (size_t k = 0; k < n && !c.closing; ++k) {
    const size_t i = (start + k) % n;
    ServerPane* pane = session_->find(order[i]);
    Client::PaneSync& sync = c.panes[pane->id];
    // Input handled since the last delta is answered even when the program showed
    // nothing for it: the client's frame log must not wait for it forever.
    const bool input_owed = sync.input_serial != sync.input_serial_sent;
    if (!sync.answer_owed && !input_owed && sync.synced && sync.seen_changes == pane->changes)
      continue;
    if (!sync.answer_owed && pace > 0 && now < sync.sent_ns + pace) {
      wake_at(sync.sent_ns + pace);
      continue;
    }
    const bool out_of_credit = c.in_flight >= options_.credit_window;
    const bool backed_up = c.conn->pending() > options_.high_water;
    if (!sync.answer_owed && (out_of_credit || backed_up)) {
      // Coalesce: this pane goes first when the client can take more.
      c.next_pane = i;
      return;
    }
    send_delta(c, *pane);
    c.next_pane = i + 1;
  }
}

bool MuxServer::send_delta(Client& c, ServerPane& pane) {
  Client::PaneSync& sync = c.panes[pane.id];
  const uint64_t changes = pane.changes;
  std::vector<net::PaneDelta> deltas;
  {
    std::lock_guard<std::mutex> guard(pane.pty->mutex());
    const vt::Terminal& t = pane.pty->terminal();
    const bool full = !sync.synced || sync.epoch != t.history_epoch();
    const bool progress_moved =
        pane.progress_state != sync.progress_state || pane.progress_value != sync.progress_value;
    if (!full && t.version() == sync.version && !sync.answer_owed && !progress_moved &&
        sync.input_serial == sync.input_serial_sent) {
      sync.seen_changes = changes;
      return false;
    }
    net::PaneDelta head;
    head.pane = pane.id;
    head.version = t.version();
    head.resize_id = sync.resize_id;
    head.input_serial = sync.input_serial;
    head.rows = t.rows();
    head.cols = t.cols();
    head.top = t.stable_row(Row(0));
    head.history_epoch = t.history_epoch();
    head.modes = modes_of(t);
    head.cursor.row = t.cursor().row;
    head.cursor.col = std::min(t.cursor().col, t.cols() - 1);
    head.cursor.visible = t.modes().cursor_visible;
    head.cursor.shape = decscusr(t.cursor_shape(), t.cursor_blinking());
    if (!sync.synced || t.title() != sync.title) {
      sync.title = t.title().substr(0, net::kMaxTitleBytes);
      head.title = sync.title;
    }
    if (!sync.synced || t.cwd() != sync.cwd) {
      sync.cwd = t.cwd().substr(0, net::kMaxTitleBytes);
      head.cwd = sync.cwd;
    }
    if (progress_moved) {
      sync.progress_state = pane.progress_state;
      sync.progress_value = pane.progress_value;
      head.progress_state = static_cast<uint8_t>(pane.progress_state);
      head.progress_value = static_cast<uint8_t>(pane.progress_value);
    }
    LineEncoder lines(t, (c.features & net::feature::hyperlinks) != 0);
    // A screen too large for one PDU goes as several deltas of the same version; the
    // client applies them in order and is whole after the last.
    auto cut = [&] {
      net::PaneDelta& d = deltas.emplace_back(head);
      lines.take(d.styles, d.links, d.lines);
    };
    // Rows of the client's viewport that scrolled into the history since: the client
    // files its copies there, so it needs the ones that changed before they left.
    // (Lines come in stable-row order, so these go first.) Not on the alternate screen,
    // whose rows never enter the history.
    const int64_t top = t.stable_row(Row(0)).get();
    if (!full && !t.is_alt_screen() && !sync.alt) {
      const int64_t first = top - static_cast<int64_t>(t.scrollback_size());
      const int64_t end = std::min(top, sync.top + sync.rows);
      for (int64_t row = std::max(sync.top, first); row < end; ++row) {
        const auto i = static_cast<size_t>(row - first);
        if (t.history_line_version(i) <= sync.version) continue;
        t.visit_history_line(i, [&](const auto& line) { lines.add(line, StableRow(row)); });
      }
    }
    for (int r = 0; r < t.rows(); ++r) {
      const vt::Line& line = t.line(Row(r));
      if (!full && line.version <= sync.version) continue;
      lines.add(line, t.stable_row(Row(r)));
      if (lines.text_bytes() > kMaxPduText) cut();
    }
    if (!lines.empty() || deltas.empty()) cut();
    sync.synced = true;
    sync.top = top;
    sync.rows = t.rows();
    sync.alt = t.is_alt_screen();
    sync.version = t.version();
    sync.epoch = t.history_epoch();
    sync.seen_changes = changes;
    sync.answer_owed = false;
    sync.input_serial_sent = sync.input_serial;
    sync.sent_ns = monotonic_ns();
  }
  for (const net::PaneDelta& d : deltas) {
    if (Result<uint64_t> r = c.conn->send(d); !r) {
      LOG_WARN(kLog, "client ", c.id, ": cannot send a delta of pane ", pane.id, ": ",
               r.error().message);
      c.closing = true;
      c.close_reason = "dropped: " + r.error().message;
      return false;
    }
    ++c.in_flight;
    counters_.deltas.fetch_add(1, std::memory_order_relaxed);
    counters_.delta_lines.fetch_add(d.lines.size(), std::memory_order_relaxed);
  }
  return true;
}

void MuxServer::answer_fetch(Client& c, uint64_t serial, const net::FetchLines& request) {
  ServerPane* pane = pane_for(c, serial, request.pane);
  if (!pane) return;
  counters_.fetches.fetch_add(1, std::memory_order_relaxed);
  net::LinesReply reply;
  reply.request_id = request.request_id;
  reply.pane = request.pane;
  {
    std::lock_guard<std::mutex> guard(pane->pty->mutex());
    const vt::Terminal& t = pane->pty->terminal();
    const int64_t top = t.stable_row(Row(0)).get();
    const int64_t first_available = top - static_cast<int64_t>(t.scrollback_size());
    reply.history_epoch = t.history_epoch();
    reply.first_available = StableRow(first_available);
    // Rows of another epoch would land at the wrong stable rows: the client asked
    // before a reflow, and gets nothing but the new epoch.
    if (request.history_epoch == t.history_epoch()) {
      LineEncoder lines(t, (c.features & net::feature::hyperlinks) != 0);
      const int64_t end = request.first.get() + request.count;
      for (int64_t s = std::max(request.first.get(), first_available); s < end; ++s) {
        if (s < top) {
          t.visit_history_line(static_cast<size_t>(s - first_available),
                               [&](const auto& line) { lines.add(line, StableRow(s)); });
        } else if (s < top + t.rows()) {
          lines.add(t.line(Row(static_cast<int32_t>(s - top))), StableRow(s));
        } else {
          break;
        }
        // A page that would grow past the bound stops early; the client asks for the
        // rest if it still wants them.
        if (lines.text_bytes() > kMaxPduText) break;
      }
      lines.take(reply.styles, reply.links, reply.lines);
    }
  }
  if (Result<uint64_t> r = c.conn->send(reply); !r) {
    c.closing = true;
    c.close_reason = "dropped: " + r.error().message;
  }
}

}  // namespace cadence::mux
