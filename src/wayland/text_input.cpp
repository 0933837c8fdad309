// TextInput (see text_input.hpp).
#include "wayland/text_input.hpp"

#include <wayland-client.h>

#include "base/log.hpp"
#include "text-input-unstable-v3-client-protocol.h"

namespace cadence::wayland {
namespace {

const log::Tag kLog{"input"};

}  // namespace

std::unique_ptr<TextInput> TextInput::create(Display& display, wl_seat* seat, wl_surface* surface,
                                             TextInputListener& listener) {
  if (!seat) return nullptr;
  auto manager = display.bind<zwp_text_input_manager_v3>(zwp_text_input_manager_v3_interface, 1, 1);
  if (!manager) {
    LOG_DEBUG(kLog, "no input methods: ", manager.error().message);
    return nullptr;
  }
  std::unique_ptr<TextInput> self(new TextInput(listener));
  self->manager_ = manager.value().proxy;
  self->surface_ = surface;
  self->text_input_ = zwp_text_input_manager_v3_get_text_input(self->manager_, seat);
  static const zwp_text_input_v3_listener ti_listener = {
      .enter = &TextInput::on_enter,
      .leave = &TextInput::on_leave,
      .preedit_string = &TextInput::on_preedit_string,
      .commit_string = &TextInput::on_commit_string,
      .delete_surrounding_text = &TextInput::on_delete_surrounding_text,
      .done = &TextInput::on_done,
  };
  zwp_text_input_v3_add_listener(self->text_input_, &ti_listener, self.get());
  return self;
}

TextInput::~TextInput() {
  if (text_input_) zwp_text_input_v3_destroy(text_input_);
  if (manager_) zwp_text_input_manager_v3_destroy(manager_);
}

void TextInput::send_state() {
  zwp_text_input_v3_set_content_type(text_input_, ZWP_TEXT_INPUT_V3_CONTENT_HINT_NONE,
                                     ZWP_TEXT_INPUT_V3_CONTENT_PURPOSE_TERMINAL);
  if (cursor_[2] > 0) {
    zwp_text_input_v3_set_cursor_rectangle(text_input_, cursor_[0], cursor_[1], cursor_[2],
                                           cursor_[3]);
  }
  zwp_text_input_v3_commit(text_input_);
}

void TextInput::set_cursor_rectangle(int x, int y, int width, int height) {
  if (cursor_[0] == x && cursor_[1] == y && cursor_[2] == width && cursor_[3] == height) return;
  cursor_[0] = x;
  cursor_[1] = y;
  cursor_[2] = width;
  cursor_[3] = height;
  if (!enabled_) return;
  zwp_text_input_v3_set_cursor_rectangle(text_input_, x, y, width, height);
  zwp_text_input_v3_commit(text_input_);
}

void TextInput::on_enter(void* data, zwp_text_input_v3* ti, wl_surface* surface) {
  auto* self = static_cast<TextInput*>(data);
  if (surface != self->surface_) return;
  self->enabled_ = true;
  zwp_text_input_v3_enable(ti);
  self->send_state();
}

void TextInput::on_leave(void* data, zwp_text_input_v3* ti, wl_surface*) {
  auto* self = static_cast<TextInput*>(data);
  self->enabled_ = false;
  zwp_text_input_v3_disable(ti);
  zwp_text_input_v3_commit(ti);
  // A pre-edit left on screen after focus went away would be a lie.
  self->listener_.on_preedit("", -1, -1);
}

void TextInput::on_preedit_string(void* data, zwp_text_input_v3*, const char* text,
                                  int32_t cursor_begin, int32_t cursor_end) {
  auto* self = static_cast<TextInput*>(data);
  self->pending_preedit_ = text ? text : "";
  self->pending_begin_ = cursor_begin;
  self->pending_end_ = cursor_end;
}

void TextInput::on_commit_string(void* data, zwp_text_input_v3*, const char* text) {
  static_cast<TextInput*>(data)->pending_commit_ = text ? text : "";
}

void TextInput::on_delete_surrounding_text(void*, zwp_text_input_v3*, uint32_t, uint32_t) {
  // No surrounding text is offered, so there is nothing the input method may delete.
}

void TextInput::on_done(void* data, zwp_text_input_v3*, uint32_t) {
  auto* self = static_cast<TextInput*>(data);
  // The protocol's order: replace the pre-edit, then commit, then show the new pre-edit.
  if (!self->pending_commit_.empty()) {
    self->listener_.on_preedit("", -1, -1);
    self->listener_.on_commit(self->pending_commit_);
  }
  self->listener_.on_preedit(self->pending_preedit_, self->pending_begin_, self->pending_end_);
  self->pending_commit_.clear();
  self->pending_preedit_.clear();
  self->pending_begin_ = self->pending_end_ = -1;
}

}  // namespace cadence::wayland
