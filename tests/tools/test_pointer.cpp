// cadence-test-pointer: moves, clicks and scrolls a virtual pointer, for the headless
// tests (sway without input devices has no pointer; wtype only types).
//
//   cadence-test-pointer WIDTH HEIGHT COMMAND...
//     move X Y        absolute position on the WIDTH x HEIGHT output
//     press B | release B | click B   B = left, middle, right
//     scroll N        N wheel steps (negative: up)
//     sleep MS
//
//   cadence-test-pointer WIDTH HEIGHT
//     reads the same commands from stdin, one line at a time, and answers each line with
//     "ok" once the compositor has handled it; the pointer lives until stdin closes.
//
// The virtual pointer exists only while this runs, so the seat gains pointer capability
// when it starts: clients see a new wl_pointer, then the events.
#include <linux/input-event-codes.h>
#include <unistd.h>
#include <wayland-client.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <iostream>
#include <sstream>
#include <string>
#include <vector>

#include "virtual-pointer-client-protocol.h"

namespace {

wl_seat* g_seat = nullptr;
zwlr_virtual_pointer_manager_v1* g_manager = nullptr;

void on_global(void*, wl_registry* registry, uint32_t name, const char* interface, uint32_t) {
  if (std::strcmp(interface, "wl_seat") == 0 && !g_seat) {
    g_seat = static_cast<wl_seat*>(wl_registry_bind(registry, name, &wl_seat_interface, 1));
  } else if (std::strcmp(interface, "zwlr_virtual_pointer_manager_v1") == 0) {
    g_manager = static_cast<zwlr_virtual_pointer_manager_v1*>(
        wl_registry_bind(registry, name, &zwlr_virtual_pointer_manager_v1_interface, 1));
  }
}
void on_global_remove(void*, wl_registry*, uint32_t) {}

int button_code(const char* name) {
  if (std::strcmp(name, "left") == 0) return BTN_LEFT;
  if (std::strcmp(name, "middle") == 0) return BTN_MIDDLE;
  if (std::strcmp(name, "right") == 0) return BTN_RIGHT;
  std::fprintf(stderr, "cadence-test-pointer: unknown button '%s'\n", name);
  std::exit(2);
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 3) {
    std::fprintf(stderr, "usage: cadence-test-pointer WIDTH HEIGHT COMMAND...\n");
    return 2;
  }
  const uint32_t width = static_cast<uint32_t>(std::atoi(argv[1]));
  const uint32_t height = static_cast<uint32_t>(std::atoi(argv[2]));
  wl_display* display = wl_display_connect(nullptr);
  if (!display) {
    std::fprintf(stderr, "cadence-test-pointer: no Wayland display\n");
    return 1;
  }
  wl_registry* registry = wl_display_get_registry(display);
  static const wl_registry_listener listener = {on_global, on_global_remove};
  wl_registry_add_listener(registry, &listener, nullptr);
  wl_display_roundtrip(display);
  if (!g_manager) {
    std::fprintf(stderr, "cadence-test-pointer: the compositor has no virtual pointer\n");
    return 1;
  }
  zwlr_virtual_pointer_v1* pointer =
      zwlr_virtual_pointer_manager_v1_create_virtual_pointer(g_manager, g_seat);
  wl_display_roundtrip(display);
  // Event times in ms of CLOCK_MONOTONIC, so clients see real intervals (double clicks).
  auto now_ms = [] {
    timespec ts{};
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return static_cast<uint32_t>(ts.tv_sec * 1000 + ts.tv_nsec / 1000000);
  };
  auto run = [&](const std::vector<std::string>& words) -> int {
    for (size_t i = 0; i < words.size(); ++i) {
      const std::string cmd = words[i];
      auto next = [&]() -> const char* {
        if (i + 1 >= words.size()) {
          std::fprintf(stderr, "cadence-test-pointer: '%s' needs an argument\n", cmd.c_str());
          std::exit(2);
        }
        return words[++i].c_str();
      };
      if (cmd == "move") {
        const uint32_t x = static_cast<uint32_t>(std::atoi(next()));
        const uint32_t y = static_cast<uint32_t>(std::atoi(next()));
        zwlr_virtual_pointer_v1_motion_absolute(pointer, now_ms(), x, y, width, height);
        zwlr_virtual_pointer_v1_frame(pointer);
      } else if (cmd == "press" || cmd == "release" || cmd == "click") {
        const int b = button_code(next());
        if (cmd != "release") {
          zwlr_virtual_pointer_v1_button(pointer, now_ms(), b, WL_POINTER_BUTTON_STATE_PRESSED);
          zwlr_virtual_pointer_v1_frame(pointer);
        }
        if (cmd != "press") {
          zwlr_virtual_pointer_v1_button(pointer, now_ms(), b, WL_POINTER_BUTTON_STATE_RELEASED);
          zwlr_virtual_pointer_v1_frame(pointer);
        }
      } else if (cmd == "scroll") {
        const int n = std::atoi(next());
        zwlr_virtual_pointer_v1_axis_source(pointer, WL_POINTER_AXIS_SOURCE_WHEEL);
        zwlr_virtual_pointer_v1_axis_discrete(pointer, now_ms(), WL_POINTER_AXIS_VERTICAL_SCROLL,
                                              wl_fixed_from_int(15 * n), n);
        zwlr_virtual_pointer_v1_frame(pointer);
      } else if (cmd == "sleep") {
        wl_display_roundtrip(display);
        usleep(static_cast<useconds_t>(std::atoi(next())) * 1000);
      } else {
        std::fprintf(stderr, "cadence-test-pointer: unknown command '%s'\n", cmd.c_str());
        return 2;
      }
      wl_display_roundtrip(display);
    }
    return 0;
  };
  if (argc > 3) {
    if (int r = run(std::vector<std::string>(argv + 3, argv + argc)); r != 0) return r;
  } else {
    std::string line;
    while (std::getline(std::cin, line)) {
      std::istringstream in(line);
      std::vector<std::string> words;
      for (std::string w; in >> w;) words.push_back(w);
      if (int r = run(words); r != 0) return r;
      std::printf("ok\n");
      std::fflush(stdout);
    }
  }
  // Give clients a moment to see the last events before the device goes away.
  usleep(200 * 1000);
  zwlr_virtual_pointer_v1_destroy(pointer);
  wl_display_roundtrip(display);
  wl_display_disconnect(display);
  return 0;
}
