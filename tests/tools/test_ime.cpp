// cadence-test-ime: a minimal input method for the headless tests, through the
// compositor's input-method-v2 relay (no fcitx or ibus is needed).
//
//   cadence-test-ime
//     reads commands from stdin, one per line, answering each with "ok":
//       wait-active       until a text input is focused and enabled (content type seen)
//       preedit TEXT      show TEXT as pre-edit (cursor at its end)
//       commit TEXT       commit TEXT and clear the pre-edit
//     and "purpose N" lines are printed when the text input says what it is for.
#include <unistd.h>
#include <wayland-client.h>

#include <cstdio>
#include <cstring>
#include <iostream>
#include <string>

#include "input-method-client-protocol.h"

namespace {

wl_seat* g_seat = nullptr;
zwp_input_method_manager_v2* g_manager = nullptr;
bool g_active_pending = false;
bool g_active = false;
uint32_t g_done = 0;  // the serial commit() must quote: number of done events so far
uint32_t g_purpose = 0;
bool g_unavailable = false;

void on_global(void*, wl_registry* registry, uint32_t name, const char* interface, uint32_t) {
  if (std::strcmp(interface, "wl_seat") == 0 && !g_seat) {
    g_seat = static_cast<wl_seat*>(wl_registry_bind(registry, name, &wl_seat_interface, 1));
  } else if (std::strcmp(interface, "zwp_input_method_manager_v2") == 0) {
    g_manager = static_cast<zwp_input_method_manager_v2*>(
        wl_registry_bind(registry, name, &zwp_input_method_manager_v2_interface, 1));
  }
}
void on_global_remove(void*, wl_registry*, uint32_t) {}

void on_activate(void*, zwp_input_method_v2*) { g_active_pending = true; }
void on_deactivate(void*, zwp_input_method_v2*) { g_active_pending = false; }
void on_surrounding_text(void*, zwp_input_method_v2*, const char*, uint32_t, uint32_t) {}
void on_text_change_cause(void*, zwp_input_method_v2*, uint32_t) {}
void on_content_type(void*, zwp_input_method_v2*, uint32_t, uint32_t purpose) {
  g_purpose = purpose;
}
void on_done(void*, zwp_input_method_v2*) {
  ++g_done;
  g_active = g_active_pending;
}
void on_unavailable(void*, zwp_input_method_v2*) { g_unavailable = true; }

}  // namespace

int main() {
  wl_display* display = wl_display_connect(nullptr);
  if (!display) {
    std::fprintf(stderr, "cadence-test-ime: no Wayland display\n");
    return 1;
  }
  wl_registry* registry = wl_display_get_registry(display);
  static const wl_registry_listener listener = {on_global, on_global_remove};
  wl_registry_add_listener(registry, &listener, nullptr);
  wl_display_roundtrip(display);
  if (!g_manager || !g_seat) {
    std::fprintf(stderr, "cadence-test-ime: the compositor has no input method relay\n");
    return 1;
  }
  zwp_input_method_v2* im = zwp_input_method_manager_v2_get_input_method(g_manager, g_seat);
  static const zwp_input_method_v2_listener im_listener = {
      on_activate,     on_deactivate, on_surrounding_text, on_text_change_cause,
      on_content_type, on_done,       on_unavailable};
  zwp_input_method_v2_add_listener(im, &im_listener, nullptr);
  wl_display_roundtrip(display);
  if (g_unavailable) {
    std::fprintf(stderr, "cadence-test-ime: another input method is running\n");
    return 1;
  }
  std::string line;
  while (std::getline(std::cin, line)) {
    const size_t space = line.find(' ');
    const std::string cmd = line.substr(0, space);
    const std::string arg = space == std::string::npos ? "" : line.substr(space + 1);
    if (cmd == "wait-active") {
      for (int i = 0; i < 100 && !g_active; ++i) {
        wl_display_roundtrip(display);
        if (!g_active) usleep(50 * 1000);
      }
      if (!g_active) {
        std::fprintf(stderr, "cadence-test-ime: no text input became active\n");
        return 1;
      }
      std::printf("purpose %u\n", g_purpose);
    } else if (cmd == "preedit") {
      zwp_input_method_v2_set_preedit_string(im, arg.c_str(), static_cast<int32_t>(arg.size()),
                                             static_cast<int32_t>(arg.size()));
      zwp_input_method_v2_commit(im, g_done);
    } else if (cmd == "commit") {
      zwp_input_method_v2_set_preedit_string(im, "", 0, 0);
      zwp_input_method_v2_commit_string(im, arg.c_str());
      zwp_input_method_v2_commit(im, g_done);
    } else {
      std::fprintf(stderr, "cadence-test-ime: unknown command '%s'\n", cmd.c_str());
      return 2;
    }
    wl_display_roundtrip(display);
    std::printf("ok\n");
    std::fflush(stdout);
  }
  zwp_input_method_v2_destroy(im);
  wl_display_roundtrip(display);
  wl_display_disconnect(display);
  return 0;
}
