// The mux server (see server.hpp): accepting, reading and dispatching requests. Building
// and sending pane content is in server_flush.cpp.
#include "mux/server.hpp"

#include <sys/epoll.h>
#include <sys/random.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/timerfd.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include "base/clock.hpp"
#include "base/log.hpp"
#include "mux/server_client.hpp"
#include "mux/unix_socket.hpp"

namespace cadence::mux {
namespace {

const log::Tag kLog{"mux"};

constexpr uint64_t kServerFeatures = net::feature::zstd | net::feature::hyperlinks |
                                     net::feature::clipboard | net::feature::history_fetch;

std::string clip(std::string s, size_t max) {
  if (s.size() > max) s.resize(max);
  return s;
}

template <typename T>
constexpr bool kClientMayNotSend =
    std::is_same_v<T, net::HelloReply> || std::is_same_v<T, net::PaneList> ||
    std::is_same_v<T, net::Spawned> || std::is_same_v<T, net::TabEvent> ||
    std::is_same_v<T, net::PaneEvent> || std::is_same_v<T, net::PaneDelta> ||
    std::is_same_v<T, net::LinesReply> || std::is_same_v<T, net::Bell>;
static_assert(!kClientMayNotSend<net::Resume> && !kClientMayNotSend<net::Activate>);

}  // namespace

Result<std::unique_ptr<MuxServer>> MuxServer::create(ServerOptions options) {
  if (options.allowed_uid == static_cast<uid_t>(-1)) options.allowed_uid = geteuid();
  Result<int> fd = listen_unix(options.socket_path);
  if (!fd) return fd.error();
  std::unique_ptr<MuxServer> server(new MuxServer(std::move(options), fd.value()));
  if (Result<void> r = server->init(); !r) return r.error();
  LOG_INFO(kLog, "listening on ", server->options_.socket_path);
  return server;
}

MuxServer::MuxServer(ServerOptions options, int listen_fd)
    : options_(std::move(options)), listen_fd_(listen_fd) {}

Result<void> MuxServer::init() {
  Result<std::unique_ptr<EventLoop>> loop = EventLoop::create();
  if (!loop) return loop.error();
  loop_ = std::move(loop.value());
  Result<std::unique_ptr<Waker>> panes = Waker::create();
  if (!panes) return panes.error();
  pane_waker_ = std::move(panes.value());
  Result<std::unique_ptr<Waker>> stop = Waker::create();
  if (!stop) return stop.error();
  stop_waker_ = std::move(stop.value());
  Result<std::unique_ptr<pty::IoThread>> io = pty::IoThread::start(*pane_waker_);
  if (!io) return io.error();
  io_ = std::move(io.value());
  session_ = std::make_unique<Session>(*io_, options_.session);
  // Not a secret, only distinct per process: a reconnecting client compares it.
  if (getrandom(&instance_, sizeof instance_, 0) != sizeof instance_)
    instance_ = monotonic_ns() ^ (static_cast<uint64_t>(getpid()) << 32);
  instance_ |= 1;  // never 0, which a client that never connected holds

  if (Result<void> r = loop_->add(listen_fd_, EPOLLIN, [this](uint32_t) { on_accept(); }); !r)
    return r;
  if (Result<void> r = loop_->add(pane_waker_->fd(), EPOLLIN, [this](uint32_t) { on_panes(); }); !r)
    return r;
  if (Result<void> r = loop_->add(stop_waker_->fd(), EPOLLIN,
                                  [this](uint32_t) {
                                    stop_waker_->acknowledge();
                                    loop_->quit();
                                  });
      !r)
    return r;
  if (options_.signal_fd >= 0) {
    Result<void> r = loop_->add(options_.signal_fd, EPOLLIN, [this](uint32_t) {
      signalfd_siginfo info{};
      if (::read(options_.signal_fd, &info, sizeof info) == sizeof info)
        LOG_INFO(kLog, "signal ", info.ssi_signo, ": shutting down");
      loop_->quit();
    });
    if (!r) return r;
  }
  pace_fd_ = timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK | TFD_CLOEXEC);
  if (pace_fd_ < 0) return make_error(std::string("timerfd_create: ") + std::strerror(errno));
  if (Result<void> r = loop_->add(pace_fd_, EPOLLIN,
                                  [this](uint32_t) {
                                    uint64_t ticks;
                                    (void)!::read(pace_fd_, &ticks, sizeof ticks);
                                    pace_due_ns_ = 0;
                                  });
      !r)
    return r;
  loop_->set_before_sleep([this] { flush(); });
  return {};
}

