// Key and mouse bindings: which Action a chord carries out, with the key-table stack.
//
// Built from a Config: the default bindings (unless disable_default_key_bindings), then
// the user's `keys`, which replace a default on the same chord. Lookups are hash-map
// finds on (keysym, modifiers), so a key press never touches Lua; only a Callback action
// does, when the window performs it.
//
// Chords are matched the way they arrive from xkbcommon: the keysym after modifiers, so
// Ctrl+Shift+T arrives as 'T' and Ctrl+Shift+5 as 'percent'. ASCII and Latin-1 letters
// match case-insensitively, ISO_Left_Tab (Shift+Tab on most layouts) matches Tab, and
// Caps Lock and Num Lock never take part. Modifier keys alone never match and never pop
// a one-shot table, so pressing Shift on the way to a chord does not end the table.
//
// Key tables follow WezTerm: ActivateKeyTable pushes a table; a key is looked up from the
// top of the stack down, then in the main bindings (a key the table does not have falls
// through to them); a one-shot table is popped by the next key, whether or not it
// matched.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "config/config.hpp"

namespace cadence::ui {

class Bindings {
 public:
  // The default bindings only.
  Bindings();
  explicit Bindings(const config::Config& config);

  // The action for a key press, or nullopt (the key goes to the program). mods: the
  // config::kMod* bits. Key-table actions found here are also applied here (the stack
  // changes before this returns); the window may ignore them.
  std::optional<config::Action> lookup(uint32_t keysym, uint32_t mods);

  // The action for a mouse button press (release = false) or release, or nullopt.
  std::optional<config::Action> lookup_mouse(config::MouseButton button, int streak, uint32_t mods,
                                             bool release) const;

  // ActivateKeyTable / PopKeyTable / ClearKeyTableStack, from a binding or a Lua
  // callback's perform_action: applies it and returns true; any other action, false. An
  // unknown table name is ignored (the config loader refuses bindings that name one).
  bool apply(const config::Action& action);

  // The name of the table on top of the stack, or "" when none is active.
  std::string_view active_key_table() const;
  size_t key_table_depth() const { return stack_.size(); }

  // The keysym a config key ("t", "Prior", "F5") stands for; 0 for none.
  static uint32_t keysym_of(std::string_view key);

 private:
  using Table = std::unordered_map<uint64_t, config::Action>;
  struct Active {
    const Table* table;
    std::string name;
    bool one_shot;
  };

  static uint64_t chord(uint32_t keysym, uint32_t mods) {
    return static_cast<uint64_t>(keysym) << 8 | (mods & 0xff);
  }
  static void add(Table& table, const std::vector<config::KeyBinding>& keys);
  void add_defaults();

  Table keys_;
  std::unordered_map<std::string, Table> tables_;
  std::vector<Active> stack_;
  std::vector<config::MouseBinding> mouse_;
};

}  // namespace cadence::ui
