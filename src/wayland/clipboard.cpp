// Clipboard (see clipboard.hpp).
#include "wayland/clipboard.hpp"

#include <fcntl.h>
#include <sys/epoll.h>
#include <unistd.h>
#include <wayland-client.h>

#include <cerrno>
#include <cstring>

#include "base/log.hpp"
#include "primary-selection-unstable-v1-client-protocol.h"

namespace cadence::wayland {
namespace {

const log::Tag kLog{"clipboard"};

// Offered in this order; pasted from the first of these the other side lists.
constexpr const char* kTextMimes[] = {"text/plain;charset=utf-8", "text/plain", "UTF8_STRING",
                                      "TEXT", "STRING"};

}  // namespace

struct Clipboard::Offer {
  void* proxy = nullptr;
  bool primary = false;
  std::vector<std::string> mimes;

  const char* best_mime() const {
    for (const char* m : kTextMimes) {
      for (const std::string& have : mimes) {
        if (have == m) return m;
      }
    }
    return nullptr;
  }
  void destroy() {
    if (primary) {
      zwp_primary_selection_offer_v1_destroy(static_cast<zwp_primary_selection_offer_v1*>(proxy));
    } else {
      wl_data_offer_destroy(static_cast<wl_data_offer*>(proxy));
    }
  }
};

struct Clipboard::Device {
  Clipboard* owner = nullptr;
  wl_seat* seat = nullptr;
  wl_data_device* data = nullptr;
  zwp_primary_selection_device_v1* primary = nullptr;
  std::vector<std::unique_ptr<Offer>> offers;
  Offer* selection = nullptr;
  Offer* primary_selection = nullptr;

  Offer* find(void* proxy) {
    for (auto& o : offers) {
      if (o->proxy == proxy) return o.get();
    }
    return nullptr;
  }
  // Offers that are neither selection (old selections, drag-and-drop offers) go.
  void prune() {
    std::erase_if(offers, [this](const std::unique_ptr<Offer>& o) {
      if (o.get() == selection || o.get() == primary_selection) return false;
      o->destroy();
      return true;
    });
  }
  void add_offer(void* proxy, bool is_primary) {
    auto o = std::make_unique<Offer>();
    o->proxy = proxy;
    o->primary = is_primary;
    if (is_primary) {
      static const zwp_primary_selection_offer_v1_listener listener = {
          .offer = [](void* d, zwp_primary_selection_offer_v1*,
                      const char* mime) { static_cast<Offer*>(d)->mimes.emplace_back(mime); },
      };
      zwp_primary_selection_offer_v1_add_listener(
          static_cast<zwp_primary_selection_offer_v1*>(proxy), &listener, o.get());
    } else {
      static const wl_data_offer_listener listener = {
          .offer = [](void* d, wl_data_offer*,
                      const char* mime) { static_cast<Offer*>(d)->mimes.emplace_back(mime); },
          .source_actions = [](void*, wl_data_offer*, uint32_t) {},
          .action = [](void*, wl_data_offer*, uint32_t) {},
      };
      wl_data_offer_add_listener(static_cast<wl_data_offer*>(proxy), &listener, o.get());
    }
    offers.push_back(std::move(o));
  }
};

struct Clipboard::Source {
  Clipboard* owner = nullptr;
  bool primary = false;
  void* proxy = nullptr;
  std::shared_ptr<const std::string> text;

