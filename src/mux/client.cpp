// The mux client (see client.hpp): the network thread and the GUI-side calls.
//
// Hand-offs, one place per direction:
//   GUI -> network: the outbox (a mutex-guarded vector of commands) and a Waker poke;
//   network -> GUI: the slots (the published screen pointer of each pane), the state
//     (status, topology, events) and the wait info, each behind a mutex held for a
//     copy or a swap, then one call of `wake` per loop iteration that changed any.
// The network thread owns everything else: the connection, the pane models and their
// back buffers, the resize and fetch bookkeeping.
#include "mux/client.hpp"

#include <fcntl.h>
#include <sys/epoll.h>
#include <sys/timerfd.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstring>
#include <deque>
#include <mutex>
#include <thread>
#include <unordered_map>

#include "base/clock.hpp"
#include "base/event_loop.hpp"
#include "base/log.hpp"
#include "mux/connection.hpp"
#include "mux/remote_pane.hpp"
#include "mux/unix_socket.hpp"

namespace cadence::mux {
namespace {

const log::Tag kLog{"mux"};

constexpr uint64_t kClientFeatures = net::feature::zstd | net::feature::hyperlinks |
                                     net::feature::clipboard | net::feature::history_fetch;
// Bytes read per wake-up before the thread publishes what it has: a flood of deltas
// still reaches the GUI in steps, never after the whole backlog.
constexpr size_t kReadBudget = 1u << 20;

struct ResizeCmd {
  net::PaneId pane = 0;
  int rows = 0, cols = 0, pixel_width = 0, pixel_height = 0;
};
struct FetchCmd {
  net::PaneId pane = 0;
  int64_t page = 0;
};
// Input for a pane's program, with when the GUI gave it: the frame log's wait runs from
// then until a delta answers the PDU's serial (PaneDelta::input_serial).
struct InputCmd {
  net::Pdu pdu;
  net::PaneId pane = 0;
  uint64_t given_ns = 0;
};
using Command = std::variant<net::Pdu, ResizeCmd, FetchCmd, InputCmd>;

// Inputs awaiting an answer, per pane; past this the newest entries are merged (the wait
// still runs from the oldest).
constexpr size_t kMaxTrackedInputs = 1024;

template <typename T>
constexpr bool kServerMayNotSend =
    std::is_same_v<T, net::Hello> || std::is_same_v<T, net::ListPanes> ||
    std::is_same_v<T, net::Spawn> || std::is_same_v<T, net::Split> ||
    std::is_same_v<T, net::ClosePane> || std::is_same_v<T, net::MovePane> ||
    std::is_same_v<T, net::WriteToPane> || std::is_same_v<T, net::Paste> ||
    std::is_same_v<T, net::Mouse> || std::is_same_v<T, net::Focus> ||
    std::is_same_v<T, net::Resize> || std::is_same_v<T, net::FetchLines> ||
    std::is_same_v<T, net::Credit> || std::is_same_v<T, net::Resume> ||
    std::is_same_v<T, net::Activate> || std::is_same_v<T, net::RenameTab>;

}  // namespace

struct MuxClient::Impl {
  ClientOptions options;
  WakeFn wake;
  std::unique_ptr<Connection> conn;
  std::unique_ptr<EventLoop> loop;
  std::unique_ptr<Waker> requests;
  int ping_fd = -1;
  int settle_fd = -1;            // fires when a waiting resize has held still
  uint64_t settle_deadline = 0;  // network thread only; 0: not armed
  std::thread thread;
  std::atomic<bool> stopping{false};
  std::atomic<bool> lost{false};
  std::atomic<bool> resuming{false};  // resume() was called, the thread has not taken it
  // A descriptor handed over by resume(), for the network thread to pick up (-1: none).
  int resume_fd = -1;     // under out_mutex
  uint64_t instance = 0;  // network thread: HelloReply::instance of the server

  // GUI -> network.
  std::mutex out_mutex;
  std::vector<Command> outbox;
  std::atomic<uint64_t> next_request{1};

  // network -> GUI.
  mutable std::mutex state_mutex;
  ConnectionStatus status;
  Topology topology;
  std::vector<ClientEvent> events;

  struct Slot {
    std::shared_ptr<const RemoteScreen> screen;
    std::shared_ptr<RemotePaneModel> model;  // for its history cache and links
  };
  mutable std::mutex slots_mutex;
  std::unordered_map<net::PaneId, Slot> slots;

  struct Wait {
    // Input PDUs sent and not answered yet: (serial, given_ns), oldest first.
    std::deque<std::pair<uint64_t, uint64_t>> inputs;
    uint64_t resize_since = 0;
    uint64_t answered_since = 0;  // the oldest wait a delta ended, until taken
    uint64_t deltas = 0;
    uint64_t bytes = 0;
    uint64_t server_version = 0;
    bool resize_pending = false;
  };
  mutable std::mutex wait_mutex;
  std::unordered_map<net::PaneId, Wait> waits;

