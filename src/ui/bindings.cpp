// Bindings (see bindings.hpp).
#include "ui/bindings.hpp"

#include <xkbcommon/xkbcommon-keysyms.h>

#include "vt/utf8.hpp"

namespace cadence::ui {
namespace {

using config::Action;
using config::ActionKind;
using config::Direction;
using config::kModAlt;
using config::kModCtrl;
using config::kModShift;
using config::kModSuper;

constexpr uint32_t kModMask = kModShift | kModAlt | kModCtrl | kModSuper;

struct Named {
  const char* name;
  uint32_t keysym;
};

// Every name in config::key_names(); bindings_test checks that none is missing.
constexpr Named kNamedKeys[] = {
    {"Return", XKB_KEY_Return}, {"Tab", XKB_KEY_Tab},
    {"Escape", XKB_KEY_Escape}, {"BackSpace", XKB_KEY_BackSpace},
    {"Delete", XKB_KEY_Delete}, {"Insert", XKB_KEY_Insert},
    {"Home", XKB_KEY_Home},     {"End", XKB_KEY_End},
    {"Prior", XKB_KEY_Prior},   {"Next", XKB_KEY_Next},
    {"Left", XKB_KEY_Left},     {"Right", XKB_KEY_Right},
    {"Up", XKB_KEY_Up},         {"Down", XKB_KEY_Down},
    {"space", XKB_KEY_space},   {"F1", XKB_KEY_F1},
    {"F2", XKB_KEY_F2},         {"F3", XKB_KEY_F3},
    {"F4", XKB_KEY_F4},         {"F5", XKB_KEY_F5},
    {"F6", XKB_KEY_F6},         {"F7", XKB_KEY_F7},
    {"F8", XKB_KEY_F8},         {"F9", XKB_KEY_F9},
    {"F10", XKB_KEY_F10},       {"F11", XKB_KEY_F11},
    {"F12", XKB_KEY_F12},       {"F13", XKB_KEY_F13},
    {"F14", XKB_KEY_F14},       {"F15", XKB_KEY_F15},
    {"F16", XKB_KEY_F16},       {"F17", XKB_KEY_F17},
    {"F18", XKB_KEY_F18},       {"F19", XKB_KEY_F19},
    {"F20", XKB_KEY_F20},       {"F21", XKB_KEY_F21},
    {"F22", XKB_KEY_F22},       {"F23", XKB_KEY_F23},
    {"F24", XKB_KEY_F24},
};

bool is_modifier(uint32_t keysym) {
  return (keysym >= XKB_KEY_Shift_L && keysym <= XKB_KEY_Hyper_R) ||
         (keysym >= XKB_KEY_ISO_Lock && keysym <= XKB_KEY_ISO_Level5_Lock) ||
         keysym == XKB_KEY_Mode_switch || keysym == XKB_KEY_Num_Lock;
}

// Folds what arrives from xkbcommon onto what bindings are stored under.
uint32_t fold(uint32_t keysym) {
  if (keysym >= 'A' && keysym <= 'Z') return keysym + ('a' - 'A');
  if (keysym >= 0xc0 && keysym <= 0xde && keysym != 0xd7) return keysym + 0x20;  // Latin-1
  if (keysym == XKB_KEY_ISO_Left_Tab) return XKB_KEY_Tab;
  return keysym;
}

Action act(ActionKind kind, int64_t n = 0) {
  Action a;
  a.kind = kind;
  a.n = n;
  return a;
}

Action pane(ActionKind kind, Direction d, int64_t n = 0) {
  Action a = act(kind, n);
  a.direction = d;
  return a;
}

}  // namespace

uint32_t Bindings::keysym_of(std::string_view key) {
  for (const Named& k : kNamedKeys) {
    if (key == k.name) return k.keysym;
  }
  const std::u32string cps = vt::decode_utf8(key);
  if (cps.size() != 1) return 0;
  // Latin-1 keysyms are the code points; the rest of Unicode is 0x01000000 + cp.
  return fold(cps[0] < 0x100 ? cps[0] : 0x01000000u | cps[0]);
}

Bindings::Bindings() { add_defaults(); }

Bindings::Bindings(const config::Config& config) {
  if (!config.disable_default_key_bindings) add_defaults();
  add(keys_, config.keys);
  for (const auto& [name, keys] : config.key_tables) add(tables_[name], keys);
  mouse_ = config.mouse_bindings;
}

void Bindings::add(Table& table, const std::vector<config::KeyBinding>& keys) {
  for (const config::KeyBinding& b : keys) {
    if (const uint32_t sym = keysym_of(b.key)) table[chord(sym, b.mods & kModMask)] = b.action;
  }
}

void Bindings::add_defaults() {
  const uint32_t cs = kModCtrl | kModShift;
  auto bind = [&](uint32_t sym, uint32_t mods, Action a) { keys_[chord(sym, mods)] = a; };
  bind(XKB_KEY_t, cs, act(ActionKind::spawn_tab));
  bind(XKB_KEY_w, cs, act(ActionKind::close_tab));
  bind(XKB_KEY_Prior, kModCtrl, act(ActionKind::activate_tab_relative, -1));
  bind(XKB_KEY_Next, kModCtrl, act(ActionKind::activate_tab_relative, 1));
  bind(XKB_KEY_Tab, cs, act(ActionKind::activate_tab_relative, -1));
  bind(XKB_KEY_Tab, kModCtrl, act(ActionKind::activate_tab_relative, 1));
  bind(XKB_KEY_Prior, cs, act(ActionKind::move_tab_relative, -1));
  bind(XKB_KEY_Next, cs, act(ActionKind::move_tab_relative, 1));
  for (uint32_t n = 1; n <= 9; ++n) {
    bind(XKB_KEY_0 + n, kModAlt, act(ActionKind::activate_tab, n - 1));
  }
  bind(XKB_KEY_percent, cs, act(ActionKind::split_horizontal));
  bind(XKB_KEY_e, cs, act(ActionKind::split_horizontal));
  bind(XKB_KEY_quotedbl, cs, act(ActionKind::split_vertical));
  bind(XKB_KEY_o, cs, act(ActionKind::split_vertical));
  const std::pair<uint32_t, Direction> arrows[] = {{XKB_KEY_Left, Direction::left},
                                                   {XKB_KEY_Right, Direction::right},
                                                   {XKB_KEY_Up, Direction::up},
                                                   {XKB_KEY_Down, Direction::down}};
  for (const auto& [sym, dir] : arrows) {
    bind(sym, cs, pane(ActionKind::activate_pane_direction, dir));
    bind(sym, cs | kModAlt, pane(ActionKind::adjust_pane_size, dir, 1));
  }
  bind(XKB_KEY_z, cs, act(ActionKind::toggle_pane_zoom));
  bind(XKB_KEY_c, cs, act(ActionKind::copy_to_clipboard));
  bind(XKB_KEY_v, cs, act(ActionKind::paste_from_clipboard));
  bind(XKB_KEY_Insert, kModShift, act(ActionKind::paste_from_primary));
  bind(XKB_KEY_equal, kModCtrl, act(ActionKind::increase_font_size));
  bind(XKB_KEY_plus, cs, act(ActionKind::increase_font_size));
  bind(XKB_KEY_minus, kModCtrl, act(ActionKind::decrease_font_size));
  bind(XKB_KEY_0, kModCtrl, act(ActionKind::reset_font_size));
  bind(XKB_KEY_KP_Add, kModCtrl, act(ActionKind::increase_font_size));
  bind(XKB_KEY_KP_Subtract, kModCtrl, act(ActionKind::decrease_font_size));
  bind(XKB_KEY_KP_0, kModCtrl, act(ActionKind::reset_font_size));
  bind(XKB_KEY_r, cs, act(ActionKind::reload_configuration));
  bind(XKB_KEY_Prior, kModShift, act(ActionKind::scroll_by_page, -1));
  bind(XKB_KEY_Next, kModShift, act(ActionKind::scroll_by_page, 1));
  bind(XKB_KEY_f, cs, act(ActionKind::toggle_frame_log_hud));
  // Prompt marks from the shell integration. Ctrl+Shift+Up/Down move between panes, so
  // the vi keys stand for up and down here.
  bind(XKB_KEY_k, cs, act(ActionKind::scroll_to_prompt, -1));
  bind(XKB_KEY_j, cs, act(ActionKind::scroll_to_prompt, 1));
  bind(XKB_KEY_g, cs, act(ActionKind::select_last_output));
}

std::optional<Action> Bindings::lookup(uint32_t keysym, uint32_t mods) {
  if (is_modifier(keysym)) return std::nullopt;
  const uint64_t key = chord(fold(keysym), mods & kModMask);
  std::optional<Action> found;
  for (auto it = stack_.rbegin(); it != stack_.rend() && !found; ++it) {
    if (auto f = it->table->find(key); f != it->table->end()) found = f->second;
  }
  if (!stack_.empty() && stack_.back().one_shot) stack_.pop_back();
  if (!found) {
    if (auto f = keys_.find(key); f != keys_.end()) found = f->second;
  }
  if (found) apply(*found);
  return found;
}

std::optional<Action> Bindings::lookup_mouse(config::MouseButton button, int streak, uint32_t mods,
                                             bool release) const {
  // The last matching entry wins, as with keys, where a later entry replaces an earlier.
  for (auto it = mouse_.rbegin(); it != mouse_.rend(); ++it) {
    if (it->button == button && it->streak == streak && it->release == release &&
        it->mods == (mods & kModMask)) {
      return it->action;
    }
  }
  return std::nullopt;
}

bool Bindings::apply(const Action& action) {
  switch (action.kind) {
    case ActionKind::activate_key_table:
      if (auto t = tables_.find(action.text); t != tables_.end()) {
        stack_.push_back({&t->second, action.text, action.one_shot});
      }
      return true;
    case ActionKind::pop_key_table:
      if (!stack_.empty()) stack_.pop_back();
      return true;
    case ActionKind::clear_key_table_stack: stack_.clear(); return true;
    default: return false;
  }
}

std::string_view Bindings::active_key_table() const {
  return stack_.empty() ? std::string_view() : std::string_view(stack_.back().name);
}

}  // namespace cadence::ui