MuxServer::~MuxServer() {
  clients_.clear();
  // Panes before the I/O thread that reads them; the socket last, so a client that
  // reconnects at once finds no server rather than a dying one.
  session_.reset();
  io_.reset();
  if (pace_fd_ >= 0) close(pace_fd_);
  if (listen_fd_ >= 0) {
    close(listen_fd_);
    unlink(options_.socket_path.c_str());
  }
}

Result<void> MuxServer::run() {
  Result<void> r = loop_->run();
  for (auto& [fd, c] : clients_) {
    // Whatever is already queued (an ErrorPdu, the last deltas) gets one chance to go.
    (void)c->conn->flush();
  }
  clients_.clear();
  counters_.clients.store(0);
  LOG_INFO(kLog, "stopped");
  return r;
}

void MuxServer::stop() {
  stopping_.store(true);
  stop_waker_->wake();
}

ServerCounters MuxServer::counters() const {
  ServerCounters c;
  c.accepted = counters_.accepted.load();
  c.refused = counters_.refused.load();
  c.protocol_errors = counters_.protocol_errors.load();
  c.clients = counters_.clients.load();
  c.deltas = counters_.deltas.load();
  c.delta_lines = counters_.delta_lines.load();
  c.resizes = counters_.resizes.load();
  c.fetches = counters_.fetches.load();
  c.bytes_sent = counters_.bytes_sent.load();
  c.max_pending = counters_.max_pending.load();
  return c;
}

void MuxServer::on_accept() {
  for (;;) {
    const int fd = accept4(listen_fd_, nullptr, nullptr, SOCK_NONBLOCK | SOCK_CLOEXEC);
    if (fd < 0) {
      if (errno == EINTR) continue;
      if (errno != EAGAIN) LOG_WARN(kLog, "accept: ", std::strerror(errno));
      return;
    }
    Result<PeerCredentials> peer = peer_credentials(fd);
    if (!peer || !peer_allowed(peer->uid, options_.allowed_uid)) {
      if (peer) {
        LOG_WARN(kLog, "refused a connection from uid ", peer->uid, " (pid ", peer->pid,
                 "): only uid ", options_.allowed_uid, " may attach");
      } else {
        LOG_WARN(kLog, "refused a connection: ", peer.error().message);
      }
      close(fd);
      counters_.refused.fetch_add(1);
      continue;
    }
    auto client = std::make_unique<Client>();
    client->id = next_client_++;
    client->pid = peer->pid;
    client->conn = std::make_unique<Connection>(fd);
    Client* raw = client.get();
    if (Result<void> r = loop_->add(fd, EPOLLIN, [this, fd](uint32_t ev) { on_client(fd, ev); });
        !r) {
      LOG_WARN(kLog, "cannot watch a client: ", r.error().message);
      continue;
    }
    raw->reading = true;
    clients_.emplace(fd, std::move(client));
    counters_.accepted.fetch_add(1);
    counters_.clients.store(clients_.size());
    LOG_INFO(kLog, "client ", raw->id, " connected (pid ", raw->pid, ")");
  }
}