  std::atomic<uint64_t> applied{0};  // deltas applied, for credit
  uint64_t credited = 0;             // GUI thread only

  struct AtomicCounters {
    std::atomic<uint64_t> bytes_received{0}, payload_received{0}, bytes_sent{0}, deltas{0},
        lines_received{0}, history_pages{0}, resizes_sent{0}, publishes{0}, full_copies{0};
  };
  AtomicCounters counters;

  // Network thread only.
  std::unordered_map<net::PaneId, std::shared_ptr<RemotePaneModel>> models;
  struct ResizeState {
    // Request ids sent and not answered yet, oldest first: one, or two when a size that
    // held still went out behind the first (settle_due).
    std::vector<uint64_t> in_flight;
    int rows = 0, cols = 0;  // of the newest one sent
    ResizeCmd last_sent;
    std::optional<ResizeCmd> pending;
    uint64_t pending_since = 0;  // CLOCK_MONOTONIC ns the pending size was last replaced
  };
  std::unordered_map<net::PaneId, ResizeState> resizes;
  std::unordered_map<uint64_t, std::pair<net::PaneId, int64_t>> fetches;  // id -> (pane, page)
  // Serial on the wire -> request id, for requests the GUI knows by id, so a failure can
  // name the request. Answered ones leave; a bound keeps a server that never answers
  // from growing it.
  std::unordered_map<uint64_t, uint64_t> requests_by_serial;
  uint64_t line_counter = 0;
  uint64_t last_rtt = 0;
  bool changed = false;
  bool writing = false;

  void post(Command command) {
    // Lost: requests are dropped, except sizes, which resume() sends again, and what
    // comes after resume() was called (for the new connection).
    if (lost.load(std::memory_order_acquire) && !resuming.load(std::memory_order_acquire) &&
        !std::holds_alternative<ResizeCmd>(command))
      return;
    {
      std::lock_guard<std::mutex> guard(out_mutex);
      outbox.push_back(std::move(command));
    }
    requests->wake();
  }

  template <typename T>
  void push_event(T&& event) {
    std::lock_guard<std::mutex> guard(state_mutex);
    events.emplace_back(std::in_place_type<std::decay_t<T>>, std::forward<T>(event));
    changed = true;
  }

  template <typename T>
  void send(const T& pdu) {
    if (lost.load(std::memory_order_relaxed)) return;
    if (Result<uint64_t> r = conn->send(pdu); !r) lose("cannot send: " + r.error().message);
  }

  // A request the GUI made: requests with an id are remembered by serial. Returns the
  // serial it went out with (0: it did not).
  template <typename T>
  uint64_t send_request(const T& pdu) {
    if (lost.load(std::memory_order_relaxed)) return 0;
    Result<uint64_t> serial = conn->send(pdu);
    if (!serial) {
      if (conn->unusable()) {
        lose("cannot send: " + serial.error().message);
        return 0;
      }
      // A request over a limit is refused here and fails like one the server refused.
      uint64_t id = 0;
      if constexpr (requires { pdu.request_id; }) id = pdu.request_id;
      push_event(RequestFailed{id, serial.error().message});
      return 0;
    }
    if constexpr (requires { pdu.request_id; }) {
      if (requests_by_serial.size() >= 4096) requests_by_serial.clear();
      requests_by_serial[serial.value()] = pdu.request_id;
    }
    return serial.value();
  }

  void send_input(const InputCmd& input) {
    const uint64_t serial = std::visit([&](const auto& p) { return send_request(p); }, input.pdu);
    if (serial == 0) return;
    std::lock_guard<std::mutex> guard(wait_mutex);
    auto& inputs = waits[input.pane].inputs;
    if (inputs.size() < kMaxTrackedInputs) {
      inputs.emplace_back(serial, input.given_ns);
    } else {
      inputs.back().first = serial;
    }
  }

  // `drop_requests`: what the GUI asked for and was not sent yet goes too (it was meant
  // for this connection); not when a resume replaces it, whose requests are queued.
  void lose(std::string reason, bool drop_requests = true) {
    if (lost.exchange(true)) return;
    LOG_WARN(kLog, "connection lost: ", reason);
    loop->remove(conn->fd());
    ConnectionStatus copy;
    {
      std::lock_guard<std::mutex> guard(state_mutex);
      status.state = ConnectionState::lost;
      status.reason = std::move(reason);
      copy = status;
      events.push_back(ConnectionChanged{copy});
    }
    changed = true;
    if (!drop_requests) return;
    std::lock_guard<std::mutex> guard(out_mutex);
    outbox.clear();
  }

