// Bindings: chords as xkbcommon delivers them find the default or configured action, and
// key tables stack, fall through and pop the way WezTerm's do.
#include "ui/bindings.hpp"

#include <gtest/gtest.h>
#include <xkbcommon/xkbcommon-keysyms.h>

namespace cadence::ui {
namespace {

using config::ActionKind;
using config::kModAlt;
using config::kModCtrl;
using config::kModShift;
using config::kModSuper;

constexpr uint32_t kCtrlShift = kModCtrl | kModShift;

config::Config load(const std::string& body) {
  Result<config::Config> r = config::load_string(
      "local act = require('cadence').action\nlocal config = "
      "require('cadence').config_builder()\n" +
          body + "\nreturn config",
      "bindings.lua", 1);
  EXPECT_TRUE(r) << r.error().message;
  return r ? r.value() : config::Config{};
}

ActionKind kind_of(Bindings& b, uint32_t keysym, uint32_t mods) {
  const std::optional<config::Action> a = b.lookup(keysym, mods);
  return a ? a->kind : static_cast<ActionKind>(255);
}

TEST(Bindings, DefaultsCoverTabsPanesClipboardAndFontSize) {
  Bindings b;
  EXPECT_EQ(kind_of(b, XKB_KEY_T, kCtrlShift), ActionKind::spawn_tab) << "arrives upper case";
  EXPECT_EQ(kind_of(b, XKB_KEY_W, kCtrlShift), ActionKind::close_tab);
  EXPECT_EQ(b.lookup(XKB_KEY_Next, kModCtrl)->n, 1);
  EXPECT_EQ(b.lookup(XKB_KEY_Prior, kModCtrl)->n, -1);
  EXPECT_EQ(b.lookup(XKB_KEY_Tab, kModCtrl)->n, 1);
  EXPECT_EQ(b.lookup(XKB_KEY_ISO_Left_Tab, kCtrlShift)->n, -1) << "Shift+Tab is ISO_Left_Tab";
  EXPECT_EQ(kind_of(b, XKB_KEY_Prior, kCtrlShift), ActionKind::move_tab_relative);
  const std::optional<config::Action> third = b.lookup(XKB_KEY_3, kModAlt);
  ASSERT_TRUE(third);
  EXPECT_EQ(third->kind, ActionKind::activate_tab);
  EXPECT_EQ(third->n, 2);
  EXPECT_EQ(kind_of(b, XKB_KEY_percent, kCtrlShift), ActionKind::split_horizontal);
  EXPECT_EQ(kind_of(b, XKB_KEY_E, kCtrlShift), ActionKind::split_horizontal);
  EXPECT_EQ(kind_of(b, XKB_KEY_quotedbl, kCtrlShift), ActionKind::split_vertical);
  EXPECT_EQ(kind_of(b, XKB_KEY_O, kCtrlShift), ActionKind::split_vertical);
  const std::optional<config::Action> up = b.lookup(XKB_KEY_Up, kCtrlShift);
  ASSERT_TRUE(up);
  EXPECT_EQ(up->kind, ActionKind::activate_pane_direction);
  EXPECT_EQ(up->direction, config::Direction::up);
  EXPECT_EQ(kind_of(b, XKB_KEY_Left, kCtrlShift | kModAlt), ActionKind::adjust_pane_size);
  EXPECT_EQ(kind_of(b, XKB_KEY_Z, kCtrlShift), ActionKind::toggle_pane_zoom);
  EXPECT_EQ(kind_of(b, XKB_KEY_C, kCtrlShift), ActionKind::copy_to_clipboard);
  EXPECT_EQ(kind_of(b, XKB_KEY_V, kCtrlShift), ActionKind::paste_from_clipboard);
  EXPECT_EQ(kind_of(b, XKB_KEY_Insert, kModShift), ActionKind::paste_from_primary);
  EXPECT_EQ(kind_of(b, XKB_KEY_equal, kModCtrl), ActionKind::increase_font_size);
  EXPECT_EQ(kind_of(b, XKB_KEY_minus, kModCtrl), ActionKind::decrease_font_size);
  EXPECT_EQ(kind_of(b, XKB_KEY_0, kModCtrl), ActionKind::reset_font_size);
  EXPECT_EQ(kind_of(b, XKB_KEY_R, kCtrlShift), ActionKind::reload_configuration);
  EXPECT_EQ(b.lookup(XKB_KEY_Prior, kModShift)->kind, ActionKind::scroll_by_page);
  EXPECT_EQ(kind_of(b, XKB_KEY_F, kCtrlShift), ActionKind::toggle_frame_log_hud);
}

TEST(Bindings, UnboundKeysGoToTheProgram) {
  Bindings b;
  EXPECT_FALSE(b.lookup(XKB_KEY_t, 0));
  EXPECT_FALSE(b.lookup(XKB_KEY_t, kModCtrl)) << "Ctrl+T without Shift is the program's";
  EXPECT_FALSE(b.lookup(XKB_KEY_Return, 0));
}

TEST(Bindings, CapsAndNumLockBitsAreIgnored) {
  Bindings b;
  EXPECT_EQ(kind_of(b, XKB_KEY_T, kCtrlShift | 0x10 | 0x20), ActionKind::spawn_tab);
}

TEST(Bindings, UserKeysReplaceTheDefaultOnTheSameChord) {
  config::Config c = load(
      "config.keys = { { key = 't', mods = 'CTRL|SHIFT', action = act.SplitVertical },\n"
      "                { key = 'F5', action = act.SendString 'make\\n' } }");
  Bindings b(c);
  EXPECT_EQ(kind_of(b, XKB_KEY_T, kCtrlShift), ActionKind::split_vertical);
  EXPECT_EQ(b.lookup(XKB_KEY_F5, 0)->text, "make\n");
  EXPECT_EQ(kind_of(b, XKB_KEY_W, kCtrlShift), ActionKind::close_tab) << "other defaults stay";
}

TEST(Bindings, DefaultsCanBeDisabled) {
  Bindings b(
      load("config.disable_default_key_bindings = true\n"
           "config.keys = { { key = 'n', mods = 'SUPER', action = act.SpawnTab } }"));
  EXPECT_FALSE(b.lookup(XKB_KEY_T, kCtrlShift));
  EXPECT_EQ(kind_of(b, XKB_KEY_n, kModSuper), ActionKind::spawn_tab);
}

TEST(Bindings, KeyTableFallsThroughAndStaysUntilPopped) {
  Bindings b(load(R"(
    config.keys = { { key = 'r', mods = 'CTRL|SHIFT',
                      action = act.ActivateKeyTable { name = 'resize', one_shot = false } } }
    config.key_tables = { resize = {
      { key = 'LeftArrow', action = act.AdjustPaneSize { 'Left', 5 } },
      { key = 'Escape', action = act.PopKeyTable },
    } }
  )"));
  EXPECT_EQ(kind_of(b, XKB_KEY_R, kCtrlShift), ActionKind::activate_key_table);
  EXPECT_EQ(b.active_key_table(), "resize");
  EXPECT_EQ(b.lookup(XKB_KEY_Left, 0)->n, 5);
  EXPECT_EQ(b.lookup(XKB_KEY_Left, 0)->n, 5) << "not one-shot: still active";
  EXPECT_EQ(kind_of(b, XKB_KEY_T, kCtrlShift), ActionKind::spawn_tab) << "falls through";
  EXPECT_FALSE(b.lookup(XKB_KEY_x, 0)) << "a key in neither goes to the program";
  EXPECT_EQ(b.active_key_table(), "resize");
  EXPECT_EQ(kind_of(b, XKB_KEY_Escape, 0), ActionKind::pop_key_table);
  EXPECT_EQ(b.active_key_table(), "");
  EXPECT_FALSE(b.lookup(XKB_KEY_Left, 0)) << "the table is gone";
}

TEST(Bindings, OneShotTablePopsAfterTheNextKeyMatchedOrNot) {
  Bindings b(load(R"(
    config.keys = { { key = 'a', mods = 'CTRL', action = act.ActivateKeyTable { name = 'once' } } }
    config.key_tables = { once = { { key = 'c', action = act.SpawnTab } } }
  )"));
  b.lookup(XKB_KEY_a, kModCtrl);
  ASSERT_EQ(b.active_key_table(), "once");
  EXPECT_FALSE(b.lookup(XKB_KEY_Shift_L, 0)) << "a modifier alone is not the next key";
  EXPECT_EQ(b.active_key_table(), "once");
  EXPECT_EQ(kind_of(b, XKB_KEY_c, 0), ActionKind::spawn_tab);
  EXPECT_EQ(b.active_key_table(), "");
  EXPECT_FALSE(b.lookup(XKB_KEY_c, 0));

  b.lookup(XKB_KEY_a, kModCtrl);
  EXPECT_FALSE(b.lookup(XKB_KEY_q, 0)) << "an unmatched key also ends a one-shot table";
  EXPECT_EQ(b.active_key_table(), "");
}

TEST(Bindings, TablesStackAndClear) {
  Bindings b(load(R"(
    config.key_tables = { outer = { { key = 'o', action = act.Nop } },
                          inner = { { key = 'i', action = act.Nop } } }
  )"));
  config::Action push;
  push.kind = ActionKind::activate_key_table;
  push.text = "outer";
  EXPECT_TRUE(b.apply(push));
  push.text = "inner";
  push.one_shot = true;
  b.apply(push);
  EXPECT_EQ(b.key_table_depth(), 2u);
  EXPECT_TRUE(b.lookup(XKB_KEY_i, 0)) << "one-shot inner matched and popped";
  EXPECT_EQ(b.active_key_table(), "outer");
  push.text = "inner";
  b.apply(push);
  config::Action clear;
  clear.kind = ActionKind::clear_key_table_stack;
  EXPECT_TRUE(b.apply(clear));
  EXPECT_EQ(b.key_table_depth(), 0u);
  config::Action other;
  other.kind = ActionKind::spawn_tab;
  EXPECT_FALSE(b.apply(other));
}

TEST(Bindings, MouseBindingsMatchButtonStreakModsAndDirection) {
  Bindings b(load(R"(
    config.mouse_bindings = {
      { event = { Up = { streak = 1, button = 'Left' } }, mods = 'CTRL', action = act.CopyTo 'Clipboard' },
      { event = { Down = { streak = 2, button = 'Middle' } }, action = act.PasteFrom 'Clipboard' },
    }
  )"));
  using config::MouseButton;
  EXPECT_EQ(b.lookup_mouse(MouseButton::left, 1, kModCtrl, true)->kind,
            ActionKind::copy_to_clipboard);
  EXPECT_FALSE(b.lookup_mouse(MouseButton::left, 1, kModCtrl, false)) << "press, not release";
  EXPECT_FALSE(b.lookup_mouse(MouseButton::left, 1, 0, true)) << "without Ctrl";
  EXPECT_FALSE(b.lookup_mouse(MouseButton::left, 2, kModCtrl, true)) << "a double click";
  EXPECT_EQ(b.lookup_mouse(MouseButton::middle, 2, 0, false)->kind,
            ActionKind::paste_from_clipboard);
}

TEST(Bindings, EveryConfigKeyNameHasAKeysym) {
  for (const char* name : config::key_names()) {
    EXPECT_NE(Bindings::keysym_of(name), 0u) << name;
  }
  EXPECT_EQ(Bindings::keysym_of("t"), static_cast<uint32_t>(XKB_KEY_t));
  EXPECT_EQ(Bindings::keysym_of("é"), static_cast<uint32_t>(XKB_KEY_eacute));
  EXPECT_EQ(Bindings::keysym_of("ж"), 0x01000000u + 0x436);
}

}  // namespace
}  // namespace cadence::ui