void MuxServer::drop(int fd, const std::string& why) {
  auto it = clients_.find(fd);
  if (it == clients_.end()) return;
  LOG_INFO(kLog, "client ", it->second->id, " (", it->second->name, ") ", why);
  loop_->remove(fd);
  clients_.erase(it);
  counters_.clients.store(clients_.size());
}

void MuxServer::on_client(int fd, uint32_t events) {
  auto it = clients_.find(fd);
  if (it == clients_.end()) return;
  Client& c = *it->second;
  if (events & EPOLLOUT) {
    if (Result<void> r = c.conn->flush(); !r) {
      drop(fd, "gone: " + r.error().message);
      return;
    }
  }
  if (events & (EPOLLIN | EPOLLHUP | EPOLLERR)) {
    read_client(c);
    if (c.closing) {
      (void)c.conn->flush();
      drop(fd, c.close_reason);
      return;
    }
  }
  update_interest(c);
}

void MuxServer::read_client(Client& c) {
  size_t budget = options_.read_budget;
  while (budget > 0 && !c.closing) {
    // A client that does not read its answers gets no more of them queued.
    if (c.conn->pending() > options_.high_water) return;
    Result<Connection::ReadStatus> status = c.conn->read(budget);
    if (!status) {
      c.closing = true;
      c.close_reason = "gone: " + status.error().message;
      return;
    }
    for (;;) {
      Result<std::optional<net::Frame>> frame = c.conn->next();
      if (!frame) {
        protocol_error(c, frame.error().message);
        return;
      }
      if (!frame.value()) break;
      if (!dispatch(c, *frame.value())) return;
    }
    if (status->eof) {
      c.closing = true;
      c.close_reason = "disconnected";
      return;
    }
    budget -= std::min(budget, status->bytes);
    if (!status->more) return;
  }
}

void MuxServer::update_interest(Client& c) {
  const bool want_in = !c.closing && c.conn->pending() <= options_.high_water;
  const bool want_out = c.conn->pending() > 0;
  if (want_in == c.reading && want_out == c.writing) return;
  c.reading = want_in;
  c.writing = want_out;
  Result<void> r =
      loop_->modify(c.conn->fd(), (want_in ? EPOLLIN : 0u) | (want_out ? EPOLLOUT : 0u));
  if (!r) LOG_WARN(kLog, "epoll modify: ", r.error().message);
}

void MuxServer::protocol_error(Client& c, const std::string& message) {
  LOG_WARN(kLog, "client ", c.id, " (", c.name.empty() ? "no hello yet" : c.name,
           "): protocol error: ", message, "; closing the connection");
  counters_.protocol_errors.fetch_add(1);
  // Best effort: the encoder is still sound even when the peer's stream is not.
  (void)c.conn->send(
      net::ErrorPdu{net::ErrorPdu::Code::protocol, 0, clip(message, net::kMaxTitleBytes)});
  c.closing = true;
  c.close_reason = "closed after a protocol error";
}

void MuxServer::fail_request(Client& c, uint64_t serial, net::ErrorPdu::Code code,
                             std::string message) {
  LOG_INFO(kLog, "client ", c.id, ": request ", serial, " failed: ", message);
  (void)c.conn->send(net::ErrorPdu{code, serial, clip(std::move(message), net::kMaxTitleBytes)});
}

void MuxServer::broadcast(const net::Pdu& pdu) {
  const bool clipboard = std::holds_alternative<net::Clipboard>(pdu);
  for (auto& [fd, c] : clients_) {
    if (!c->hello || c->closing) continue;
    if (clipboard && !(c->features & net::feature::clipboard)) continue;
    if (Result<uint64_t> r = c->conn->send(pdu); !r) {
      c->closing = true;
      c->close_reason = "dropped: " + r.error().message;
    }
  }
}

void MuxServer::broadcast_events(std::vector<net::Pdu>& events) {
  for (const net::Pdu& e : events) {
    broadcast(e);
    if (const auto* pe = std::get_if<net::PaneEvent>(&e);
        pe && pe->kind == net::PaneEvent::Kind::closed) {
      for (auto& [fd, c] : clients_) c->panes.erase(pe->pane);
    }
  }
  events.clear();
}