  // The same session over a new descriptor: what the client holds of each pane goes in a
  // Resume, so the server sends only what changed meanwhile; requests that were in flight
  // are forgotten (their answers went with the old link) and the sizes the GUI wants are
  // sent again.
  void resume(int fd) {
    if (!lost.load()) lose("replaced by a new connection", false);
    if (conn) {
      loop->remove(conn->fd());
      conn.reset();
    }
    conn = std::make_unique<Connection>(fd);
    lost.store(false, std::memory_order_release);
    resuming.store(false, std::memory_order_release);
    {
      std::lock_guard<std::mutex> guard(state_mutex);
      status.state = ConnectionState::connecting;
      status.reason.clear();
      events.push_back(ConnectionChanged{status});
      changed = true;
    }
    for (auto& [id, fetch] : fetches) {
      if (auto it = models.find(fetch.first); it != models.end())
        it->second->history()->page_done(fetch.second);
    }
    fetches.clear();
    {
      // Serials start again on the new connection; what was sent on the old one was
      // handled or lost with it.
      std::lock_guard<std::mutex> guard(wait_mutex);
      for (auto& [pane, w] : waits) w.inputs.clear();
    }
    requests_by_serial.clear();
    send(net::Hello{net::kProtocolVersion, kClientFeatures, options.name});
    net::Resume r;
    r.instance = instance;
    for (const auto& [pane, model] : models) {
      if (model->has_screen() && r.panes.size() < net::kMaxPanesPerList)
        r.panes.push_back(model->resume_state());
    }
    LOG_INFO(kLog, "resuming ", r.panes.size(), " panes over a new connection");
    send(r);
    for (auto& [pane, rs] : resizes) {
      std::optional<ResizeCmd> want = rs.pending;
      if (!want && !rs.in_flight.empty()) want = rs.last_sent;
      rs.in_flight.clear();
      rs.pending.reset();
      if (want) send_resize(*want);
    }
    writing = false;
    (void)loop->add(fd, EPOLLIN, [this](uint32_t ev) { on_socket(ev); });
    changed = true;
  }

  void start(int fd) {
    conn = std::make_unique<Connection>(fd);
    send(net::Hello{net::kProtocolVersion, kClientFeatures, options.name});
    (void)loop->add(fd, EPOLLIN, [this](uint32_t ev) { on_socket(ev); });
    (void)loop->add(requests->fd(), EPOLLIN, [this](uint32_t) { on_requests(); });
    if (ping_fd >= 0) (void)loop->add(ping_fd, EPOLLIN, [this](uint32_t) { on_ping(); });
    if (settle_fd >= 0) (void)loop->add(settle_fd, EPOLLIN, [this](uint32_t) { on_settle(); });
    loop->set_before_sleep([this] { before_sleep(); });
    thread = std::thread([this] { (void)loop->run(); });
  }

  void on_socket(uint32_t ev) {
    if (ev & EPOLLOUT) {
      if (Result<void> r = conn->flush(); !r) return lose(r.error().message);
    }
    if (!(ev & (EPOLLIN | EPOLLHUP | EPOLLERR))) return;
    size_t budget = kReadBudget;
    while (budget > 0 && !lost.load(std::memory_order_relaxed)) {
      Result<Connection::ReadStatus> st = conn->read(budget);
      if (!st) return lose(st.error().message);
      counters.bytes_received.fetch_add(st->bytes, std::memory_order_relaxed);
      for (;;) {
        size_t wire = 0;
        Result<std::optional<net::Frame>> frame = conn->next(&wire);
        if (!frame) return lose("protocol error from the server: " + frame.error().message);
        if (!frame.value()) break;
        handle(*frame.value(), wire);
        if (lost.load(std::memory_order_relaxed)) return;
      }
      counters.payload_received.store(conn->received().payload_bytes, std::memory_order_relaxed);
      if (st->eof) return lose("the server closed the connection");
      budget -= std::min(budget, st->bytes);
      if (!st->more) break;
    }
  }

  void on_ping() {
    uint64_t ticks = 0;
    if (::read(ping_fd, &ticks, sizeof ticks) < 0) return;
    send(net::Ping{monotonic_ns(), last_rtt});
  }

  void on_requests() {
    requests->acknowledge();
    if (stopping.load()) {
      loop->quit();
      return;
    }
    std::vector<Command> batch;
    int fd = -1;
    {
      std::lock_guard<std::mutex> guard(out_mutex);
      batch.swap(outbox);
      fd = std::exchange(resume_fd, -1);
    }
    if (fd >= 0) resume(fd);
    for (Command& c : batch) {
      if (lost.load(std::memory_order_relaxed) && !std::holds_alternative<ResizeCmd>(c)) continue;
      if (auto* pdu = std::get_if<net::Pdu>(&c)) {
        std::visit([&](const auto& p) { send_request(p); }, *pdu);
      } else if (auto* resize = std::get_if<ResizeCmd>(&c)) {
        request_resize(*resize);
      } else if (auto* fetch = std::get_if<FetchCmd>(&c)) {
        request_page(fetch->pane, fetch->page);
      } else if (auto* input = std::get_if<InputCmd>(&c)) {
        send_input(*input);
      }
    }
  }

