// The table of globals cadence uses (see known_globals.hpp).
//
// Minimum versions are what the design depends on: wl_compositor 4 for
// wl_surface.damage_buffer (damage in buffer pixels, so scaled output damages exactly the
// changed cells) and wl_seat 5 for wl_keyboard.repeat_info (the compositor's key-repeat rate).
#include "wayland/known_globals.hpp"

#include "base/log.hpp"

namespace cadence::wayland {
namespace {

constexpr KnownGlobal kKnownGlobals[] = {
    {"wl_compositor", 4, 5, true, "surfaces"},
    {"xdg_wm_base", 1, 5, true, "toplevel windows"},
    {"wl_shm", 1, 1, true, "cursor images"},
    {"wl_seat", 5, 8, false, "keyboard and pointer input"},
    {"wl_output", 2, 4, false, "output scale before fractional-scale"},
    {"wl_data_device_manager", 3, 3, false, "clipboard and drag and drop"},
    {"zwp_primary_selection_device_manager_v1", 1, 1, false, "middle-click paste"},
    {"zxdg_decoration_manager_v1", 1, 1, false, "server-side window decorations"},
    {"wp_fractional_scale_manager_v1", 1, 1, false, "sharp text at fractional scales"},
    {"wp_viewporter", 1, 1, false, "sharp text at fractional scales"},
    {"wp_presentation", 1, 1, false, "real presentation times in the frame log"},
    {"wp_cursor_shape_manager_v1", 1, 1, false, "cursors drawn by the compositor"},
    {"zwp_text_input_manager_v3", 1, 1, false, "input methods"},
    {"xdg_activation_v1", 1, 1, false, "urgency and focus requests"},
};

}  // namespace

std::span<const KnownGlobal> known_globals() { return kKnownGlobals; }

const KnownGlobal* find_known_global(std::string_view interface) {
  for (const KnownGlobal& k : kKnownGlobals) {
    if (interface == k.interface) return &k;
  }
  return nullptr;
}

std::vector<std::string> check_required_globals(const Display& display) {
  std::vector<std::string> problems;
  for (const KnownGlobal& k : kKnownGlobals) {
    if (!k.required) continue;
    const Global* g = display.find(k.interface);
    if (g == nullptr) {
      problems.push_back(
          log::concat("the compositor does not offer ", k.interface, " (", k.purpose, ")"));
      continue;
    }
    Result<uint32_t> v = negotiate_version(k.interface, g->version, k.min_version, k.max_version);
    if (!v) problems.push_back(v.error().message);
  }
  return problems;
}

}  // namespace cadence::wayland
