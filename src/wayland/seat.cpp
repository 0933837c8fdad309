// Seats (see seat.hpp).
#include "wayland/seat.hpp"

#include <linux/input-event-codes.h>
#include <sys/mman.h>
#include <sys/timerfd.h>
#include <unistd.h>
#include <wayland-client.h>
#include <wayland-cursor.h>
#include <xkbcommon/xkbcommon-compose.h>
#include <xkbcommon/xkbcommon.h>

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <ctime>

#include "base/check.hpp"
#include "base/clock.hpp"
#include "base/log.hpp"

namespace cadence::wayland {
namespace {

const log::Tag kLog{"input"};

const char* locale_for_compose() {
  for (const char* name : {"LC_ALL", "LC_CTYPE", "LANG"}) {
    const char* v = std::getenv(name);
    if (v && *v) return v;
  }
  return "C";
}

}  // namespace

struct Seats::Seat {
  Seats* owner = nullptr;
  uint32_t name = 0;
  wl_seat* proxy = nullptr;
  uint32_t version = 0;
  wl_keyboard* keyboard = nullptr;
  wl_pointer* pointer = nullptr;
  double x = 0;
  double y = 0;
  uint32_t pointer_serial = 0;
  std::string label;

  ~Seat() {
    if (keyboard) wl_keyboard_release(keyboard);
    if (pointer) wl_pointer_release(pointer);
    if (proxy) wl_seat_release(proxy);
  }
};

Seats::Seats(Display& display, EventLoop& loop, SeatListener& listener)
    : display_(display), loop_(loop), listener_(listener) {}

Result<std::unique_ptr<Seats>> Seats::create(Display& display, EventLoop& loop,
                                             SeatListener& listener) {
  std::unique_ptr<Seats> self(new Seats(display, loop, listener));
  if (Result<void> r = self->init(); !r) return r.error();
  return self;
}

Result<void> Seats::init() {
  xkb_ = xkb_context_new(XKB_CONTEXT_NO_FLAGS);
  if (!xkb_) return make_error("xkb_context_new failed");
  compose_table_ =
      xkb_compose_table_new_from_locale(xkb_, locale_for_compose(), XKB_COMPOSE_COMPILE_NO_FLAGS);
  if (compose_table_) {
    compose_ = xkb_compose_state_new(compose_table_, XKB_COMPOSE_STATE_NO_FLAGS);
  } else {
    LOG_INFO(kLog, "no compose table for locale ", locale_for_compose(),
             ": dead keys and compose sequences are off");
  }
  repeat_fd_ = timerfd_create(CLOCK_MONOTONIC, TFD_CLOEXEC | TFD_NONBLOCK);
  if (repeat_fd_ < 0) return make_error(std::string("timerfd_create: ") + std::strerror(errno));
  if (Result<void> r =
          loop_.add(repeat_fd_, 0x001 /*EPOLLIN*/, [this](uint32_t) { on_repeat_timer(); });
      !r) {
    return r.error();
  }
  if (auto shm = display_.bind<wl_shm>(wl_shm_interface, 1, 1)) shm_ = shm.value().proxy;
  for (const Global& g : display_.globals()) {
    if (g.interface == "wl_seat") add_seat(g);
  }
  if (seats_.empty()) LOG_WARN(kLog, "the compositor offers no seat: no keyboard or pointer yet");
  return {};
}

Seats::~Seats() {
  if (repeat_fd_ >= 0) {
    loop_.remove(repeat_fd_);
    close(repeat_fd_);
  }
  seats_.clear();
  if (cursor_surface_) wl_surface_destroy(cursor_surface_);
  if (cursor_compositor_) wl_compositor_destroy(cursor_compositor_);
  if (cursor_theme_) wl_cursor_theme_destroy(cursor_theme_);
  if (shm_) wl_shm_destroy(shm_);
  if (compose_) xkb_compose_state_unref(compose_);
  if (compose_table_) xkb_compose_table_unref(compose_table_);
  if (state_) xkb_state_unref(state_);
  if (keymap_) xkb_keymap_unref(keymap_);
  if (xkb_) xkb_context_unref(xkb_);
}

wl_seat* Seats::active_seat() const {
  if (active_) return active_->proxy;
  return seats_.empty() ? nullptr : seats_.front()->proxy;
}

void Seats::on_global(const Global& global, bool added) {
  if (global.interface != "wl_seat") return;
  if (added) {
    add_seat(global);
    return;
  }
  for (auto it = seats_.begin(); it != seats_.end(); ++it) {
    if ((*it)->name != global.name) continue;
    if (active_ == it->get()) active_ = nullptr;
    seats_.erase(it);
    LOG_INFO(kLog, "seat removed");
    return;
  }
}

void Seats::add_seat(const Global& global) {
  auto bound = display_.bind<wl_seat>(global, wl_seat_interface, 5, 7);
  if (!bound) {
    LOG_WARN(kLog, bound.error().message);
    return;
  }
  auto seat = std::make_unique<Seat>();
  seat->owner = this;
  seat->name = global.name;
  seat->proxy = bound.value().proxy;
  seat->version = bound.value().version;
  static const wl_seat_listener listener = {
      .capabilities = &Seats::on_capabilities,
      .name = &Seats::on_name,
  };
  wl_seat_add_listener(seat->proxy, &listener, seat.get());
  seats_.push_back(std::move(seat));
}

void Seats::on_name(void* data, wl_seat*, const char* name) {
  static_cast<Seat*>(data)->label = name;
}

void Seats::on_capabilities(void* data, wl_seat*, uint32_t caps) {
  auto* seat = static_cast<Seat*>(data);
  Seats* self = seat->owner;
  const bool has_keyboard = caps & WL_SEAT_CAPABILITY_KEYBOARD;
  const bool has_pointer = caps & WL_SEAT_CAPABILITY_POINTER;
  if (has_keyboard && !seat->keyboard) {
    seat->keyboard = wl_seat_get_keyboard(seat->proxy);
    static const wl_keyboard_listener listener = {
        .keymap = &Seats::on_keymap,
        .enter = &Seats::on_kb_enter,
        .leave = &Seats::on_kb_leave,
        .key = &Seats::on_key,
        .modifiers = &Seats::on_modifiers,
        .repeat_info = &Seats::on_repeat_info,
    };
    wl_keyboard_add_listener(seat->keyboard, &listener, seat);
  } else if (!has_keyboard && seat->keyboard) {
    wl_keyboard_release(seat->keyboard);
    seat->keyboard = nullptr;
    self->disarm_repeat();
  }
  if (has_pointer && !seat->pointer) {
    seat->pointer = wl_seat_get_pointer(seat->proxy);
    static const wl_pointer_listener listener = {
        .enter = &Seats::on_pointer_enter,
        .leave = &Seats::on_pointer_leave,
        .motion = &Seats::on_pointer_motion,
        .button = &Seats::on_pointer_button,
        .axis = &Seats::on_pointer_axis,
        .frame = &Seats::on_pointer_frame,
        .axis_source = &Seats::on_pointer_axis_source,
        .axis_stop = &Seats::on_pointer_axis_stop,
        .axis_discrete = &Seats::on_pointer_axis_discrete,
        .axis_value120 = nullptr,
    };
    wl_pointer_add_listener(seat->pointer, &listener, seat);
  } else if (!has_pointer && seat->pointer) {
    wl_pointer_release(seat->pointer);
    seat->pointer = nullptr;
  }
}

void Seats::on_keymap(void* data, wl_keyboard*, uint32_t format, int32_t fd, uint32_t size) {
  Seats* self = static_cast<Seat*>(data)->owner;
  if (format != WL_KEYBOARD_KEYMAP_FORMAT_XKB_V1) {
    close(fd);
    LOG_WARN(kLog, "keymap in an unknown format ", format, " ignored");
    return;
  }
  void* map = mmap(nullptr, size, PROT_READ, MAP_PRIVATE, fd, 0);
  close(fd);
  if (map == MAP_FAILED) {
    LOG_ERROR(kLog, "cannot map the keymap: ", std::strerror(errno));
    return;
  }
  xkb_keymap* keymap =
      xkb_keymap_new_from_string(self->xkb_, static_cast<const char*>(map),
                                 XKB_KEYMAP_FORMAT_TEXT_V1, XKB_KEYMAP_COMPILE_NO_FLAGS);
  munmap(map, size);
  if (!keymap) {
    LOG_ERROR(kLog, "the compositor's keymap does not compile; keeping the previous one");
    return;
  }
  xkb_state* state = xkb_state_new(keymap);
  if (self->state_) xkb_state_unref(self->state_);
  if (self->keymap_) xkb_keymap_unref(self->keymap_);
  self->keymap_ = keymap;
  self->state_ = state;
}

void Seats::on_kb_enter(void* data, wl_keyboard*, uint32_t serial, wl_surface*, wl_array*) {
  auto* seat = static_cast<Seat*>(data);
  seat->owner->active_ = seat;
  seat->owner->last_serial_ = serial;
  seat->owner->listener_.on_keyboard_focus(true);
}

void Seats::on_kb_leave(void* data, wl_keyboard*, uint32_t, wl_surface*) {
  Seats* self = static_cast<Seat*>(data)->owner;
  self->disarm_repeat();
  if (self->compose_) xkb_compose_state_reset(self->compose_);
  self->listener_.on_keyboard_focus(false);
}

void Seats::on_modifiers(void* data, wl_keyboard*, uint32_t, uint32_t depressed, uint32_t latched,
                         uint32_t locked, uint32_t group) {
  Seats* self = static_cast<Seat*>(data)->owner;
  if (!self->state_) return;
  xkb_state_update_mask(self->state_, depressed, latched, locked, 0, 0, group);
  uint32_t m = 0;
  auto active = [&](const char* name) {
    return xkb_state_mod_name_is_active(self->state_, name, XKB_STATE_MODS_EFFECTIVE) > 0;
  };
  if (active(XKB_MOD_NAME_SHIFT)) m |= modifier::shift;
  if (active(XKB_MOD_NAME_ALT)) m |= modifier::alt;
  if (active(XKB_MOD_NAME_CTRL)) m |= modifier::ctrl;
  if (active(XKB_MOD_NAME_LOGO)) m |= modifier::super;
  if (active(XKB_MOD_NAME_CAPS)) m |= modifier::caps_lock;
  if (active(XKB_MOD_NAME_NUM)) m |= modifier::num_lock;
  self->mods_ = m;
}

void Seats::on_repeat_info(void* data, wl_keyboard*, int32_t rate, int32_t delay) {
  Seats* self = static_cast<Seat*>(data)->owner;
  self->repeat_rate_ = std::max(0, rate);
  self->repeat_delay_ = std::max(0, delay);
}

KeyInput Seats::translate(uint32_t keycode, KeyInput::Action action) {
  KeyInput k;
  k.action = action;
  k.keycode = keycode;
  k.mods = mods_;
  k.received_ns = monotonic_ns();
  k.serial = last_serial_;
  if (!state_) return k;
  k.keysym = xkb_state_key_get_one_sym(state_, keycode);
  const xkb_layout_index_t layout = xkb_state_key_get_layout(state_, keycode);
  const xkb_keysym_t* syms = nullptr;
  if (xkb_keymap_key_get_syms_by_level(keymap_, keycode, layout, 0, &syms) > 0) {
    k.unshifted_keysym = syms[0];
  } else {
    k.unshifted_keysym = k.keysym;
  }
  if (action == KeyInput::Action::release) return k;

  if (compose_ && action == KeyInput::Action::press) {
    xkb_compose_state_feed(compose_, k.keysym);
    switch (xkb_compose_state_get_status(compose_)) {
      case XKB_COMPOSE_COMPOSING:
        // Inside a dead-key or compose sequence: the key produces nothing yet.
        k.text.clear();
        k.keysym = XKB_KEY_NoSymbol;
        return k;
      case XKB_COMPOSE_COMPOSED: {
        char buf[64];
        int n = xkb_compose_state_get_utf8(compose_, buf, sizeof buf);
        k.text.assign(buf, static_cast<size_t>(std::max(0, std::min<int>(n, sizeof buf - 1))));
        k.keysym = xkb_compose_state_get_one_sym(compose_);
        xkb_compose_state_reset(compose_);
        return k;
      }
      case XKB_COMPOSE_CANCELLED:
        xkb_compose_state_reset(compose_);
        k.keysym = XKB_KEY_NoSymbol;
        return k;
      case XKB_COMPOSE_NOTHING: break;
    }
  }
  char buf[64];
  int n = xkb_state_key_get_utf8(state_, keycode, buf, sizeof buf);
  if (n > 0) k.text.assign(buf, static_cast<size_t>(std::min<int>(n, sizeof buf - 1)));
  return k;
}

void Seats::on_key(void* data, wl_keyboard*, uint32_t serial, uint32_t, uint32_t key,
                   uint32_t state) {
  auto* seat = static_cast<Seat*>(data);
  Seats* self = seat->owner;
  self->active_ = seat;
  self->last_serial_ = serial;
  const uint32_t keycode = key + 8;
  const bool pressed = state == WL_KEYBOARD_KEY_STATE_PRESSED;
  KeyInput k =
      self->translate(keycode, pressed ? KeyInput::Action::press : KeyInput::Action::release);
  if (pressed) {
    if (self->keymap_ && xkb_keymap_key_repeats(self->keymap_, keycode)) {
      self->arm_repeat(keycode);
    }
  } else if (keycode == self->repeat_key_) {
    self->disarm_repeat();
  }
  if (k.keysym != XKB_KEY_NoSymbol || !k.text.empty()) self->listener_.on_key(k);
}

void Seats::arm_repeat(uint32_t keycode) {
  if (repeat_rate_ <= 0) return;
  repeat_key_ = keycode;
  itimerspec spec{};
  spec.it_value.tv_sec = repeat_delay_ / 1000;
  spec.it_value.tv_nsec = (repeat_delay_ % 1000) * 1000000L;
  if (spec.it_value.tv_sec == 0 && spec.it_value.tv_nsec == 0) spec.it_value.tv_nsec = 1;
  const long interval_ns = 1000000000L / repeat_rate_;
  spec.it_interval.tv_sec = interval_ns / 1000000000L;
  spec.it_interval.tv_nsec = interval_ns % 1000000000L;
  timerfd_settime(repeat_fd_, 0, &spec, nullptr);
}

void Seats::disarm_repeat() {
  if (repeat_key_ == 0) return;
  repeat_key_ = 0;
  itimerspec spec{};
  timerfd_settime(repeat_fd_, 0, &spec, nullptr);
}

void Seats::on_repeat_timer() {
  uint64_t expirations = 0;
  if (read(repeat_fd_, &expirations, sizeof expirations) != sizeof expirations) return;
  if (repeat_key_ == 0) return;
  // A stalled loop can owe many repeats; sending them all at once would surprise the user.
  expirations = std::min<uint64_t>(expirations, 4);
  for (uint64_t i = 0; i < expirations; ++i) {
    KeyInput k = translate(repeat_key_, KeyInput::Action::repeat);
    listener_.on_key(k);
  }
}

void Seats::set_cursor_shape(const char* name) {
  if (cursor_shape_ == name) return;
  cursor_shape_ = name;
  if (active_ && active_->pointer) apply_cursor(active_, active_->pointer_serial);
}

void Seats::apply_cursor(Seat* seat, uint32_t serial) {
  if (!shm_ || !seat->pointer) return;
  if (!cursor_theme_) {
    const char* theme = std::getenv("XCURSOR_THEME");
    int size = 24;
    if (const char* s = std::getenv("XCURSOR_SIZE")) size = std::max(8, std::atoi(s));
    cursor_theme_ = wl_cursor_theme_load(theme, size * cursor_scale_, shm_);
    if (!cursor_theme_) return;
    auto compositor = display_.bind<wl_compositor>(wl_compositor_interface, 4, 5);
    if (!compositor) return;
    cursor_compositor_ = compositor.value().proxy;
    cursor_surface_ = wl_compositor_create_surface(cursor_compositor_);
  }
  const bool hand = cursor_shape_ == "pointer";
  const char* fallbacks[] = {cursor_shape_.c_str(), hand ? "hand2" : "xterm",
                             hand ? "hand1" : "text", "left_ptr", "default"};
  wl_cursor* cursor = nullptr;
  for (const char* n : fallbacks) {
    cursor = wl_cursor_theme_get_cursor(cursor_theme_, n);
    if (cursor) break;
  }
  if (!cursor || cursor->image_count == 0) return;
  wl_cursor_image* image = cursor->images[0];
  wl_buffer* buffer = wl_cursor_image_get_buffer(image);
  if (!buffer) return;
  wl_pointer_set_cursor(seat->pointer, serial, cursor_surface_,
                        static_cast<int32_t>(image->hotspot_x) / cursor_scale_,
                        static_cast<int32_t>(image->hotspot_y) / cursor_scale_);
  wl_surface_attach(cursor_surface_, buffer, 0, 0);
  wl_surface_damage_buffer(cursor_surface_, 0, 0, INT32_MAX, INT32_MAX);
  wl_surface_commit(cursor_surface_);
}

void Seats::on_pointer_enter(void* data, wl_pointer*, uint32_t serial, wl_surface*, int32_t x,
                             int32_t y) {
  auto* seat = static_cast<Seat*>(data);
  Seats* self = seat->owner;
  self->active_ = seat;
  seat->pointer_serial = serial;
  seat->x = wl_fixed_to_double(x);
  seat->y = wl_fixed_to_double(y);
  self->apply_cursor(seat, serial);
  PointerInput p;
  p.kind = PointerInput::Kind::enter;
  p.x = seat->x;
  p.y = seat->y;
  p.serial = serial;
  p.mods = self->mods_;
  self->listener_.on_pointer(p);
}

void Seats::on_pointer_leave(void* data, wl_pointer*, uint32_t serial, wl_surface*) {
  auto* seat = static_cast<Seat*>(data);
  PointerInput p;
  p.kind = PointerInput::Kind::leave;
  p.serial = serial;
  seat->owner->listener_.on_pointer(p);
}

void Seats::on_pointer_motion(void* data, wl_pointer*, uint32_t time, int32_t x, int32_t y) {
  auto* seat = static_cast<Seat*>(data);
  seat->x = wl_fixed_to_double(x);
  seat->y = wl_fixed_to_double(y);
  PointerInput p;
  p.kind = PointerInput::Kind::motion;
  p.x = seat->x;
  p.y = seat->y;
  p.time_ms = time;
  p.mods = seat->owner->mods_;
  seat->owner->listener_.on_pointer(p);
}

void Seats::on_pointer_button(void* data, wl_pointer*, uint32_t serial, uint32_t time,
                              uint32_t button, uint32_t state) {
  auto* seat = static_cast<Seat*>(data);
  Seats* self = seat->owner;
  self->active_ = seat;
  self->last_serial_ = serial;
  PointerInput p;
  p.kind = PointerInput::Kind::button;
  p.x = seat->x;
  p.y = seat->y;
  p.pressed = state == WL_POINTER_BUTTON_STATE_PRESSED;
  p.serial = serial;
  p.time_ms = time;
  p.mods = self->mods_;
  switch (button) {
    case BTN_LEFT: p.button = 0; break;
    case BTN_MIDDLE: p.button = 1; break;
    case BTN_RIGHT: p.button = 2; break;
    case BTN_SIDE: p.button = 3; break;
    case BTN_EXTRA: p.button = 4; break;
    default: return;
  }
  self->listener_.on_pointer(p);
}

void Seats::on_pointer_axis(void* data, wl_pointer*, uint32_t, uint32_t axis, int32_t value) {
  Seats* self = static_cast<Seat*>(data)->owner;
  const double v = wl_fixed_to_double(value);
  if (axis == WL_POINTER_AXIS_VERTICAL_SCROLL) {
    self->axis_y_ += v;
  } else {
    self->axis_x_ += v;
  }
  self->axis_pending_ = true;
}

void Seats::on_pointer_axis_discrete(void* data, wl_pointer*, uint32_t axis, int32_t discrete) {
  Seats* self = static_cast<Seat*>(data)->owner;
  if (axis == WL_POINTER_AXIS_VERTICAL_SCROLL) {
    self->discrete_y_ += discrete;
  } else {
    self->discrete_x_ += discrete;
  }
  self->axis_pending_ = true;
}

void Seats::on_pointer_axis_source(void*, wl_pointer*, uint32_t) {}
void Seats::on_pointer_axis_stop(void*, wl_pointer*, uint32_t, uint32_t) {}

void Seats::on_pointer_frame(void* data, wl_pointer*) {
  auto* seat = static_cast<Seat*>(data);
  Seats* self = seat->owner;
  if (!self->axis_pending_) return;
  PointerInput p;
  p.kind = PointerInput::Kind::axis;
  p.x = seat->x;
  p.y = seat->y;
  p.mods = self->mods_;
  // A wheel reports discrete steps; a touchpad only continuous motion, turned into
  // steps of 10 logical pixels (what a wheel click scrolls on most compositors is 15).
  p.scroll_y = self->discrete_y_ != 0 ? self->discrete_y_ : self->axis_y_ / 10.0;
  p.scroll_x = self->discrete_x_ != 0 ? self->discrete_x_ : self->axis_x_ / 10.0;
  self->axis_x_ = self->axis_y_ = self->discrete_x_ = self->discrete_y_ = 0;
  self->axis_pending_ = false;
  self->listener_.on_pointer(p);
}

}  // namespace cadence::wayland