  void destroy() {
    if (primary) {
      zwp_primary_selection_source_v1_destroy(static_cast<zwp_primary_selection_source_v1*>(proxy));
    } else {
      wl_data_source_destroy(static_cast<wl_data_source*>(proxy));
    }
  }
  static void on_send(void* data, int fd) {
    auto* s = static_cast<Source*>(data);
    s->owner->send(s->text, fd);
  }
  static void on_cancelled(void* data) {
    auto* s = static_cast<Source*>(data);
    Clipboard* c = s->owner;
    s->destroy();
    std::erase_if(c->sources_, [s](const std::unique_ptr<Source>& p) { return p.get() == s; });
  }
};

Clipboard::Clipboard(Display& display, EventLoop& loop, Seats& seats)
    : display_(display), loop_(loop), seats_(seats) {}

Result<std::unique_ptr<Clipboard>> Clipboard::create(Display& display, EventLoop& loop,
                                                     Seats& seats) {
  std::unique_ptr<Clipboard> self(new Clipboard(display, loop, seats));
  if (Result<void> r = self->init(); !r) return r.error();
  return self;
}

Result<void> Clipboard::init() {
  if (auto m = display_.bind<wl_data_device_manager>(wl_data_device_manager_interface, 3, 3)) {
    data_manager_ = m.value().proxy;
  } else {
    LOG_INFO(kLog, "no clipboard: ", m.error().message);
  }
  if (auto m = display_.bind<zwp_primary_selection_device_manager_v1>(
          zwp_primary_selection_device_manager_v1_interface, 1, 1)) {
    primary_manager_ = m.value().proxy;
  } else {
    LOG_INFO(kLog, "no primary selection: ", m.error().message);
  }
  return {};
}

Clipboard::~Clipboard() {
  for (auto& s : sources_) s->destroy();
  for (auto& d : devices_) {
    for (auto& o : d->offers) o->destroy();
    if (d->data) wl_data_device_release(d->data);
    if (d->primary) zwp_primary_selection_device_v1_destroy(d->primary);
  }
  if (primary_manager_) zwp_primary_selection_device_manager_v1_destroy(primary_manager_);
  if (data_manager_) wl_data_device_manager_destroy(data_manager_);
}

Clipboard::Device* Clipboard::device_for_active_seat() {
  wl_seat* seat = seats_.active_seat();
  if (!seat) return nullptr;
  for (auto& d : devices_) {
    if (d->seat == seat) return d.get();
  }
  auto d = std::make_unique<Device>();
  d->owner = this;
  d->seat = seat;
  if (data_manager_) {
    d->data = wl_data_device_manager_get_data_device(data_manager_, seat);
    static const wl_data_device_listener listener = {
        .data_offer =
            [](void* data, wl_data_device*, wl_data_offer* offer) {
              static_cast<Device*>(data)->add_offer(offer, false);
            },
        .enter = [](void*, wl_data_device*, uint32_t, wl_surface*, wl_fixed_t, wl_fixed_t,
                    wl_data_offer*) {},
        .leave = [](void*, wl_data_device*) {},
        .motion = [](void*, wl_data_device*, uint32_t, wl_fixed_t, wl_fixed_t) {},
        .drop = [](void*, wl_data_device*) {},
        .selection =
            [](void* data, wl_data_device*, wl_data_offer* offer) {
              auto* dev = static_cast<Device*>(data);
              dev->selection = offer ? dev->find(offer) : nullptr;
              dev->prune();
            },
    };
    wl_data_device_add_listener(d->data, &listener, d.get());
  }
  if (primary_manager_) {
    d->primary = zwp_primary_selection_device_manager_v1_get_device(primary_manager_, seat);
    static const zwp_primary_selection_device_v1_listener listener = {
        .data_offer =
            [](void* data, zwp_primary_selection_device_v1*,
               zwp_primary_selection_offer_v1* offer) {
              static_cast<Device*>(data)->add_offer(offer, true);
            },
        .selection =
            [](void* data, zwp_primary_selection_device_v1*,
               zwp_primary_selection_offer_v1* offer) {
              auto* dev = static_cast<Device*>(data);
              dev->primary_selection = offer ? dev->find(offer) : nullptr;
              dev->prune();
            },
    };
    zwp_primary_selection_device_v1_add_listener(d->primary, &listener, d.get());
  }
  devices_.push_back(std::move(d));
  // The current selections arrive as events on the new devices.
  wl_display_roundtrip(display_.native());
  return devices_.back().get();
}

bool Clipboard::available(SelectionKind kind) const {
  return kind == SelectionKind::clipboard ? data_manager_ != nullptr : primary_manager_ != nullptr;
}

void Clipboard::set(SelectionKind kind, std::string text, uint32_t serial) {
  Device* d = device_for_active_seat();
  if (!d || !available(kind)) return;
  auto s = std::make_unique<Source>();
  s->owner = this;
  s->primary = kind == SelectionKind::primary;
  s->text = std::make_shared<const std::string>(std::move(text));
  if (s->primary) {
    auto* src = zwp_primary_selection_device_manager_v1_create_source(primary_manager_);
    static const zwp_primary_selection_source_v1_listener listener = {
        .send = [](void* data, zwp_primary_selection_source_v1*, const char*,
                   int32_t fd) { Source::on_send(data, fd); },
        .cancelled = [](void* data,
                        zwp_primary_selection_source_v1*) { Source::on_cancelled(data); },
    };
    zwp_primary_selection_source_v1_add_listener(src, &listener, s.get());
    for (const char* m : kTextMimes) zwp_primary_selection_source_v1_offer(src, m);
    zwp_primary_selection_device_v1_set_selection(d->primary, src, serial);
    s->proxy = src;
  } else {
    auto* src = wl_data_device_manager_create_data_source(data_manager_);
    static const wl_data_source_listener listener = {
        .target = [](void*, wl_data_source*, const char*) {},
        .send = [](void* data, wl_data_source*, const char*,
                   int32_t fd) { Source::on_send(data, fd); },
        .cancelled = [](void* data, wl_data_source*) { Source::on_cancelled(data); },
        .dnd_drop_performed = [](void*, wl_data_source*) {},
        .dnd_finished = [](void*, wl_data_source*) {},
        .action = [](void*, wl_data_source*, uint32_t) {},
    };
    wl_data_source_add_listener(src, &listener, s.get());
    for (const char* m : kTextMimes) wl_data_source_offer(src, m);
    wl_data_device_set_selection(d->data, src, serial);
    s->proxy = src;
  }
  sources_.push_back(std::move(s));
}

void Clipboard::send(std::shared_ptr<const std::string> text, int fd) {
  int flags = fcntl(fd, F_GETFL);
  fcntl(fd, F_SETFL, flags | O_NONBLOCK);
  auto offset = std::make_shared<size_t>(0);
  ++transfers_;
  auto finish = [this, fd] {
    loop_.remove(fd);
    close(fd);
    --transfers_;
  };
  Result<void> r = loop_.add(fd, EPOLLOUT, [text, offset, fd, finish](uint32_t events) {
    while (*offset < text->size()) {
      ssize_t n = write(fd, text->data() + *offset, text->size() - *offset);
      if (n < 0) {
        if (errno == EINTR) continue;
        if (errno == EAGAIN) return;
        break;  // the reader went away
      }
      *offset += static_cast<size_t>(n);
    }
    (void)events;
    finish();
  });
  if (!r) {
    LOG_WARN(kLog, "cannot send the selection: ", r.error().message);
    close(fd);
    --transfers_;
  }
}

bool Clipboard::paste(SelectionKind kind, PasteCallback done) {
  Device* d = device_for_active_seat();
  if (!d) return false;
  Offer* offer = kind == SelectionKind::clipboard ? d->selection : d->primary_selection;
  if (!offer) return false;
  const char* mime = offer->best_mime();
  if (!mime) return false;
  int fds[2];
  if (pipe2(fds, O_CLOEXEC | O_NONBLOCK) < 0) {
    LOG_WARN(kLog, "pipe2: ", std::strerror(errno));
    return false;
  }
  if (offer->primary) {
    zwp_primary_selection_offer_v1_receive(
        static_cast<zwp_primary_selection_offer_v1*>(offer->proxy), mime, fds[1]);
  } else {
    wl_data_offer_receive(static_cast<wl_data_offer*>(offer->proxy), mime, fds[1]);
  }
  close(fds[1]);
  wl_display_flush(display_.native());
  receive(fds[0], std::move(done));
  return true;
}

void Clipboard::receive(int fd, PasteCallback done) {
  auto text = std::make_shared<std::string>();
  auto callback = std::make_shared<PasteCallback>(std::move(done));
  ++transfers_;
  Result<void> r = loop_.add(fd, EPOLLIN, [this, fd, text, callback](uint32_t) {
    char buf[65536];
    for (;;) {
      ssize_t n = read(fd, buf, sizeof buf);
      if (n < 0) {
        if (errno == EINTR) continue;
        if (errno == EAGAIN) return;  // more later
        break;
      }
      if (n == 0) break;
      if (text->size() + static_cast<size_t>(n) > kMaxPasteBytes) {
        LOG_WARN(kLog, "paste cut at ", kMaxPasteBytes, " bytes");
        text->append(buf, kMaxPasteBytes - text->size());
        break;
      }
      text->append(buf, static_cast<size_t>(n));
    }
    loop_.remove(fd);
    close(fd);
    --transfers_;
    (*callback)(std::move(*text));
  });
  if (!r) {
    close(fd);
    --transfers_;
  }
}

}  // namespace cadence::wayland
