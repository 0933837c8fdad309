// What a key or mouse binding does: a plain value the configuration produces
// (`cadence.action.SpawnTab()`, `cadence.action.SplitHorizontal()`, ...) and the window
// carries out. Actions are data, not Lua: binding lookup and dispatch never call into
// Lua, except for a Callback action, whose function the Lua runtime holds by reference.
#pragma once

#include <cstdint>
#include <string>

namespace cadence::config {

enum class ActionKind : uint8_t {
  nop,                    // bound to nothing: swallows the key
  spawn_tab,              // a new tab running the default program
  close_tab,              // the active tab and its panes
  activate_tab,           // n: index from 0; negative counts from the end (-1 = last)
  activate_tab_relative,  // n: +1 next, -1 previous (wraps)
  move_tab,               // n: new index of the active tab
  move_tab_relative,      // n: +1 right, -1 left
  rename_tab,             // text: the tab's title from now on ("" = back to the program's)
  split_horizontal,       // new pane to the right of the active one
  split_vertical,         // new pane below the active one
  close_pane,
  activate_pane_direction,  // direction
  adjust_pane_size,         // direction, n cells
  toggle_pane_zoom,
  copy_to_clipboard,
  copy_to_primary,
  paste_from_clipboard,
  paste_from_primary,
  increase_font_size,
  decrease_font_size,
  reset_font_size,
  reload_configuration,
  scroll_by_page,  // n pages, negative = up
  scroll_by_line,  // n lines, negative = up
  scroll_to_top,
  scroll_to_bottom,
  send_string,         // text, written to the active pane as is
  activate_key_table,  // text: table name; one_shot: pop after one key
  pop_key_table,
  clear_key_table_stack,
  toggle_frame_log_hud,
  callback,  // a Lua function registered with cadence.action_callback (callback_ref)
  copy_to_clipboard_and_primary,  // CopyTo 'ClipboardAndPrimarySelection'
  scroll_to_prompt,               // n: -1 the previous prompt (OSC 133), +1 the next
  select_last_output,             // the last command's output, copied to the primary selection
};

enum class Direction : uint8_t { left, right, up, down };

struct Action {
  ActionKind kind = ActionKind::nop;
  int64_t n = 0;
  std::string text;
  Direction direction = Direction::left;
  bool one_shot = false;
  int callback_ref = 0;  // the Lua runtime's registry reference for a callback action

  friend bool operator==(const Action&, const Action&) = default;
};

}  // namespace cadence::config
