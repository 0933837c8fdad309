// Window (see window.hpp).
#include "wayland/window.hpp"

#include <wayland-client.h>

#include <algorithm>
#include <cmath>

#include "base/check.hpp"
#include "base/log.hpp"
#include "fractional-scale-v1-client-protocol.h"
#include "presentation-time-client-protocol.h"
#include "viewporter-client-protocol.h"
#include "xdg-activation-v1-client-protocol.h"
#include "xdg-decoration-unstable-v1-client-protocol.h"
#include "xdg-shell-client-protocol.h"

namespace cadence::wayland {
namespace {

const log::Tag kLog{"wayland"};

}  // namespace

struct Window::Feedback {
  Window* window;
  struct ::wp_presentation_feedback* proxy;
  uint64_t frame_id;

  static void on_sync_output(void*, struct ::wp_presentation_feedback*, wl_output*) {}
  static void on_presented(void* data, struct ::wp_presentation_feedback*, uint32_t tv_sec_hi,
                           uint32_t tv_sec_lo, uint32_t tv_nsec, uint32_t refresh, uint32_t,
                           uint32_t, uint32_t) {
    auto* f = static_cast<Feedback*>(data);
    const uint64_t sec = (uint64_t{tv_sec_hi} << 32) | tv_sec_lo;
    f->window->listener_.on_presented(f->frame_id, sec * 1000000000ull + tv_nsec, refresh);
    f->window->drop_feedback(f);
  }
  static void on_discarded(void* data, struct ::wp_presentation_feedback*) {
    auto* f = static_cast<Feedback*>(data);
    f->window->listener_.on_presented(f->frame_id, 0, 0);
    f->window->drop_feedback(f);
  }
};

Window::Window(Display& display, WindowListener& listener)
    : display_(display), listener_(listener) {}

Result<std::unique_ptr<Window>> Window::create(Display& display, WindowListener& listener,
                                               const WindowOptions& options) {
  std::unique_ptr<Window> self(new Window(display, listener));
  if (Result<void> r = self->init(options); !r) return r.error();
  return self;
}

Result<void> Window::init(const WindowOptions& options) {
  auto compositor = display_.bind<wl_compositor>(wl_compositor_interface, 4, 5);
  if (!compositor) return compositor.error();
  compositor_ = compositor.value().proxy;
  auto wm = display_.bind<xdg_wm_base>(xdg_wm_base_interface, 1, 5);
  if (!wm) return wm.error();
  wm_base_ = wm.value().proxy;
  static const xdg_wm_base_listener wm_listener = {.ping = &Window::on_wm_ping};
  xdg_wm_base_add_listener(wm_base_, &wm_listener, this);

  // Optional globals: each one missing only loses what it is for.
  if (auto v = display_.bind<wp_viewporter>(wp_viewporter_interface, 1, 1)) {
    viewporter_ = v.value().proxy;
  }
  if (auto f = display_.bind<wp_fractional_scale_manager_v1>(
          wp_fractional_scale_manager_v1_interface, 1, 1)) {
    fractional_manager_ = f.value().proxy;
  }
  if (auto p = display_.bind<wp_presentation>(wp_presentation_interface, 1, 1)) {
    presentation_ = p.value().proxy;
  }
  if (auto a = display_.bind<xdg_activation_v1>(xdg_activation_v1_interface, 1, 1)) {
    activation_ = a.value().proxy;
  }
  if (auto d =
          display_.bind<zxdg_decoration_manager_v1>(zxdg_decoration_manager_v1_interface, 1, 1)) {
    decoration_manager_ = d.value().proxy;
  }
  for (const Global& g : display_.globals()) {
    if (g.interface == "wl_output") add_output(g);
  }

  surface_ = wl_compositor_create_surface(compositor_);
  static const wl_surface_listener surface_listener = {
      .enter = &Window::on_surface_enter,
      .leave = &Window::on_surface_leave,
  };
  wl_surface_add_listener(surface_, &surface_listener, this);
  if (viewporter_ && fractional_manager_) {
    viewport_ = wp_viewporter_get_viewport(viewporter_, surface_);
    fractional_ =
        wp_fractional_scale_manager_v1_get_fractional_scale(fractional_manager_, surface_);
    static const wp_fractional_scale_v1_listener fs_listener = {
        .preferred_scale = &Window::on_preferred_scale,
    };
    wp_fractional_scale_v1_add_listener(fractional_, &fs_listener, this);
  }

  xdg_surface_ = xdg_wm_base_get_xdg_surface(wm_base_, surface_);
  static const xdg_surface_listener xdg_listener = {.configure = &Window::on_surface_configure};
  xdg_surface_add_listener(xdg_surface_, &xdg_listener, this);
  toplevel_ = xdg_surface_get_toplevel(xdg_surface_);
  static const xdg_toplevel_listener toplevel_listener = {
      .configure = &Window::on_toplevel_configure,
      .close = &Window::on_toplevel_close,
      .configure_bounds = &Window::on_toplevel_configure_bounds,
      .wm_capabilities = &Window::on_toplevel_wm_capabilities,
  };
  xdg_toplevel_add_listener(toplevel_, &toplevel_listener, this);
  xdg_toplevel_set_title(toplevel_, options.title.c_str());
  xdg_toplevel_set_app_id(toplevel_, options.app_id.c_str());
  if (options.min_width > 0 && options.min_height > 0) {
    xdg_toplevel_set_min_size(toplevel_, options.min_width, options.min_height);
  }

  if (decoration_manager_) {
    decoration_ =
        zxdg_decoration_manager_v1_get_toplevel_decoration(decoration_manager_, toplevel_);
    static const zxdg_toplevel_decoration_v1_listener deco_listener = {
        .configure = &Window::on_decoration_configure,
    };
    zxdg_toplevel_decoration_v1_add_listener(decoration_, &deco_listener, this);
    zxdg_toplevel_decoration_v1_set_mode(decoration_,
                                         options.client_side_decorations
                                             ? ZXDG_TOPLEVEL_DECORATION_V1_MODE_CLIENT_SIDE
                                             : ZXDG_TOPLEVEL_DECORATION_V1_MODE_SERVER_SIDE);
  } else {
    csd_ = true;
  }

  global_listener_ = display_.add_global_listener([this](const Global& g, bool added) {
    if (g.interface != "wl_output") return;
    if (added) {
      add_output(g);
    } else {
      remove_output(g.name);
    }
  });

  // The initial commit without a buffer asks for the first configure.
  wl_surface_commit(surface_);
  if (Result<void> r = display_.roundtrip(); !r) return r.error();
  LOG_DEBUG(kLog, "window created; fractional scale ", fractional_ ? "yes" : "no",
            ", presentation ", presentation_ ? "yes" : "no", ", decorations ",
            csd_ ? "client-side" : "server-side");
  return {};
}

Window::~Window() {
  display_.remove_global_listener(global_listener_);
  for (auto& f : feedbacks_) wp_presentation_feedback_destroy(f->proxy);
  if (frame_callback_) wl_callback_destroy(frame_callback_);
  if (decoration_) zxdg_toplevel_decoration_v1_destroy(decoration_);
  if (toplevel_) xdg_toplevel_destroy(toplevel_);
  if (xdg_surface_) xdg_surface_destroy(xdg_surface_);
  if (fractional_) wp_fractional_scale_v1_destroy(fractional_);
  if (viewport_) wp_viewport_destroy(viewport_);
  if (surface_) wl_surface_destroy(surface_);
  outputs_.clear();
  if (decoration_manager_) zxdg_decoration_manager_v1_destroy(decoration_manager_);
  if (activation_) xdg_activation_v1_destroy(activation_);
  if (presentation_) wp_presentation_destroy(presentation_);
  if (fractional_manager_) wp_fractional_scale_manager_v1_destroy(fractional_manager_);
  if (viewporter_) wp_viewporter_destroy(viewporter_);
  if (wm_base_) xdg_wm_base_destroy(wm_base_);
  if (compositor_) wl_compositor_destroy(compositor_);
}

void Window::set_title(const std::string& title) {
  xdg_toplevel_set_title(toplevel_, title.c_str());
}

void Window::set_min_size(int width, int height) {
  xdg_toplevel_set_min_size(toplevel_, width, height);
}

int Window::buffer_width() const {
  if (fractional_) return static_cast<int>(std::lround(width_ * scale_));
  return width_ * buffer_scale_;
}

int Window::buffer_height() const {
  if (fractional_) return static_cast<int>(std::lround(height_ * scale_));
  return height_ * buffer_scale_;
}

void Window::request_frame_callback() {
  CADENCE_CHECK(frame_callback_ == nullptr);
  frame_callback_ = wl_surface_frame(surface_);
  static const wl_callback_listener listener = {.done = &Window::on_frame_done};
  wl_callback_add_listener(frame_callback_, &listener, this);
}

void Window::abandon_frame_callback() {
  if (frame_callback_) wl_callback_destroy(frame_callback_);
  frame_callback_ = nullptr;
}

void Window::request_presentation_feedback(uint64_t frame_id) {
  if (!presentation_) return;
  auto f = std::make_unique<Feedback>(Feedback{this, nullptr, frame_id});
  f->proxy = ::wp_presentation_feedback(presentation_, surface_);
  static const wp_presentation_feedback_listener listener = {
      .sync_output = &Feedback::on_sync_output,
      .presented = &Feedback::on_presented,
      .discarded = &Feedback::on_discarded,
  };
  wp_presentation_feedback_add_listener(f->proxy, &listener, f.get());
  feedbacks_.push_back(std::move(f));
}

void Window::drop_feedback(Feedback* f) {
  wp_presentation_feedback_destroy(f->proxy);
  std::erase_if(feedbacks_, [f](const std::unique_ptr<Feedback>& p) { return p.get() == f; });
}

void Window::prepare_commit() {
  if (ack_pending_) {
    xdg_surface_ack_configure(xdg_surface_, pending_serial_);
    ack_pending_ = false;
  }
  if (viewport_) {
    wp_viewport_set_destination(viewport_, width_, height_);
  } else {
    wl_surface_set_buffer_scale(surface_, buffer_scale_);
  }
}

void Window::begin_move(wl_seat* seat, uint32_t serial) {
  if (seat) xdg_toplevel_move(toplevel_, seat, serial);
}

void Window::begin_resize(wl_seat* seat, uint32_t serial, uint32_t edges) {
  if (seat) xdg_toplevel_resize(toplevel_, seat, serial, edges);
}

void Window::set_maximized(bool maximized) {
  if (maximized) {
    xdg_toplevel_set_maximized(toplevel_);
  } else {
    xdg_toplevel_unset_maximized(toplevel_);
  }
}

void Window::set_minimized() { xdg_toplevel_set_minimized(toplevel_); }

void Window::request_attention() {
  if (!activation_) return;
  LOG_DEBUG(kLog, "asking for attention (xdg-activation)");
  // A token asked for by ourselves and handed straight back: sway and others mark the
  // window urgent when the activation cannot take focus.
  xdg_activation_token_v1* token = xdg_activation_v1_get_activation_token(activation_);
  static const xdg_activation_token_v1_listener listener = {
      .done =
          [](void* data, xdg_activation_token_v1* t, const char* token_string) {
            auto* w = static_cast<Window*>(data);
            LOG_DEBUG(kLog, "activation token received; activating");
            xdg_activation_v1_activate(w->activation_, token_string, w->surface_);
            xdg_activation_token_v1_destroy(t);
          },
  };
  xdg_activation_token_v1_add_listener(token, &listener, this);
  xdg_activation_token_v1_set_surface(token, surface_);
  xdg_activation_token_v1_commit(token);
}

void Window::set_scale(double scale) {
  if (scale <= 0 || scale == scale_) return;
  scale_ = scale;
  listener_.on_scale_changed(scale_);
}

Window::Output::~Output() {
  if (!proxy) return;
  // wl_output.release exists from version 3; before it the proxy can only be dropped.
  if (wl_output_get_version(proxy) >= 3) {
    wl_output_release(proxy);
  } else {
    wl_output_destroy(proxy);
  }
}

void Window::add_output(const Global& global) {
  auto o = std::make_unique<Output>();
  o->name = global.name;
  auto bound = display_.bind<wl_output>(global, wl_output_interface, 2, 3);
  if (!bound) {
    LOG_WARN(kLog, bound.error().message);
    return;
  }
  o->proxy = bound.value().proxy;
  static const wl_output_listener listener = {
      .geometry = [](void*, wl_output*, int32_t, int32_t, int32_t, int32_t, int32_t, const char*,
                     const char*, int32_t) {},
      .mode = [](void*, wl_output*, uint32_t, int32_t, int32_t, int32_t) {},
      .done = [](void*, wl_output*) {},
      .scale = &Window::on_output_scale,
      .name = nullptr,
      .description = nullptr,
  };
  wl_output_add_listener(o->proxy, &listener, this);
  outputs_.push_back(std::move(o));
}

void Window::remove_output(uint32_t name) {
  for (auto it = outputs_.begin(); it != outputs_.end(); ++it) {
    if ((*it)->name != name) continue;
    outputs_.erase(it);
    update_integer_scale();
    return;
  }
}

void Window::update_integer_scale() {
  if (fractional_) return;
  int scale = 0;
  for (const auto& o : outputs_) {
    if (o->entered) scale = std::max(scale, o->scale);
  }
  if (scale == 0) return;  // on no output yet: keep what we have
  buffer_scale_ = scale;
  set_scale(scale);
}

void Window::on_output_scale(void* data, wl_output* output, int32_t factor) {
  auto* self = static_cast<Window*>(data);
  for (auto& o : self->outputs_) {
    if (o->proxy == output) o->scale = std::max(1, factor);
  }
  self->update_integer_scale();
}

void Window::on_surface_enter(void* data, wl_surface*, wl_output* output) {
  auto* self = static_cast<Window*>(data);
  for (auto& o : self->outputs_) {
    if (o->proxy == output) o->entered = true;
  }
  self->update_integer_scale();
}

void Window::on_surface_leave(void* data, wl_surface*, wl_output* output) {
  auto* self = static_cast<Window*>(data);
  for (auto& o : self->outputs_) {
    if (o->proxy == output) o->entered = false;
  }
  self->update_integer_scale();
}

void Window::on_preferred_scale(void* data, wp_fractional_scale_v1*, uint32_t scale) {
  static_cast<Window*>(data)->set_scale(scale / 120.0);
}

void Window::on_wm_ping(void*, xdg_wm_base* wm, uint32_t serial) { xdg_wm_base_pong(wm, serial); }

void Window::on_toplevel_configure(void* data, xdg_toplevel*, int32_t width, int32_t height,
                                   wl_array* states) {
  auto* self = static_cast<Window*>(data);
  self->pending_width_ = width;
  self->pending_height_ = height;
  WindowStates s;
  const uint32_t* state = nullptr;
  for (state = static_cast<const uint32_t*>(states->data);
       reinterpret_cast<const char*>(state) < static_cast<const char*>(states->data) + states->size;
       ++state) {
    switch (*state) {
      case XDG_TOPLEVEL_STATE_MAXIMIZED: s.maximized = true; break;
      case XDG_TOPLEVEL_STATE_FULLSCREEN: s.fullscreen = true; break;
      case XDG_TOPLEVEL_STATE_ACTIVATED: s.activated = true; break;
      case XDG_TOPLEVEL_STATE_RESIZING: s.resizing = true; break;
      case XDG_TOPLEVEL_STATE_TILED_LEFT:
      case XDG_TOPLEVEL_STATE_TILED_RIGHT:
      case XDG_TOPLEVEL_STATE_TILED_TOP:
      case XDG_TOPLEVEL_STATE_TILED_BOTTOM: s.tiled = true; break;
      default: break;
    }
  }
  self->pending_states_ = s;
}

void Window::on_surface_configure(void* data, xdg_surface*, uint32_t serial) {
  auto* self = static_cast<Window*>(data);
  self->pending_serial_ = serial;
  self->ack_pending_ = true;
  self->configured_ = true;
  self->states_ = self->pending_states_;
  if (self->pending_width_ > 0) self->width_ = self->pending_width_;
  if (self->pending_height_ > 0) self->height_ = self->pending_height_;
  self->listener_.on_configure(self->pending_width_, self->pending_height_, self->states_);
}

// xdg_wm_base is bound up to version 5, so a compositor that offers it (KWin) sends
// these two; libwayland aborts the client on an event whose handler is missing. Neither
// changes what we do: our unconfigured size is 80x24 cells whatever the bounds, and the
// title bar keeps all three buttons (a compositor without minimize ignores the request).
void Window::on_toplevel_configure_bounds(void*, xdg_toplevel*, int32_t, int32_t) {}

void Window::on_toplevel_wm_capabilities(void*, xdg_toplevel*, wl_array*) {}

void Window::on_toplevel_close(void* data, xdg_toplevel*) {
  static_cast<Window*>(data)->listener_.on_close();
}

void Window::on_decoration_configure(void* data, zxdg_toplevel_decoration_v1*, uint32_t mode) {
  auto* self = static_cast<Window*>(data);
  self->csd_ = mode == ZXDG_TOPLEVEL_DECORATION_V1_MODE_CLIENT_SIDE;
}

void Window::on_frame_done(void* data, wl_callback* callback, uint32_t time) {
  auto* self = static_cast<Window*>(data);
  wl_callback_destroy(callback);
  if (callback != self->frame_callback_) return;  // abandoned by the watchdog
  self->frame_callback_ = nullptr;
  self->listener_.on_frame_done(time);
}

}  // namespace cadence::wayland
