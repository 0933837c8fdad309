// Seats: keyboard (xkbcommon, compose, key repeat) and pointer input.
//
// Every wl_seat the compositor offers is bound, including ones that appear later (a
// tablet plugged in, a second seat); input from any of them reaches the one listener.
// The keyboard turns keycodes into keysyms and text with the compositor's keymap, runs
// dead keys and compose sequences through xkb_compose, and repeats held keys itself from
// wl_keyboard.repeat_info on a timerfd that is armed only while a key is held: an idle
// terminal has no timer running.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "base/event_loop.hpp"
#include "base/result.hpp"
#include "wayland/display.hpp"

struct wl_seat;
struct wl_keyboard;
struct wl_pointer;
struct wl_surface;
struct wl_compositor;
struct wl_shm;
struct wl_array;
struct wl_cursor_theme;
struct xkb_context;
struct xkb_keymap;
struct xkb_state;
struct xkb_compose_table;
struct xkb_compose_state;

namespace cadence::wayland {

// Modifier bits, in the kitty keyboard protocol's order (what the key encoder uses).
namespace modifier {
inline constexpr uint32_t shift = 1;
inline constexpr uint32_t alt = 2;
inline constexpr uint32_t ctrl = 4;
inline constexpr uint32_t super = 8;
inline constexpr uint32_t caps_lock = 64;
inline constexpr uint32_t num_lock = 128;
}  // namespace modifier

struct KeyInput {
  enum class Action : uint8_t { press, repeat, release };
  uint32_t keysym = 0;            // after modifiers and compose
  uint32_t unshifted_keysym = 0;  // the key's level-0 keysym in the current layout
  uint32_t mods = 0;              // modifier:: bits
  std::string text;               // UTF-8 the key produces (composed text included)
  Action action = Action::press;
  uint32_t keycode = 0;  // evdev code + 8
  uint32_t serial = 0;
  uint64_t received_ns = 0;  // CLOCK_MONOTONIC when the event arrived (latency measurement)
};

struct PointerInput {
  enum class Kind : uint8_t { enter, leave, motion, button, axis };
  Kind kind = Kind::motion;
  double x = 0;  // logical pixels in the surface
  double y = 0;
  int button = 0;  // 0 left, 1 middle, 2 right, 3 back, 4 forward
  bool pressed = false;
  double scroll_y = 0;  // axis: positive = down, in "steps" (discrete) or logical px / 10
  double scroll_x = 0;
  uint32_t mods = 0;
  uint32_t serial = 0;
  uint32_t time_ms = 0;
};

class SeatListener {
 public:
  virtual ~SeatListener() = default;
  virtual void on_key(const KeyInput& key) = 0;
  virtual void on_keyboard_focus(bool focused) = 0;
  virtual void on_pointer(const PointerInput& pointer) = 0;
};

class Seats {
 public:
  static Result<std::unique_ptr<Seats>> create(Display& display, EventLoop& loop,
                                               SeatListener& listener);
  ~Seats();
  Seats(const Seats&) = delete;
  Seats& operator=(const Seats&) = delete;

  // The seat input last came from, and that input's serial: what clipboard requests
  // must quote.
  wl_seat* active_seat() const;
  uint32_t last_serial() const { return last_serial_; }
  uint32_t modifiers() const { return mods_; }
  size_t count() const { return seats_.size(); }
  bool repeat_armed() const { return repeat_key_ != 0; }
  // Pointer shape: "text" over the terminal, "default" elsewhere (names from the cursor
  // theme, with fallbacks).
  void set_cursor_shape(const char* name);

  // Applies the compositor-independent parts of a new global (called for hot-plug).
  void on_global(const Global& global, bool added);

 private:
  struct Seat;
  Seats(Display& display, EventLoop& loop, SeatListener& listener);
  Result<void> init();
  void add_seat(const Global& global);

  static void on_capabilities(void* data, wl_seat* seat, uint32_t caps);
  static void on_name(void* data, wl_seat* seat, const char* name);
  static void on_keymap(void* data, wl_keyboard* kb, uint32_t format, int32_t fd, uint32_t size);
  static void on_kb_enter(void* data, wl_keyboard* kb, uint32_t serial, wl_surface* surface,
                          wl_array* keys);
  static void on_kb_leave(void* data, wl_keyboard* kb, uint32_t serial, wl_surface* surface);
  static void on_key(void* data, wl_keyboard* kb, uint32_t serial, uint32_t time, uint32_t key,
                     uint32_t state);
  static void on_modifiers(void* data, wl_keyboard* kb, uint32_t serial, uint32_t depressed,
                           uint32_t latched, uint32_t locked, uint32_t group);
  static void on_repeat_info(void* data, wl_keyboard* kb, int32_t rate, int32_t delay);

  static void on_pointer_enter(void* data, wl_pointer* p, uint32_t serial, wl_surface* surface,
                               int32_t x, int32_t y);
  static void on_pointer_leave(void* data, wl_pointer* p, uint32_t serial, wl_surface* surface);
  static void on_pointer_motion(void* data, wl_pointer* p, uint32_t time, int32_t x, int32_t y);
  static void on_pointer_button(void* data, wl_pointer* p, uint32_t serial, uint32_t time,
                                uint32_t button, uint32_t state);
  static void on_pointer_axis(void* data, wl_pointer* p, uint32_t time, uint32_t axis,
                              int32_t value);
  static void on_pointer_frame(void* data, wl_pointer* p);
  static void on_pointer_axis_source(void* data, wl_pointer* p, uint32_t source);
  static void on_pointer_axis_stop(void* data, wl_pointer* p, uint32_t time, uint32_t axis);
  static void on_pointer_axis_discrete(void* data, wl_pointer* p, uint32_t axis, int32_t discrete);

  KeyInput translate(uint32_t keycode, KeyInput::Action action);
  void arm_repeat(uint32_t keycode);
  void disarm_repeat();
  void on_repeat_timer();
  void apply_cursor(Seat* seat, uint32_t serial);

  Display& display_;
  EventLoop& loop_;
  SeatListener& listener_;
  std::vector<std::unique_ptr<Seat>> seats_;
  Seat* active_ = nullptr;
  uint32_t last_serial_ = 0;

  xkb_context* xkb_ = nullptr;
  xkb_keymap* keymap_ = nullptr;
  xkb_state* state_ = nullptr;
  xkb_compose_table* compose_table_ = nullptr;
  xkb_compose_state* compose_ = nullptr;
  uint32_t mods_ = 0;

  int repeat_fd_ = -1;
  int repeat_rate_ = 25;    // per second; 0 = no repeat
  int repeat_delay_ = 600;  // ms
  uint32_t repeat_key_ = 0;

  wl_shm* shm_ = nullptr;
  wl_cursor_theme* cursor_theme_ = nullptr;
  wl_compositor* cursor_compositor_ = nullptr;
  wl_surface* cursor_surface_ = nullptr;
  std::string cursor_shape_ = "text";
  int cursor_scale_ = 1;

  // Pointer events between two wl_pointer.frame events.
  double axis_y_ = 0;
  double axis_x_ = 0;
  double discrete_y_ = 0;
  double discrete_x_ = 0;
  bool axis_pending_ = false;
};

}  // namespace cadence::wayland