  void request_resize(const ResizeCmd& cmd) {
    ResizeState& rs = resizes[cmd.pane];
    if (lost.load(std::memory_order_relaxed)) {
      // The size the window wants when the link is back (resume() sends it).
      rs.pending = cmd;
      return;
    }
    if (rs.in_flight.empty()) return send_resize(cmd);
    // One in flight per pane: a newer size waits, replacing any older waiting one, and
    // one equal to what is in flight is no change at all.
    if (cmd.rows == rs.rows && cmd.cols == rs.cols) {
      rs.pending.reset();
    } else {
      rs.pending = cmd;
      rs.pending_since = monotonic_ns();
      if (rs.in_flight.size() == 1) arm_settle(rs.pending_since + settle_ns());
    }
    set_resize_pending(cmd.pane, true);
  }

  void send_resize(const ResizeCmd& cmd) {
    ResizeState& rs = resizes[cmd.pane];
    const uint64_t id = next_request.fetch_add(1);
    rs.in_flight.push_back(id);
    rs.rows = cmd.rows;
    rs.cols = cmd.cols;
    rs.last_sent = cmd;
    rs.pending.reset();
    send(net::Resize{cmd.pane, id, cmd.rows, cmd.cols, cmd.pixel_width, cmd.pixel_height});
    counters.resizes_sent.fetch_add(1, std::memory_order_relaxed);
    set_resize_pending(cmd.pane, true);
  }

  uint64_t settle_ns() const { return uint64_t(options.resize_settle_ms) * 1000000; }

  void arm_settle(uint64_t deadline_ns) {
    if (settle_fd < 0 || options.resize_settle_ms <= 0) return;
    if (settle_deadline != 0 && settle_deadline <= deadline_ns) return;
    settle_deadline = deadline_ns;
    itimerspec spec{};
    spec.it_value.tv_sec = static_cast<time_t>(deadline_ns / 1000000000);
    spec.it_value.tv_nsec = static_cast<long>(deadline_ns % 1000000000);
    timerfd_settime(settle_fd, TFD_TIMER_ABSTIME, &spec, nullptr);
  }

  // A size that has held for resize_settle_ms is where the drag stopped: it goes out now,
  // behind the one in flight, instead of a round trip later. At most two are ever in
  // flight, so a storm still costs one reflow per round trip, and the last size of a
  // drag settles one round trip after it, not up to two.
  void on_settle() {
    uint64_t ticks = 0;
    if (::read(settle_fd, &ticks, sizeof ticks) < 0) return;
    settle_deadline = 0;
    if (lost.load(std::memory_order_relaxed)) return;
    const uint64_t now = monotonic_ns();
    for (auto& [pane, rs] : resizes) {
      if (!rs.pending || rs.in_flight.size() != 1) continue;
      if (now - rs.pending_since >= settle_ns()) {
        send_resize(*rs.pending);
      } else {
        arm_settle(rs.pending_since + settle_ns());
      }
    }
  }

  // A wait that started at `since` was answered: kept (the oldest one) for the frame log.
  static void answer(Wait& w, uint64_t since) {
    if (since && (w.answered_since == 0 || since < w.answered_since)) w.answered_since = since;
  }

  void set_resize_pending(net::PaneId pane, bool pending) {
    std::lock_guard<std::mutex> guard(wait_mutex);
    Wait& w = waits[pane];
    w.resize_pending = pending;
    if (!pending) {
      answer(w, w.resize_since);
      w.resize_since = 0;
    }
  }

  void request_page(net::PaneId pane, int64_t page) {
    auto it = models.find(pane);
    if (it == models.end() || !it->second->has_screen()) {
      if (it != models.end()) it->second->history()->page_done(page);
      return;
    }
    const uint64_t id = next_request.fetch_add(1);
    fetches[id] = {pane, page};
    // page -1 asks for nothing: the answer tells where the history starts.
    const int64_t first = page < 0 ? it->second->top() : page * kHistoryPage;
    const uint32_t count = page < 0 ? 0 : static_cast<uint32_t>(kHistoryPage);
    send(net::FetchLines{id, pane, it->second->epoch(), StableRow(first), count});
  }

  RemotePaneModel& model_of(net::PaneId pane) {
    auto it = models.find(pane);
    if (it != models.end()) return *it->second;
    auto model = std::make_shared<RemotePaneModel>(pane, options.history_cache_rows);
    {
      std::lock_guard<std::mutex> guard(slots_mutex);
      slots[pane].model = model;
    }
    return *models.emplace(pane, std::move(model)).first->second;
  }

