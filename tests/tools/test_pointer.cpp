// cadence-test-pointer: moves, clicks and scrolls a pointer for the headless tests
// (a compositor without input devices has no pointer; wtype only types).
//
//   cadence-test-pointer WIDTH HEIGHT COMMAND...
//     move X Y        absolute position in logical pixels on the WIDTH x HEIGHT output
//     press B | release B | click B   B = left, middle, right
//     scroll N        N wheel steps (negative: up)
//     sleep MS
//
//   cadence-test-pointer WIDTH HEIGHT
//     reads the same commands from stdin, one line at a time, and answers each line with
//     "ok" once the compositor has handled it; the pointer lives until stdin closes.
//
// Two ways in, chosen by what the compositor offers: wlroots' virtual pointer (sway),
// else KWin's fake input (KWin offers it to everyone when started with
// KWIN_WAYLAND_NO_PERMISSION_CHECKS=1, as tests/headless/kwin.py does). Both exist only
// while this runs, so the seat gains pointer capability when it starts: clients see a new
// wl_pointer, then the events. The virtual pointer places an absolute position as a
// fraction of WIDTH x HEIGHT; fake input takes KWin's logical coordinates as they are, so
// with one output at (0, 0) the same X Y mean the same place on both.
#include <linux/input-event-codes.h>
#include <unistd.h>
#include <wayland-client.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <iostream>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include "fake-input-client-protocol.h"
#include "virtual-pointer-client-protocol.h"

