// The connection to the Wayland compositor, and its registry of globals.
//
// Display connects, does one registry roundtrip and records every global the compositor
// advertises, with its version. It binds nothing by itself: each part of the window binds
// the global it needs through bind(), so an unused protocol costs nothing and a missing
// optional one is noticed by the code that wanted it, not by a central list. The global
// list follows global/global_remove events for as long as the Display lives (outputs come
// and go).
//
// Version negotiation is one rule, in negotiate_version(): bind the lower of what the
// compositor offers and the highest version cadence's code handles, and refuse a compositor
// that offers less than the code needs. Binding higher than the code handles would let the
// compositor send events the code has no listener slot for, which libwayland treats as a
// fatal error.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "base/result.hpp"

struct wl_display;
struct wl_registry;
struct wl_interface;

namespace cadence::wayland {

struct Global {
  uint32_t name = 0;  // the registry's handle for it, used to bind
  std::string interface;
  uint32_t version = 0;
};

// The version to bind: min(offered, max_supported), or an error naming the interface when
// the compositor offers less than min_required.
Result<uint32_t> negotiate_version(std::string_view interface, uint32_t offered,
                                   uint32_t min_required, uint32_t max_supported);

// A bound global: the proxy and the version it was bound at (requests and events newer than
// that version must not be used).
template <typename T>
struct Bound {
  T* proxy = nullptr;
  uint32_t version = 0;
};

class Display {
 public:
  // Connects to $WAYLAND_DISPLAY (or an inherited $WAYLAND_SOCKET) and reads the registry.
  // The error says which display was tried and why it failed.
  static Result<std::unique_ptr<Display>> connect();

  ~Display();
  Display(const Display&) = delete;
  Display& operator=(const Display&) = delete;

  wl_display* native() const { return display_; }
  // What the connection was made to, for messages ("wayland-1", "an inherited socket").
  const std::string& description() const { return description_; }

  // Every global currently advertised, in advertisement order.
  const std::vector<Global>& globals() const { return globals_; }
  // The first global with this interface name, or nullptr.
  const Global* find(std::string_view interface) const;

  // Binds the first global of this interface at the negotiated version. T is the proxy
  // type of the interface (bind<xdg_wm_base>(xdg_wm_base_interface, 1, 5)).
  template <typename T>
  Result<Bound<T>> bind(const wl_interface& interface, uint32_t min_version,
                        uint32_t max_supported) {
    uint32_t version = 0;
    Result<void*> proxy = bind_raw(interface, min_version, max_supported, version);
    if (!proxy) return proxy.error();
    return Bound<T>{static_cast<T*>(proxy.value()), version};
  }

  // Binds one particular global (a second seat, an output) at the negotiated version.
  template <typename T>
  Result<Bound<T>> bind(const Global& global, const wl_interface& interface, uint32_t min_version,
                        uint32_t max_supported) {
    uint32_t version = 0;
    Result<void*> proxy = bind_global(global, interface, min_version, max_supported, version);
    if (!proxy) return proxy.error();
    return Bound<T>{static_cast<T*>(proxy.value()), version};
  }

  // Told of globals that appear or go after connect() (hot-plugged seats and outputs).
  // Each part that follows some globals adds its own listener and removes it (by the
  // returned id) before it goes.
  using GlobalListener = std::function<void(const Global& global, bool added)>;
  int add_global_listener(GlobalListener listener) {
    listeners_.emplace_back(++next_listener_id_, std::move(listener));
    return next_listener_id_;
  }
  void remove_global_listener(int id) {
    std::erase_if(listeners_, [id](const auto& l) { return l.first == id; });
  }

  // Flushes requests and waits until the compositor has handled them. Fails when the
  // connection is gone or the compositor reported a protocol error (which it names).
  Result<void> roundtrip();
  // Why the connection failed, for a dispatch that returned -1.
  Error connection_error(std::string_view during) const;

 private:
  Display(wl_display* display, std::string description);
  Result<void*> bind_raw(const wl_interface& interface, uint32_t min_version,
                         uint32_t max_supported, uint32_t& version_out);
  Result<void*> bind_global(const Global& global, const wl_interface& interface,
                            uint32_t min_version, uint32_t max_supported, uint32_t& version_out);

  static void on_global(void* data, wl_registry* registry, uint32_t name, const char* interface,
                        uint32_t version);
  static void on_global_remove(void* data, wl_registry* registry, uint32_t name);

  wl_display* display_ = nullptr;
  wl_registry* registry_ = nullptr;
  std::string description_;
  std::vector<Global> globals_;
  std::vector<std::pair<int, GlobalListener>> listeners_;
  int next_listener_id_ = 0;
};

}  // namespace cadence::wayland