  void forget(net::PaneId pane) {
    models.erase(pane);
    resizes.erase(pane);
    {
      std::lock_guard<std::mutex> guard(slots_mutex);
      slots.erase(pane);
    }
    std::lock_guard<std::mutex> guard(wait_mutex);
    waits.erase(pane);
  }

  void handle(net::Frame& frame, size_t wire) {
    std::visit([&](auto& pdu) { on_pdu(pdu, wire); }, frame.pdu);
  }

  template <typename T>
  void on_pdu(T& pdu, size_t wire) {
    if constexpr (kServerMayNotSend<T>) {
      lose(std::string("the server sent ") + net::pdu_type_name(static_cast<uint16_t>(T::kType)) +
           ", which only clients send");
    } else {
      on(pdu, wire);
    }
  }

  void on(net::HelloReply& reply, size_t) {
    if (instance != 0 && reply.instance != instance) {
      // Another server process: nothing held of "its" panes is theirs. (It ignored the
      // Resume for the same reason.)
      LOG_INFO(kLog, "the server was restarted: its panes are new");
      std::vector<net::PaneId> held;
      for (const auto& [pane, model] : models) held.push_back(pane);
      for (net::PaneId pane : held) forget(pane);
    }
    instance = reply.instance;
    std::lock_guard<std::mutex> guard(state_mutex);
    status.state = ConnectionState::connected;
    status.server = reply.name;
    events.push_back(ConnectionChanged{status});
    changed = true;
    LOG_INFO(kLog, "connected to ", reply.name);
  }

  void on(net::ErrorPdu& error, size_t) {
    if (error.code == net::ErrorPdu::Code::protocol || error.code == net::ErrorPdu::Code::version)
      return lose("the server refused: " + error.message);
    uint64_t id = 0;
    if (auto it = requests_by_serial.find(error.in_reply_to); it != requests_by_serial.end()) {
      id = it->second;
      requests_by_serial.erase(it);
    }
    push_event(RequestFailed{id, error.message});
  }

  void on(net::Ping& ping, size_t) { send(net::Pong{ping.sent_ns}); }

  void on(net::Pong& pong, size_t) {
    const uint64_t now = monotonic_ns();
    if (pong.echoed_ns == 0 || pong.echoed_ns > now) return;
    const bool first = last_rtt == 0;
    last_rtt = now - pong.echoed_ns;
    // The server paces deltas by the round trip it hears of in Pings: tell it the first
    // one now rather than at the next tick.
    if (first) send(net::Ping{now, last_rtt});
    std::lock_guard<std::mutex> guard(state_mutex);
    status.rtt_ns = last_rtt;
  }

  void on(net::PaneList& list, size_t) {
    Topology t;
    for (net::TabInfo& tab : list.tabs) {
      t.tabs.push_back(RemoteTab{tab.window, tab.tab, tab.active_pane, tab.zoomed,
                                 std::move(tab.title), tab.active});
    }
    std::unordered_map<net::PaneId, bool> present;
    for (net::PaneInfo& p : list.panes) {
      present[p.pane] = true;
      model_of(p.pane);
      t.panes.push_back(RemotePane{p.pane, p.tab, p.top, p.left, p.rows, p.cols, std::move(p.title),
                                   std::move(p.cwd)});
    }
    std::vector<net::PaneId> gone;
    for (auto& [id, m] : models)
      if (!present.count(id)) gone.push_back(id);
    for (net::PaneId id : gone) forget(id);
    std::lock_guard<std::mutex> guard(state_mutex);
    t.version = topology.version + 1;
    topology = std::move(t);
    changed = true;
  }

  void on(net::Spawned& spawned, size_t) {
    std::erase_if(requests_by_serial,
                  [&](const auto& entry) { return entry.second == spawned.request_id; });
    push_event(spawned);
  }

  void on(net::TabEvent& event, size_t) {
    push_event(event);
    send(net::ListPanes{});
  }

  void on(net::PaneEvent& event, size_t) {
    if (event.kind == net::PaneEvent::Kind::closed) forget(event.pane);
    push_event(event);
    send(net::ListPanes{});
  }

  void on(net::Bell& bell, size_t) { push_event(bell); }
  void on(net::Clipboard& clipboard, size_t) { push_event(std::move(clipboard)); }

