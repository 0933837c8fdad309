// Display: connecting, the registry, version negotiation (see display.hpp).
//
// The connection checks XDG_RUNTIME_DIR and WAYLAND_DISPLAY itself before calling
// wl_display_connect(), because libwayland's own diagnostics for them go straight to stderr
// and say nothing about what to do; cadence's error ends up in one message that names the
// variables.
#include "wayland/display.hpp"

#include <wayland-client.h>

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <cstring>

#include "base/log.hpp"

namespace cadence::wayland {
namespace {

const log::Tag kLog{"wayland"};

std::string env_or_empty(const char* name) {
  const char* v = std::getenv(name);
  return v ? std::string(v) : std::string();
}

}  // namespace

Result<uint32_t> negotiate_version(std::string_view interface, uint32_t offered,
                                   uint32_t min_required, uint32_t max_supported) {
  CADENCE_CHECK(min_required <= max_supported);
  if (offered < min_required) {
    return make_error(log::concat("the compositor offers ", interface, " version ", offered,
                                  ", cadence needs at least version ", min_required));
  }
  return std::min(offered, max_supported);
}

Result<std::unique_ptr<Display>> Display::connect() {
  std::string description;
  const std::string socket_fd = env_or_empty("WAYLAND_SOCKET");
  if (!socket_fd.empty()) {
    description = "the inherited socket WAYLAND_SOCKET=" + socket_fd;
  } else {
    std::string name = env_or_empty("WAYLAND_DISPLAY");
    const bool name_set = !name.empty();
    if (!name_set) name = "wayland-0";
    const std::string runtime_dir = env_or_empty("XDG_RUNTIME_DIR");
    if (name.front() != '/' && runtime_dir.empty()) {
      if (!name_set) {
        return make_error("no Wayland session: XDG_RUNTIME_DIR and WAYLAND_DISPLAY are not set");
      }
      return make_error(
          "no Wayland session: XDG_RUNTIME_DIR is not set, so the socket "
          "WAYLAND_DISPLAY=" +
          name + " cannot be located");
    }
    const std::string path = name.front() == '/' ? name : runtime_dir + "/" + name;
    description = name_set ? "WAYLAND_DISPLAY=" + name + " (" + path + ")"
                           : path + " (the default: WAYLAND_DISPLAY is not set)";
  }

  errno = 0;
  wl_display* display = wl_display_connect(nullptr);
  if (display == nullptr) {
    const int err = errno;
    return make_error("cannot connect to the Wayland compositor at " + description + ": " +
                      (err ? std::strerror(err) : "unknown error") +
                      (socket_fd.empty() && env_or_empty("WAYLAND_DISPLAY").empty()
                           ? "; is a Wayland session running?"
                           : ""));
  }

  std::unique_ptr<Display> self(new Display(display, std::move(description)));
  self->registry_ = wl_display_get_registry(display);
  static const wl_registry_listener listener = {
      .global = &Display::on_global,
      .global_remove = &Display::on_global_remove,
  };
  wl_registry_add_listener(self->registry_, &listener, self.get());
  if (Result<void> r = self->roundtrip(); !r) return r.error();
  LOG_DEBUG(kLog, "connected to ", self->description_, ": ", self->globals_.size(), " globals");
  return self;
}

Display::Display(wl_display* display, std::string description)
    : display_(display), description_(std::move(description)) {}

Display::~Display() {
  if (registry_) wl_registry_destroy(registry_);
  if (display_) wl_display_disconnect(display_);
}

const Global* Display::find(std::string_view interface) const {
  for (const Global& g : globals_) {
    if (g.interface == interface) return &g;
  }
  return nullptr;
}

Result<void*> Display::bind_raw(const wl_interface& interface, uint32_t min_version,
                                uint32_t max_supported, uint32_t& version_out) {
  const Global* global = find(interface.name);
  if (global == nullptr) {
    return make_error(log::concat("the compositor does not offer ", interface.name));
  }
  return bind_global(*global, interface, min_version, max_supported, version_out);
}

Result<void*> Display::bind_global(const Global& global_ref, const wl_interface& interface,
                                   uint32_t min_version, uint32_t max_supported,
                                   uint32_t& version_out) {
  const Global* global = &global_ref;
  // The interface's own version is the newest the generated code knows about; binding
  // past it would be a protocol error on our side.
  const uint32_t ceiling = std::min<uint32_t>(max_supported, interface.version);
  Result<uint32_t> version =
      negotiate_version(interface.name, global->version, min_version, ceiling);
  if (!version) return version.error();
  void* proxy = wl_registry_bind(registry_, global->name, &interface, version.value());
  if (proxy == nullptr) {
    return make_error(log::concat("binding ", interface.name, " failed"));
  }
  LOG_DEBUG(kLog, "bound ", interface.name, " v", version.value(), " (offered v", global->version,
            ")");
  version_out = version.value();
  return proxy;
}

Result<void> Display::roundtrip() {
  if (wl_display_roundtrip(display_) < 0) return connection_error("a roundtrip");
  return {};
}

Error Display::connection_error(std::string_view during) const {
  const int err = wl_display_get_error(display_);
  if (err == EPROTO) {
    const wl_interface* interface = nullptr;
    uint32_t id = 0;
    const uint32_t code = wl_display_get_protocol_error(display_, &interface, &id);
    return make_error(log::concat("the compositor reported protocol error ", code, " on ",
                                  interface ? interface->name : "an unknown object", "#", id,
                                  " during ", during));
  }
  return make_error(log::concat("the Wayland connection to ", description_, " failed during ",
                                during, ": ", std::strerror(err ? err : EPIPE)));
}

void Display::on_global(void* data, wl_registry*, uint32_t name, const char* interface,
                        uint32_t version) {
  auto* self = static_cast<Display*>(data);
  self->globals_.push_back(Global{name, interface, version});
  LOG_TRACE(kLog, "global ", name, ": ", interface, " v", version);
  const Global added = self->globals_.back();
  for (auto& [id, listener] : std::vector(self->listeners_)) listener(added, true);
}

void Display::on_global_remove(void* data, wl_registry*, uint32_t name) {
  auto* self = static_cast<Display*>(data);
  for (const Global& g : self->globals_) {
    if (g.name != name) continue;
    const Global removed = g;
    for (auto& [id, listener] : std::vector(self->listeners_)) listener(removed, false);
    break;
  }
  std::erase_if(self->globals_, [name](const Global& g) { return g.name == name; });
  LOG_TRACE(kLog, "global ", name, " removed");
}

}  // namespace cadence::wayland
