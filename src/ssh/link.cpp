// The GUI side of a Link (link.hpp): starting the thread, the event queue, answers and
// requests, and a destructor that never waits on the network (link_worker.hpp says why
// it cannot have to).
#include "ssh/link.hpp"

#include <sys/eventfd.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>

#include "base/log.hpp"
#include "ssh/link_worker.hpp"

namespace cadence::ssh {
namespace {

constexpr log::Tag kLog("ssh");

void close_stream_fds(std::vector<LinkEvent>& events) {
  for (LinkEvent& e : events) {
    if (auto* s = std::get_if<Stream>(&e); s && s->fd >= 0) {
      close(s->fd);
      s->fd = -1;
    }
  }
}

}  // namespace

Link::Shared::~Shared() {
  close_stream_fds(events);
  if (poke_fd >= 0) close(poke_fd);
}

void Link::Shared::poke() {
  const uint64_t one = 1;
  (void)!write(poke_fd, &one, sizeof one);
}

void Link::Shared::push(LinkEvent event) {
  {
    std::lock_guard<std::mutex> lock(mutex);
    events.push_back(std::move(event));
  }
  if (wake) wake();
}

std::unique_ptr<Link> Link::start(Target target, WakeFn wake, LinkOptions options) {
  std::unique_ptr<Link> link(new Link());
  auto shared = std::make_shared<Shared>();
  // The defaults that come from the environment are settled here, on the caller's
  // thread, so the Link's thread reads neither the environment nor the password database.
  if (options.known_hosts.empty())
    options.known_hosts = Env::from_process().home + "/.ssh/known_hosts";
  if (!options.agent_socket) {
    const char* sock = std::getenv("SSH_AUTH_SOCK");
    options.agent_socket = sock ? sock : "";
  }
  shared->target = std::move(target);
  shared->options = std::move(options);
  shared->wake = std::move(wake);
  link->shared_ = shared;
  shared->poke_fd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
  if (shared->poke_fd < 0) {
    shared->push(
        Status{LinkState::failed, 0, -1,
               std::string("cannot start the SSH link: eventfd: ") + std::strerror(errno)});
    return link;
  }
  try {
    Shared* s = shared.get();
    shared->thread = std::thread([s] {
      LinkWorker worker(*s);
      worker.run();
    });
  } catch (const std::system_error& e) {
    shared->push(Status{LinkState::failed, 0, -1,
                        std::string("cannot start the SSH link's thread: ") + e.what()});
  }
  return link;
}

Link::~Link() {
  if (!shared_) return;
  shared_->stop = true;
  if (shared_->poke_fd >= 0) shared_->poke();
  if (shared_->thread.joinable()) shared_->thread.join();
  LOG_DEBUG(kLog, "link to ", shared_->target.name, " closed");
}

std::vector<LinkEvent> Link::take_events() {
  std::lock_guard<std::mutex> lock(shared_->mutex);
  return std::exchange(shared_->events, {});
}

void Link::answer(uint64_t prompt_id, std::string reply) {
  Secret secret(std::move(reply));
  {
    std::lock_guard<std::mutex> lock(shared_->mutex);
    shared_->answers.push_back(Shared::Answer{prompt_id, false, std::move(secret)});
  }
  shared_->poke();
}

void Link::cancel(uint64_t prompt_id) {
  {
    std::lock_guard<std::mutex> lock(shared_->mutex);
    shared_->answers.push_back(Shared::Answer{prompt_id, true, Secret()});
  }
  shared_->poke();
}

void Link::resize(int rows, int cols, int /*px_w*/, int /*px_h*/) {
  if (rows <= 0 || cols <= 0) return;
  {
    std::lock_guard<std::mutex> lock(shared_->mutex);
    shared_->pty_size = Shared::PtySize{rows, cols};
  }
  shared_->poke();
}

void Link::reconnect_now() {
  {
    std::lock_guard<std::mutex> lock(shared_->mutex);
    shared_->reconnect_now = true;
  }
  shared_->poke();
}

LinkCounters Link::counters() const {
  LinkCounters c;
  c.connect_attempts = shared_->connect_attempts.load();
  c.connects = shared_->connects.load();
  c.bytes_to_remote = shared_->bytes_to_remote.load();
  c.bytes_from_remote = shared_->bytes_from_remote.load();
  c.prompts = shared_->prompts.load();
  c.wakeups = shared_->wakeups.load();
  return c;
}

const Target& Link::target() const { return shared_->target; }

}  // namespace cadence::ssh