  void on(net::PaneDelta& delta, size_t wire) {
    RemotePaneModel& model = model_of(delta.pane);
    const bool first = !model.has_screen();
    ResizeState& rs = resizes[delta.pane];
    const bool acks_resize = !rs.in_flight.empty() && delta.resize_id >= rs.in_flight.front();
    // The behaviour the epoch replaces, for the benchmark: every cached row is stale
    // after a resize and is fetched again.
    std::vector<int64_t> refetch;
    if (options.naive_refetch && acks_resize) refetch = model.history()->take_all();
    const bool new_epoch = model.apply(delta, line_counter);
    applied.fetch_add(1, std::memory_order_release);
    counters.deltas.fetch_add(1, std::memory_order_relaxed);
    counters.lines_received.fetch_add(delta.lines.size(), std::memory_order_relaxed);
    {
      std::lock_guard<std::mutex> guard(wait_mutex);
      Wait& w = waits[delta.pane];
      // Inputs the server had handled when it took this delta are answered: the frame
      // that shows it is as late as the oldest of them.
      while (!w.inputs.empty() && w.inputs.front().first <= delta.input_serial) {
        answer(w, w.inputs.front().second);
        w.inputs.pop_front();
      }
      ++w.deltas;
      w.bytes += wire;
      w.server_version = delta.version;
    }
    if (acks_resize) {
      std::erase_if(rs.in_flight, [&](uint64_t id) { return id <= delta.resize_id; });
    }
    if (acks_resize && !rs.in_flight.empty()) {
      // The first of two answered: the pending size may go out once it has held.
      if (rs.pending) arm_settle(rs.pending_since + settle_ns());
    } else if (acks_resize) {
      if (rs.pending) {
        // The wait goes on from the first resize: a storm is one wait until the answer
        // to its last size.
        const ResizeCmd next = *rs.pending;
        // Fetches first: the server answers them at the epoch they name, before the
        // next resize moves it again.
        for (int64_t page = -1; const int64_t row : refetch) {
          if (row / kHistoryPage != page) request_page(delta.pane, page = row / kHistoryPage);
        }
        refetch.clear();
        send_resize(next);
      } else {
        set_resize_pending(delta.pane, false);
      }
    }
    for (int64_t page = -1; const int64_t row : refetch) {
      if (row / kHistoryPage != page) request_page(delta.pane, page = row / kHistoryPage);
    }
    // Where the history starts: asked once a pane has a screen and again after a reflow
    // changed how many rows it has.
    if (first || new_epoch) request_page(delta.pane, -1);
  }

  void on(net::LinesReply& reply, size_t) {
    auto fit = fetches.find(reply.request_id);
    if (fit == fetches.end()) return lose("the server answered a history request never made");
    const auto [pane, page] = fit->second;
    fetches.erase(fit);
    auto it = models.find(pane);
    if (it == models.end()) return;
    if (page >= 0) it->second->history()->page_done(page);
    it->second->apply(reply, line_counter);
    counters.history_pages.fetch_add(1, std::memory_order_relaxed);
    counters.lines_received.fetch_add(reply.lines.size(), std::memory_order_relaxed);
  }

  void before_sleep() {
    for (auto& [id, model] : models) {
      if (!model->dirty()) continue;
      std::shared_ptr<const RemoteScreen> front = model->publish();
      {
        std::lock_guard<std::mutex> guard(slots_mutex);
        slots[id].screen = std::move(front);
      }
      if (model->prepare_back()) counters.full_copies.fetch_add(1, std::memory_order_relaxed);
      counters.publishes.fetch_add(1, std::memory_order_relaxed);
      changed = true;
    }
    if (!lost.load(std::memory_order_relaxed)) {
      const size_t before = conn->pending();
      if (Result<void> r = conn->flush(); !r) {
        lose(r.error().message);
      } else {
        counters.bytes_sent.fetch_add(before - conn->pending(), std::memory_order_relaxed);
        const bool want = conn->pending() > 0;
        if (want != writing) {
          writing = want;
          (void)loop->modify(conn->fd(), EPOLLIN | (want ? EPOLLOUT : 0u));
        }
      }
    }
    if (changed) {
      changed = false;
      if (wake) wake();
    }
  }
};

Result<std::unique_ptr<MuxClient>> MuxClient::connect(const std::string& socket_path, WakeFn wake,
                                                      ClientOptions options) {
  Result<int> fd = connect_unix(socket_path);
  if (!fd) return fd.error();
  return adopt(fd.value(), std::move(wake), std::move(options));
}

Result<std::unique_ptr<MuxClient>> MuxClient::adopt(int fd, WakeFn wake, ClientOptions options) {
  const int flags = fcntl(fd, F_GETFL);
  if (flags < 0 || fcntl(fd, F_SETFL, flags | O_NONBLOCK) < 0) {
    close(fd);
    return make_error(std::string("fcntl O_NONBLOCK: ") + std::strerror(errno));
  }
  auto impl = std::make_unique<Impl>();
  impl->options = std::move(options);
  impl->wake = std::move(wake);
  Result<std::unique_ptr<EventLoop>> loop = EventLoop::create();
  if (!loop) {
    close(fd);
    return loop.error();
  }
  impl->loop = std::move(loop.value());
  Result<std::unique_ptr<Waker>> requests = Waker::create();
  if (!requests) {
    close(fd);
    return requests.error();
  }
  impl->requests = std::move(requests.value());
  if (impl->options.ping_interval_ms > 0) {
    impl->ping_fd = timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK | TFD_CLOEXEC);
    if (impl->ping_fd >= 0) {
      const long ms = impl->options.ping_interval_ms;
      itimerspec spec{};
      spec.it_interval.tv_sec = ms / 1000;
      spec.it_interval.tv_nsec = (ms % 1000) * 1000000;
      // The first right away: the round trip is known from the start.
      spec.it_value.tv_nsec = 1;
      timerfd_settime(impl->ping_fd, 0, &spec, nullptr);
    }
  }
  impl->settle_fd = timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK | TFD_CLOEXEC);
  Impl* raw = impl.get();
  std::unique_ptr<MuxClient> client(new MuxClient(std::move(impl)));
  raw->start(fd);
  return client;
}