namespace {

struct Globals {
  wl_seat* seat = nullptr;
  zwlr_virtual_pointer_manager_v1* virtual_pointer = nullptr;
  org_kde_kwin_fake_input* fake_input = nullptr;
  uint32_t fake_input_version = 0;
};

// Absolute motion in fake input came with version 3.
constexpr uint32_t kFakeInputAbsolute = 3;

void on_global(void* data, wl_registry* registry, uint32_t name, const char* interface,
               uint32_t version) {
  auto* g = static_cast<Globals*>(data);
  if (std::strcmp(interface, "wl_seat") == 0 && !g->seat) {
    g->seat = static_cast<wl_seat*>(wl_registry_bind(registry, name, &wl_seat_interface, 1));
  } else if (std::strcmp(interface, "zwlr_virtual_pointer_manager_v1") == 0) {
    g->virtual_pointer = static_cast<zwlr_virtual_pointer_manager_v1*>(
        wl_registry_bind(registry, name, &zwlr_virtual_pointer_manager_v1_interface, 1));
  } else if (std::strcmp(interface, "org_kde_kwin_fake_input") == 0) {
    g->fake_input_version = version;
    if (version >= kFakeInputAbsolute) {
      g->fake_input = static_cast<org_kde_kwin_fake_input*>(
          wl_registry_bind(registry, name, &org_kde_kwin_fake_input_interface,
                           std::min(version, static_cast<uint32_t>(kFakeInputAbsolute))));
    }
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

// Event times in ms of CLOCK_MONOTONIC, so clients see real intervals (double clicks).
uint32_t now_ms() {
  timespec ts{};
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return static_cast<uint32_t>(ts.tv_sec * 1000 + ts.tv_nsec / 1000000);
}

class Pointer {
 public:
  virtual ~Pointer() = default;
  virtual void move(uint32_t x, uint32_t y) = 0;
  virtual void button(int code, bool pressed) = 0;
  virtual void scroll(int steps) = 0;
};

class VirtualPointer final : public Pointer {
 public:
  VirtualPointer(zwlr_virtual_pointer_manager_v1* manager, wl_seat* seat, uint32_t width,
                 uint32_t height)
      : pointer_(zwlr_virtual_pointer_manager_v1_create_virtual_pointer(manager, seat)),
        width_(width),
        height_(height) {}
  ~VirtualPointer() override { zwlr_virtual_pointer_v1_destroy(pointer_); }

  void move(uint32_t x, uint32_t y) override {
    zwlr_virtual_pointer_v1_motion_absolute(pointer_, now_ms(), x, y, width_, height_);
    zwlr_virtual_pointer_v1_frame(pointer_);
  }
  void button(int code, bool pressed) override {
    zwlr_virtual_pointer_v1_button(
        pointer_, now_ms(), static_cast<uint32_t>(code),
        pressed ? WL_POINTER_BUTTON_STATE_PRESSED : WL_POINTER_BUTTON_STATE_RELEASED);
    zwlr_virtual_pointer_v1_frame(pointer_);
  }
  void scroll(int steps) override {
    zwlr_virtual_pointer_v1_axis_source(pointer_, WL_POINTER_AXIS_SOURCE_WHEEL);
    zwlr_virtual_pointer_v1_axis_discrete(pointer_, now_ms(), WL_POINTER_AXIS_VERTICAL_SCROLL,
                                          wl_fixed_from_int(15 * steps), steps);
    zwlr_virtual_pointer_v1_frame(pointer_);
  }

 private:
  zwlr_virtual_pointer_v1* pointer_;
  uint32_t width_;
  uint32_t height_;
};

// KWin turns each request into an input event of its own and ends the pointer frame
// itself, so there is no frame request here.
class FakeInput final : public Pointer {
 public:
  explicit FakeInput(org_kde_kwin_fake_input* input) : input_(input) {
    // Without this KWin ignores every request that follows.
    org_kde_kwin_fake_input_authenticate(input_, "cadence-test-pointer", "headless tests");
  }
  ~FakeInput() override { org_kde_kwin_fake_input_destroy(input_); }

  void move(uint32_t x, uint32_t y) override {
    org_kde_kwin_fake_input_pointer_motion_absolute(input_, wl_fixed_from_int(static_cast<int>(x)),
                                                    wl_fixed_from_int(static_cast<int>(y)));
  }
  void button(int code, bool pressed) override {
    org_kde_kwin_fake_input_button(
        input_, static_cast<uint32_t>(code),
        pressed ? WL_POINTER_BUTTON_STATE_PRESSED : WL_POINTER_BUTTON_STATE_RELEASED);
  }
  void scroll(int steps) override {
    org_kde_kwin_fake_input_axis(input_, WL_POINTER_AXIS_VERTICAL_SCROLL,
                                 wl_fixed_from_int(15 * steps));
  }

 private:
  org_kde_kwin_fake_input* input_;
};

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
  Globals globals;
  wl_registry* registry = wl_display_get_registry(display);
  static const wl_registry_listener listener = {on_global, on_global_remove};
  wl_registry_add_listener(registry, &listener, &globals);
  wl_display_roundtrip(display);
  std::unique_ptr<Pointer> pointer;
  if (globals.virtual_pointer) {
    pointer =
        std::make_unique<VirtualPointer>(globals.virtual_pointer, globals.seat, width, height);
  } else if (globals.fake_input) {
    pointer = std::make_unique<FakeInput>(globals.fake_input);
  } else if (globals.fake_input_version > 0) {
    std::fprintf(stderr,
                 "cadence-test-pointer: the compositor's org_kde_kwin_fake_input is version %u; "
                 "absolute motion needs %u\n",
                 globals.fake_input_version, kFakeInputAbsolute);
    return 1;
  } else {
    std::fprintf(stderr,
                 "cadence-test-pointer: the compositor offers neither "
                 "zwlr_virtual_pointer_manager_v1 nor org_kde_kwin_fake_input\n");
    return 1;
  }
  wl_display_roundtrip(display);
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
        pointer->move(x, y);
      } else if (cmd == "press" || cmd == "release" || cmd == "click") {
        const int b = button_code(next());
        if (cmd != "release") pointer->button(b, true);
        if (cmd != "press") pointer->button(b, false);
      } else if (cmd == "scroll") {
        pointer->scroll(std::atoi(next()));
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
  pointer.reset();
  wl_display_roundtrip(display);
  wl_display_disconnect(display);
  return 0;
}