void MuxServer::on_panes() {
  pane_waker_->acknowledge();
  std::vector<net::Pdu> events;
  for (net::PaneId id : session_->order()) {
    ServerPane* pane = session_->find(id);
    pane->pty->want_wake(true);
    if (!pane->pty->take_dirty()) continue;
    ++pane->changes;
    pty::PaneEvents raised;
    {
      std::lock_guard<std::mutex> guard(pane->pty->mutex());
      raised = pane->pty->take_events();
    }
    for (int i = 0; i < raised.bells; ++i) events.push_back(net::Bell{id});
    if (raised.progress) {
      pane->progress_state = std::clamp(raised.progress->first, 0, 4);
      pane->progress_value = std::clamp(raised.progress->second, 0, 100);
    }
    for (auto& [targets, data] : raised.clipboard) {
      if (data.size() > net::kMaxClipboardBytes) continue;
      const auto selection =
          targets.find('p') != std::string::npos && targets.find('c') == std::string::npos
              ? net::Clipboard::Selection::primary
              : net::Clipboard::Selection::clipboard;
      events.push_back(net::Clipboard{id, selection, std::move(data)});
    }
  }
  session_->reap(events);
  broadcast_events(events);
}

bool MuxServer::dispatch(Client& c, net::Frame& frame) {
  if (!c.hello) {
    auto* hello = std::get_if<net::Hello>(&frame.pdu);
    if (!hello) {
      protocol_error(c, std::string("expected Hello, got ") +
                            net::pdu_type_name(static_cast<uint16_t>(net::pdu_type(frame.pdu))));
      return false;
    }
    // A peer without zstd gets plain payloads from the first answer on, a refusal
    // included.
    if (!(hello->features & net::feature::zstd)) {
      c.conn->set_encoder_options(net::EncoderOptions{net::Compression::none, 64, 3});
    }
    Result<net::HelloReply> reply = net::answer_hello(*hello, kServerFeatures, options_.name);
    if (!reply) {
      LOG_WARN(kLog, "client ", c.id, ": ", reply.error().message, "; closing the connection");
      (void)c.conn->send(net::ErrorPdu{net::ErrorPdu::Code::version, frame.serial,
                                       clip(reply.error().message, net::kMaxTitleBytes)});
      c.closing = true;
      c.close_reason = "refused: protocol version";
      return false;
    }
    reply->instance = instance_;
    c.hello = true;
    c.features = reply->features;
    c.name = clip(hello->name, 256);
    LOG_INFO(kLog, "client ", c.id, " is ", c.name);
    (void)c.conn->send(reply.value());
    // Attaching is the Hello: the client gets the topology at once and deltas follow.
    (void)c.conn->send(session_->list());
    return true;
  }
  return std::visit(
      [&](auto& pdu) -> bool {
        using T = std::decay_t<decltype(pdu)>;
        if constexpr (std::is_same_v<T, net::Hello>) {
          protocol_error(c, "a second Hello");
          return false;
        } else if constexpr (kClientMayNotSend<T>) {
          protocol_error(c, std::string("a client may not send ") +
                                net::pdu_type_name(static_cast<uint16_t>(T::kType)));
          return false;
        } else {
          handle(c, frame.serial, pdu);
          if constexpr (std::is_same_v<T, net::WriteToPane> || std::is_same_v<T, net::Paste> ||
                        std::is_same_v<T, net::Mouse>) {
            note_input(c, frame.serial, pdu.pane);
          }
          return !c.closing;
        }
      },
      frame.pdu);
}

void MuxServer::handle(Client& c, uint64_t, net::Ping& ping) {
  // The client's last round trip paces its deltas (server_flush.cpp).
  if (ping.last_rtt_ns != 0) c.rtt_ns = ping.last_rtt_ns;
  (void)c.conn->send(net::Pong{ping.sent_ns});
}