MuxClient::MuxClient(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}

void MuxClient::resume(int fd) {
  const int flags = fcntl(fd, F_GETFL);
  if (flags >= 0) (void)fcntl(fd, F_SETFL, flags | O_NONBLOCK);
  {
    std::lock_guard<std::mutex> guard(impl_->out_mutex);
    if (impl_->resume_fd >= 0) close(impl_->resume_fd);  // an older one never picked up
    impl_->resume_fd = fd;
    impl_->resuming.store(true, std::memory_order_release);
  }
  impl_->requests->wake();
}

void MuxClient::activate(RemotePaneId pane) { impl_->post(net::Pdu(net::Activate{pane})); }

void MuxClient::rename_tab(RemoteTabId tab, std::string title) {
  if (title.size() > net::kMaxTitleBytes) title.resize(net::kMaxTitleBytes);
  impl_->post(net::Pdu(net::RenameTab{tab, std::move(title)}));
}

MuxClient::~MuxClient() {
  impl_->stopping.store(true);
  impl_->requests->wake();
  if (impl_->thread.joinable()) impl_->thread.join();
  if (impl_->ping_fd >= 0) close(impl_->ping_fd);
  if (impl_->settle_fd >= 0) close(impl_->settle_fd);
}

ConnectionStatus MuxClient::status() const {
  std::lock_guard<std::mutex> guard(impl_->state_mutex);
  return impl_->status;
}

Topology MuxClient::topology() const {
  std::lock_guard<std::mutex> guard(impl_->state_mutex);
  return impl_->topology;
}

uint64_t MuxClient::topology_version() const {
  std::lock_guard<std::mutex> guard(impl_->state_mutex);
  return impl_->topology.version;
}

std::vector<ClientEvent> MuxClient::take_events() {
  std::lock_guard<std::mutex> guard(impl_->state_mutex);
  return std::exchange(impl_->events, {});
}

uint64_t MuxClient::spawn(RemoteWindowId window, int rows, int cols, std::string cwd,
                          std::vector<std::string> argv, std::vector<std::string> env) {
  const uint64_t id = impl_->next_request.fetch_add(1);
  impl_->post(net::Pdu(
      net::Spawn{id, window, rows, cols, std::move(cwd), std::move(argv), std::move(env)}));
  return id;
}

uint64_t MuxClient::split(RemotePaneId pane, net::SplitAxis axis, uint16_t ratio_permille,
                          std::string cwd, std::vector<std::string> argv) {
  const uint64_t id = impl_->next_request.fetch_add(1);
  impl_->post(
      net::Pdu(net::Split{id, pane, axis, ratio_permille, std::move(cwd), std::move(argv)}));
  return id;
}

void MuxClient::close_pane(RemotePaneId pane) { impl_->post(net::Pdu(net::ClosePane{pane})); }

uint64_t MuxClient::move_pane(RemotePaneId pane, RemoteTabId to_tab) {
  const uint64_t id = impl_->next_request.fetch_add(1);
  impl_->post(net::Pdu(net::MovePane{id, pane, to_tab}));
  return id;
}

void MuxClient::list_panes() { impl_->post(net::Pdu(net::ListPanes{})); }

void MuxClient::write(RemotePaneId pane, std::string_view bytes) {
  if (bytes.empty()) return;
  const uint64_t now = monotonic_ns();
  // Bytes are bytes: a large write goes as several PDUs, in order.
  for (size_t at = 0; at < bytes.size(); at += net::kMaxInputBytes) {
    impl_->post(InputCmd{
        net::Pdu(net::WriteToPane{pane, std::string(bytes.substr(at, net::kMaxInputBytes))}), pane,
        now});
  }
}

void MuxClient::paste(RemotePaneId pane, std::string_view text) {
  if (text.size() > net::kMaxInputBytes) {
    // A paste is bracketed as one piece on the server, so it cannot be cut here.
    {
      std::lock_guard<std::mutex> guard(impl_->state_mutex);
      impl_->events.push_back(RequestFailed{0, "paste of " + std::to_string(text.size()) +
                                                   " bytes refused: the limit is " +
                                                   std::to_string(net::kMaxInputBytes)});
    }
    if (impl_->wake) impl_->wake();
    return;
  }
  impl_->post(InputCmd{net::Pdu(net::Paste{pane, std::string(text)}), pane, monotonic_ns()});
}

