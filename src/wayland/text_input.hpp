// Input methods through zwp_text_input_v3: pre-edit text shown at the cursor, committed
// text sent to the program.
//
// The compositor relays between cadence and the input method (fcitx, ibus...). cadence
// enables text input while it has keyboard focus, tells the input method where the
// cursor is (so its candidate window appears there) and that this is a terminal, and
// applies what the input method sends at each `done`: the committed string goes to the
// program like typed text, the pre-edit string is drawn at the cursor until it is
// replaced or committed. Surrounding text is not offered: a terminal cannot know what
// the program considers the text being edited.
#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include "wayland/display.hpp"

struct wl_seat;
struct wl_surface;
struct zwp_text_input_manager_v3;
struct zwp_text_input_v3;

namespace cadence::wayland {

class TextInputListener {
 public:
  virtual ~TextInputListener() = default;
  // The pre-edit text (empty: none) and its cursor as byte offsets (-1, -1: hidden).
  virtual void on_preedit(const std::string& text, int cursor_begin, int cursor_end) = 0;
  virtual void on_commit(const std::string& text) = 0;
};

class TextInput {
 public:
  // nullptr when the compositor offers no text-input-v3 (input methods then never
  // reach cadence; plain keyboard input is unaffected).
  static std::unique_ptr<TextInput> create(Display& display, wl_seat* seat, wl_surface* surface,
                                           TextInputListener& listener);
  ~TextInput();
  TextInput(const TextInput&) = delete;
  TextInput& operator=(const TextInput&) = delete;

  bool enabled() const { return enabled_; }
  // Where the cursor is, in surface-local logical pixels; sent when it changes.
  void set_cursor_rectangle(int x, int y, int width, int height);

 private:
  TextInput(TextInputListener& listener) : listener_(listener) {}
  static void on_enter(void* data, zwp_text_input_v3* ti, wl_surface* surface);
  static void on_leave(void* data, zwp_text_input_v3* ti, wl_surface* surface);
  static void on_preedit_string(void* data, zwp_text_input_v3* ti, const char* text,
                                int32_t cursor_begin, int32_t cursor_end);
  static void on_commit_string(void* data, zwp_text_input_v3* ti, const char* text);
  static void on_delete_surrounding_text(void* data, zwp_text_input_v3* ti, uint32_t before,
                                         uint32_t after);
  static void on_done(void* data, zwp_text_input_v3* ti, uint32_t serial);
  void send_state();

  TextInputListener& listener_;
  zwp_text_input_manager_v3* manager_ = nullptr;
  zwp_text_input_v3* text_input_ = nullptr;
  wl_surface* surface_ = nullptr;
  bool enabled_ = false;
  int cursor_[4] = {-1, -1, -1, -1};
  // What the last `done` is to apply.
  std::string pending_preedit_;
  int pending_begin_ = -1;
  int pending_end_ = -1;
  std::string pending_commit_;
};

}  // namespace cadence::wayland