void MuxServer::handle(Client&, uint64_t, net::Pong&) {}

void MuxServer::handle(Client& c, uint64_t, net::ErrorPdu& error) {
  LOG_INFO(kLog, "client ", c.id, " reports: ", error.message);
}

void MuxServer::handle(Client& c, uint64_t, net::ListPanes&) {
  (void)c.conn->send(session_->list());
}

void MuxServer::handle(Client& c, uint64_t serial, net::Spawn& request) {
  std::vector<net::Pdu> events;
  Result<net::Spawned> r = session_->spawn(request, events);
  if (!r) return fail_request(c, serial, net::ErrorPdu::Code::request_failed, r.error().message);
  (void)c.conn->send(r.value());
  broadcast_events(events);
}

void MuxServer::handle(Client& c, uint64_t serial, net::Split& request) {
  std::vector<net::Pdu> events;
  Result<net::Spawned> r = session_->split(request, events);
  if (!r) return fail_request(c, serial, net::ErrorPdu::Code::request_failed, r.error().message);
  (void)c.conn->send(r.value());
  broadcast_events(events);
}

void MuxServer::handle(Client& c, uint64_t serial, net::MovePane& request) {
  std::vector<net::Pdu> events;
  Result<net::Spawned> r = session_->move(request, events);
  if (!r) return fail_request(c, serial, net::ErrorPdu::Code::no_such_pane, r.error().message);
  (void)c.conn->send(r.value());
  broadcast_events(events);
}

void MuxServer::handle(Client& c, uint64_t serial, net::ClosePane& request) {
  std::vector<net::Pdu> events;
  if (!session_->close(request.pane, events)) {
    return fail_request(c, serial, net::ErrorPdu::Code::no_such_pane,
                        "no pane " + std::to_string(request.pane));
  }
  broadcast_events(events);
}

ServerPane* MuxServer::pane_for(Client& c, uint64_t serial, net::PaneId id) {
  ServerPane* pane = session_->find(id);
  if (!pane)
    fail_request(c, serial, net::ErrorPdu::Code::no_such_pane, "no pane " + std::to_string(id));
  return pane;
}

void MuxServer::write_input(Client& c, uint64_t serial, ServerPane& pane, std::string_view bytes) {
  if (!pane.pty->write(bytes)) {
    fail_request(c, serial, net::ErrorPdu::Code::request_failed,
                 "pane " + std::to_string(pane.id) + " is not taking input");
  }
}

void MuxServer::handle(Client& c, uint64_t serial, net::WriteToPane& request) {
  if (ServerPane* pane = pane_for(c, serial, request.pane))
    write_input(c, serial, *pane, request.data);
}

void MuxServer::note_input(Client& c, uint64_t serial, net::PaneId pane) {
  if (session_->find(pane)) c.panes[pane].input_serial = serial;
}

void MuxServer::handle(Client& c, uint64_t serial, net::Paste& request) {
  ServerPane* pane = pane_for(c, serial, request.pane);
  if (!pane) return;
  if (!options_.input.paste)
    return fail_request(c, serial, net::ErrorPdu::Code::request_failed, "this server cannot paste");
  bool bracketed = false;
  {
    std::lock_guard<std::mutex> guard(pane->pty->mutex());
    bracketed = pane->pty->terminal().modes().bracketed_paste;
  }
  write_input(c, serial, *pane, options_.input.paste(request.text, bracketed));
}

void MuxServer::handle(Client& c, uint64_t serial, net::Mouse& event) {
  ServerPane* pane = pane_for(c, serial, event.pane);
  if (!pane) return;
  if (!options_.input.mouse)
    return fail_request(c, serial, net::ErrorPdu::Code::request_failed,
                        "this server cannot encode mouse events");
  vt::Modes modes;
  {
    std::lock_guard<std::mutex> guard(pane->pty->mutex());
    modes = pane->pty->terminal().modes();
  }
  const std::string bytes = options_.input.mouse(event, modes);
  if (!bytes.empty()) write_input(c, serial, *pane, bytes);
}