void MuxClient::mouse(const net::Mouse& event) {
  impl_->post(InputCmd{net::Pdu(event), event.pane, monotonic_ns()});
}

void MuxClient::focus(RemotePaneId pane, bool focused) {
  impl_->post(net::Pdu(net::Focus{pane, focused}));
}

void MuxClient::resize(RemotePaneId pane, int rows, int cols, int pixel_width, int pixel_height) {
  {
    std::lock_guard<std::mutex> guard(impl_->wait_mutex);
    Impl::Wait& w = impl_->waits[pane];
    if (w.resize_since == 0) w.resize_since = monotonic_ns();
    w.resize_pending = true;
  }
  impl_->post(ResizeCmd{pane, rows, cols, pixel_width, pixel_height});
}

std::shared_ptr<const RemoteScreen> MuxClient::screen(RemotePaneId pane) const {
  std::lock_guard<std::mutex> guard(impl_->slots_mutex);
  auto it = impl_->slots.find(pane);
  return it == impl_->slots.end() ? nullptr : it->second.screen;
}

HistoryRows MuxClient::history(RemotePaneId pane, int64_t first, int count) {
  HistoryRows out;
  std::shared_ptr<const RemoteScreen> screen;
  std::shared_ptr<RemotePaneModel> model;
  {
    std::lock_guard<std::mutex> guard(impl_->slots_mutex);
    auto it = impl_->slots.find(pane);
    if (it == impl_->slots.end()) return out;
    screen = it->second.screen;
    model = it->second.model;
  }
  out.lines.assign(static_cast<size_t>(std::max(count, 0)), nullptr);
  if (!screen || count <= 0) return out;
  out.epoch = screen->history_epoch;
  out.first_available = screen->history_first;
  // Only rows above the viewport and not known to be gone are history.
  const int64_t lo = std::max(first, std::max<int64_t>(screen->history_first, 0));
  const int64_t hi = std::min(first + count, screen->top_stable_row);
  if (lo >= hi) return out;
  std::vector<HistoryCache::LinePtr> found;
  std::vector<int64_t> pages;
  model->history()->get_range(lo, static_cast<int>(hi - lo), found, pages);
  for (size_t i = 0; i < found.size(); ++i)
    out.lines[static_cast<size_t>(lo - first) + i] = found[i];
  for (int64_t page : pages) impl_->post(FetchCmd{pane, page});
  return out;
}

std::string MuxClient::link_uri(RemotePaneId pane, uint32_t id) const {
  std::shared_ptr<RemotePaneModel> model;
  {
    std::lock_guard<std::mutex> guard(impl_->slots_mutex);
    auto it = impl_->slots.find(pane);
    if (it == impl_->slots.end()) return {};
    model = it->second.model;
  }
  return model ? model->link_uri(id) : std::string();
}

void MuxClient::presented() {
  const uint64_t applied = impl_->applied.load(std::memory_order_acquire);
  if (applied == impl_->credited) return;
  const uint64_t n = applied - impl_->credited;
  impl_->credited = applied;
  impl_->post(net::Pdu(net::Credit{static_cast<uint32_t>(std::min<uint64_t>(n, UINT32_MAX))}));
}

PaneWaitInfo MuxClient::take_wait_info(RemotePaneId pane) {
  std::lock_guard<std::mutex> guard(impl_->wait_mutex);
  auto it = impl_->waits.find(pane);
  if (it == impl_->waits.end()) return {};
  Impl::Wait& w = it->second;
  PaneWaitInfo info;
  const uint64_t a = w.inputs.empty() ? 0 : w.inputs.front().second, b = w.resize_since;
  info.oldest_awaited_ns = a == 0 ? b : b == 0 ? a : std::min(a, b);
  info.answered_since_ns = std::exchange(w.answered_since, 0);
  info.deltas = std::exchange(w.deltas, 0);
  info.bytes = std::exchange(w.bytes, 0);
  info.server_version = w.server_version;
  info.resize_pending = w.resize_pending;
  return info;
}

ClientCounters MuxClient::counters() const {
  const Impl::AtomicCounters& c = impl_->counters;
  ClientCounters out;
  out.bytes_received = c.bytes_received.load();
  out.payload_received = c.payload_received.load();
  out.bytes_sent = c.bytes_sent.load();
  out.deltas = c.deltas.load();
  out.lines_received = c.lines_received.load();
  out.history_pages = c.history_pages.load();
  out.resizes_sent = c.resizes_sent.load();
  out.publishes = c.publishes.load();
  out.full_copies = c.full_copies.load();
  return out;
}

}  // namespace cadence::mux