void MuxServer::handle(Client& c, uint64_t serial, net::Focus& event) {
  ServerPane* pane = pane_for(c, serial, event.pane);
  if (!pane || !options_.input.focus) return;
  vt::Modes modes;
  {
    std::lock_guard<std::mutex> guard(pane->pty->mutex());
    modes = pane->pty->terminal().modes();
  }
  const std::string bytes = options_.input.focus(event.focused, modes);
  if (!bytes.empty()) write_input(c, serial, *pane, bytes);
}

void MuxServer::handle(Client& c, uint64_t serial, net::Resize& request) {
  ServerPane* pane = pane_for(c, serial, request.pane);
  if (!pane) return;
  // One resize, one reflow, for each Resize received: the client sends at most one per
  // pane per round trip, so there is nothing to coalesce here.
  const pty::WindowSize size{std::clamp(request.rows, 1, vt::kMaxDimension),
                             std::clamp(request.cols, 1, vt::kMaxDimension),
                             std::max(request.pixel_width, 0), std::max(request.pixel_height, 0)};
  if (Result<void> r = pane->pty->resize(size); !r)
    LOG_WARN(kLog, "pane ", pane->id, ": resize: ", r.error().message);
  ++pane->changes;
  counters_.resizes.fetch_add(1);
  Client::PaneSync& sync = c.panes[pane->id];
  sync.resize_id = request.request_id;
  sync.answer_owed = true;
}

void MuxServer::handle(Client& c, uint64_t serial, net::FetchLines& request) {
  answer_fetch(c, serial, request);
}

void MuxServer::handle(Client& c, uint64_t, net::Credit& credit) {
  c.in_flight -= std::min(c.in_flight, credit.frames);
}

void MuxServer::handle(Client& c, uint64_t, net::Resume& resume) {
  if (resume.instance != instance_) {
    // Another server's panes (this daemon was restarted): the client starts afresh,
    // having seen the instance in the HelloReply.
    LOG_INFO(kLog, "client ", c.id, " resumes another server's session: ignored");
    return;
  }
  size_t kept = 0;
  for (const net::Resume::Pane& p : resume.panes) {
    if (!session_->find(p.pane)) continue;
    // As if this connection had sent that delta: the next flush sends what is newer.
    Client::PaneSync sync;
    sync.synced = true;
    sync.version = p.version;
    sync.epoch = p.history_epoch;
    sync.top = p.top.get();
    sync.rows = p.rows;
    sync.alt = p.alt_screen;
    sync.seen_changes = 0;  // looked at by the next flush
    c.panes[p.pane] = std::move(sync);
    ++kept;
  }
  LOG_INFO(kLog, "client ", c.id, " resumes ", kept, " of ", resume.panes.size(), " panes");
}

void MuxServer::handle(Client& c, uint64_t serial, net::Activate& request) {
  std::vector<net::Pdu> events;
  if (!session_->activate(request.pane, events)) {
    return fail_request(c, serial, net::ErrorPdu::Code::no_such_pane,
                        "no pane " + std::to_string(request.pane));
  }
  broadcast_events(events);
}

void MuxServer::handle(Client& c, uint64_t serial, net::RenameTab& request) {
  std::vector<net::Pdu> events;
  if (!session_->rename_tab(request.tab, request.title, events)) {
    return fail_request(c, serial, net::ErrorPdu::Code::request_failed,
                        "no tab " + std::to_string(request.tab));
  }
  broadcast_events(events);
}

void MuxServer::handle(Client& c, uint64_t, net::Clipboard&) {
  LOG_DEBUG(kLog, "client ", c.id, ": clipboard data from a client is not used");
}

}  // namespace cadence::mux
