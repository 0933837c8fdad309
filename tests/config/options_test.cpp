// The options tabs, bindings and the frame log add: each reaches the Config, and each
// kind of mistake names the entry it is in.
#include <gtest/gtest.h>

#include "config/config.hpp"

namespace cadence::config {
namespace {

Result<Config> load(const std::string& body) {
  return load_string(
      "local cadence = require 'cadence'\n"
      "local act = cadence.action\n"
      "local config = cadence.config_builder()\n" +
          body + "\nreturn config\n",
      "test.lua", 3);
}

std::string error_of(const std::string& body) {
  Result<Config> r = load(body);
  EXPECT_FALSE(r) << "expected an error from:\n" << body;
  return r ? "" : r.error().message;
}

#define EXPECT_HAS(haystack, needle) \
  EXPECT_NE(std::string(haystack).find(needle), std::string::npos) << (haystack)

TEST(ConfigOptions, TabBarAndMiscellaneousOptionsArrive) {
  Result<Config> r = load(R"(
    config.font_features = { 'calt=0', 'ss01' }
    config.cursor_style = 'BlinkingBar'
    config.enable_tab_bar = false
    config.tab_bar_at_bottom = true
    config.hide_tab_bar_if_only_one_tab = false
    config.tab_max_width = 24
    config.inactive_pane_dim = 0.3
    config.set_environment_variables = { EDITOR = 'vim', LANG = 'C.UTF-8' }
    config.term = 'wezterm'
    config.status_update_interval = 250
    config.frame_log_capacity = 1024
    config.flood_frame_interval = 0
    config.frame_log_hud = true
    config.unix_domains = { { name = 'unix', socket_path = '/tmp/mux.sock' } }
    config.ssh_domains = { { name = 'box', remote_address = 'box.example:2222', username = 'me' } }
    config.colors = { tab_bar = { background = '#000001',
      active_tab = { bg_color = '#000002', fg_color = '#000003', intensity = 'Bold',
                     underline = 'Single' },
      inactive_tab_hover = { bg_color = '#000004', fg_color = '#000005', italic = true } } }
  )");
  ASSERT_TRUE(r) << r.error().message;
  const Config& c = r.value();
  EXPECT_EQ(c.font_features, (std::vector<std::string>{"calt=0", "ss01"}));
  EXPECT_EQ(c.cursor_style, CursorStyle::blinking_bar);
  EXPECT_FALSE(c.enable_tab_bar);
  EXPECT_TRUE(c.tab_bar_at_bottom);
  EXPECT_FALSE(c.hide_tab_bar_if_only_one_tab);
  EXPECT_EQ(c.tab_max_width, 24);
  EXPECT_DOUBLE_EQ(c.inactive_pane_dim, 0.3);
  EXPECT_EQ(c.set_environment_variables.at("EDITOR"), "vim");
  EXPECT_EQ(c.set_environment_variables.size(), 2u);
  EXPECT_EQ(c.term, "wezterm");
  EXPECT_EQ(c.status_update_interval_ms, 250);
  EXPECT_EQ(c.frame_log_capacity, 1024u);
  EXPECT_EQ(c.flood_frame_interval_ms, 0);
  EXPECT_TRUE(c.frame_log_hud);
  ASSERT_EQ(c.unix_domains.size(), 1u);
  EXPECT_EQ(c.unix_domains[0], (UnixDomain{"unix", "/tmp/mux.sock"}));
  ASSERT_EQ(c.ssh_domains.size(), 1u);
  EXPECT_EQ(c.ssh_domains[0], (SshDomain{"box", "box.example:2222", "me"}));
  EXPECT_EQ(c.colors.tab_bar.background, 0x000001u);
  EXPECT_EQ(c.colors.tab_bar.active_tab, (TabStyle{0x000002, 0x000003, true, false, true}));
  EXPECT_EQ(c.colors.tab_bar.inactive_tab_hover, (TabStyle{0x000004, 0x000005, false, true}));
}

TEST(ConfigOptions, DefaultsOfTheNewOptions) {
  Result<Config> r = load("");
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_TRUE(r->enable_tab_bar);
  EXPECT_EQ(r->status_update_interval_ms, 1000);
  EXPECT_EQ(r->frame_log_capacity, 4096u);
  EXPECT_EQ(r->flood_frame_interval_ms, 50);
  EXPECT_FALSE(r->frame_log_hud);
  EXPECT_FALSE(r->disable_default_key_bindings);
  EXPECT_TRUE(r->keys.empty());
  EXPECT_EQ(r->lua, nullptr) << "a file with no callbacks keeps no Lua state";
}

TEST(ConfigOptions, BadValuesNameWhatIsWrong) {
  EXPECT_HAS(error_of("config.cursor_style = 'Blinky'"), "'SteadyBlock'");
  EXPECT_HAS(error_of("config.inactive_pane_dim = 2"), "between 0 and 1");
  EXPECT_HAS(error_of("config.font_features = { 'calt 0' }"), "'calt 0'");
  EXPECT_HAS(error_of("config.set_environment_variables = { ['A B'] = 'x' }"),
             "not a variable name");
  EXPECT_HAS(error_of("config.set_environment_variables = { A = 1 }"), "must be a string");
  EXPECT_HAS(error_of("config.ssh_domains = { { name = 'x' } }"),
             "ssh_domains[1] needs remote_address");
  EXPECT_HAS(error_of("config.unix_domains = { { name = 'a' }, { name = 'a' } }"),
             "already named 'a'");
  EXPECT_HAS(error_of("config.unix_domains = { { name = 'a', socket = '/x' } }"),
             "did you mean 'socket_path'");
  EXPECT_HAS(error_of("config.colors = { tab_bar = { active_tab = { bg = '#000000' } } }"),
             "did you mean 'bg_color'");
  EXPECT_HAS(error_of("config.status_update_interval = 1"), "between 50");
}

TEST(ConfigOptions, SshDomainsTakeEveryField) {
  Result<Config> r = load(R"(
    config.ssh_domains = {
      { name = 'devbox', remote_address = 'devbox.example:2222', username = 'me',
        multiplexing = 'none', remote_mux_path = '/opt/cadence/bin/cadence-mux',
        identity_file = '~/.ssh/devbox_ed25519', connect_timeout = 5 },
      { name = 'v6', remote_address = '[::1]:22' },
    }
  )");
  ASSERT_TRUE(r) << r.error().message;
  ASSERT_EQ(r->ssh_domains.size(), 2u);
  const SshDomain& d = r->ssh_domains[0];
  EXPECT_EQ(d.multiplexing, SshMultiplexing::none);
  EXPECT_EQ(d.remote_mux_path, "/opt/cadence/bin/cadence-mux");
  EXPECT_EQ(d.identity_file, "~/.ssh/devbox_ed25519");
  EXPECT_EQ(d.connect_timeout_s, 5);
  const SshDomain& v6 = r->ssh_domains[1];
  EXPECT_EQ(v6.multiplexing, SshMultiplexing::cadence) << "the default keeps panes remote";
  EXPECT_EQ(v6.remote_mux_path, "cadence-mux");
  EXPECT_EQ(v6.identity_file, "");
  EXPECT_EQ(v6.connect_timeout_s, 0) << "unset: ~/.ssh/config or the built-in default decides";
}

TEST(ConfigOptions, SshDomainMistakesNameTheEntryAndTheField) {
  EXPECT_HAS(error_of("config.ssh_domains = { { name = 'a', remote_address = 'a:70000' } }"),
             "ssh_domains[1].remote_address 'a:70000': the port must be a number from 1 to 65535");
  EXPECT_HAS(error_of("config.ssh_domains = { { name = 'a', remote_address = 'a:' } }"),
             "the port must be a number");
  EXPECT_HAS(error_of("config.ssh_domains = { { name = 'a', remote_address = 'a:22x' } }"),
             "the port must be a number");
  EXPECT_HAS(error_of("config.ssh_domains = { { name = 'a', remote_address = '[::1' } }"),
             "'[' without ']'");
  EXPECT_HAS(error_of("config.ssh_domains = { { name = 'a', remote_address = 'a b' } }"),
             "contains a space");
  EXPECT_HAS(error_of("config.ssh_domains = { { name = 'a', remote_address = 'a', "
                      "multiplexing = 'tmux' } }"),
             "ssh_domains[1].multiplexing must be 'cadence' or 'none', not 'tmux'");
  EXPECT_HAS(error_of("config.ssh_domains = { { name = 'a', remote_address = 'a', "
                      "connect_timeout = 0 } }"),
             "ssh_domains[1].connect_timeout must be a whole number of seconds from 1 to 3600");
  EXPECT_HAS(error_of("config.ssh_domains = { { name = 'a', remote_address = 'a', "
                      "connect_timeout = 2.5 } }"),
             "connect_timeout must be a whole number");
  EXPECT_HAS(error_of("config.ssh_domains = { { name = 'a', remote_address = 'a', "
                      "remote_mux_path = '' } }"),
             "remote_mux_path must not be empty");
  EXPECT_HAS(error_of("config.ssh_domains = { { name = 'a', remote_address = 'a', "
                      "identityfile = 'x' } }"),
             "ssh_domains[1]: unknown field 'identityfile' (did you mean 'identity_file'");
  EXPECT_HAS(error_of("config.ssh_domains = { { name = 'a', remote_address = 'a', "
                      "username = 7 } }"),
             "ssh_domains[1].username must be a string");
  EXPECT_HAS(error_of("config.ssh_domains = { { remote_address = 'a' } }"),
             "ssh_domains[1] needs name");
  EXPECT_HAS(error_of("config.ssh_domains = { { name = 'a', remote_address = 'a' }, "
                      "{ name = 'a', remote_address = 'b' } }"),
             "ssh_domains[2]: another domain is already named 'a'");
  EXPECT_HAS(error_of("config.ssh_domains = { 'a' }"), "ssh_domains[1] must be a table");
}

TEST(ConfigOptions, RemoteAddressesParseAsHostAndPort) {
  EXPECT_EQ(parse_remote_address("box").value(), (HostPort{"box", 0}));
  EXPECT_EQ(parse_remote_address("box:2222").value(), (HostPort{"box", 2222}));
  EXPECT_EQ(parse_remote_address("10.0.0.1:22").value(), (HostPort{"10.0.0.1", 22}));
  EXPECT_EQ(parse_remote_address("[::1]:2222").value(), (HostPort{"::1", 2222}));
  EXPECT_EQ(parse_remote_address("[fe80::1]").value(), (HostPort{"fe80::1", 0}));
  EXPECT_EQ(parse_remote_address("fe80::1").value(), (HostPort{"fe80::1", 0}))
      << "a bare IPv6 address has no port";
  EXPECT_EQ(parse_remote_address("box:65535").value(), (HostPort{"box", 65535}));
  EXPECT_FALSE(parse_remote_address("box:0"));
  EXPECT_FALSE(parse_remote_address("box:65536"));
  EXPECT_FALSE(parse_remote_address(":22"));
  EXPECT_FALSE(parse_remote_address(""));
  EXPECT_FALSE(parse_remote_address("[]:22"));
  EXPECT_FALSE(parse_remote_address("[::1]x"));
}

TEST(ConfigOptions, ColourSchemesAreBundledAndColorsOverrideThem) {
  const std::vector<std::string> names = color_scheme_names();
  EXPECT_GE(names.size(), 6u);
  for (const std::string& name : names) {
    Result<Config> r = load("config.color_scheme = '" + name + "'");
    ASSERT_TRUE(r) << name << ": " << r.error().message;
    EXPECT_TRUE(r->colors.palette[1].has_value()) << name;
    EXPECT_TRUE(r->colors.palette[15].has_value()) << name;
  }
  Result<Config> dracula =
      load("config.colors = { background = '#000000' }\nconfig.color_scheme = 'Dracula'");
  ASSERT_TRUE(dracula) << dracula.error().message;
  EXPECT_EQ(dracula->colors.background, 0x000000u) << "colors wins over the scheme";
  EXPECT_EQ(dracula->colors.foreground, 0xf8f8f2u) << "the rest is the scheme's";
  EXPECT_EQ(dracula->colors.tab_bar.active_tab.bg, 0x282a36u)
      << "tab bar colours follow the scheme";
  EXPECT_HAS(error_of("config.color_scheme = 'Dracla'"), "did you mean 'Dracula'");
}

TEST(ConfigOptions, KeysTakeEveryActionForm) {
  Result<Config> r = load(R"(
    config.keys = {
      { key = 't', mods = 'CTRL|SHIFT', action = act.SpawnTab },
      { key = 'T', mods = 'SUPER', action = act.SpawnTab 'CurrentPaneDomain' },
      { key = '1', mods = 'ALT', action = act.ActivateTab(0) },
      { key = 'PageUp', mods = 'CTRL', action = act.ActivateTabRelative(-1) },
      { key = 'LeftArrow', mods = 'CTRL|ALT', action = act.AdjustPaneSize { 'Left', 5 } },
      { key = 'h', mods = 'OPT+CMD', action = act.ActivatePaneDirection 'Left' },
      { key = 'c', mods = 'META', action = act.CopyTo 'ClipboardAndPrimarySelection' },
      { key = 'v', mods = 'WIN', action = act.PasteFrom 'PrimarySelection' },
      { key = 'F5', action = act { SendString = 'make\n' } },
      { key = 'Enter', mods = 'NONE', action = 'ReloadConfiguration' },
      { key = 'r', mods = 'CTRL', action = act.ActivateKeyTable { name = 'resize', one_shot = false } },
      { key = 'n', mods = 'CTRL', action = act.RenameTab 'work' },
      { key = 'u', mods = 'CTRL', action = act.ScrollByPage(-1) },
      { key = 'd', mods = 'CTRL|ALT', action = act.SpawnTab { DomainName = 'devbox' } },
    }
    config.key_tables = {
      resize = {
        { key = 'Escape', action = act.PopKeyTable },
        { key = 'l', action = act.AdjustPaneSize { 'Right', 1 } },
      },
    }
    config.disable_default_key_bindings = true
  )");
  ASSERT_TRUE(r) << r.error().message;
  const std::vector<KeyBinding>& k = r->keys;
  ASSERT_EQ(k.size(), 14u);
  EXPECT_EQ(k[13].action.kind, ActionKind::spawn_tab);
  EXPECT_EQ(k[13].action.text, "devbox");
  EXPECT_EQ(k[1].action.text, "") << "CurrentPaneDomain is this window's";
  EXPECT_EQ(k[0].key, "t");
  EXPECT_EQ(k[0].mods, kModCtrl | kModShift);
  EXPECT_EQ(k[0].action.kind, ActionKind::spawn_tab);
  EXPECT_EQ(k[1].key, "t") << "letters are stored in lower case";
  EXPECT_EQ(k[1].mods, kModSuper);
  EXPECT_EQ(k[1].action.kind, ActionKind::spawn_tab);
  EXPECT_EQ(k[2].action.kind, ActionKind::activate_tab);
  EXPECT_EQ(k[2].action.n, 0);
  EXPECT_EQ(k[3].key, "Prior");
  EXPECT_EQ(k[3].action.n, -1);
  EXPECT_EQ(k[4].key, "Left");
  EXPECT_EQ(k[4].action.kind, ActionKind::adjust_pane_size);
  EXPECT_EQ(k[4].action.direction, Direction::left);
  EXPECT_EQ(k[4].action.n, 5);
  EXPECT_EQ(k[5].mods, kModAlt | kModSuper);
  EXPECT_EQ(k[6].action.kind, ActionKind::copy_to_clipboard_and_primary);
  EXPECT_EQ(k[7].action.kind, ActionKind::paste_from_primary);
  EXPECT_EQ(k[8].key, "F5");
  EXPECT_EQ(k[8].action.kind, ActionKind::send_string);
  EXPECT_EQ(k[8].action.text, "make\n");
  EXPECT_EQ(k[9].key, "Return");
  EXPECT_EQ(k[9].mods, 0u);
  EXPECT_EQ(k[9].action.kind, ActionKind::reload_configuration);
  EXPECT_EQ(k[10].action.kind, ActionKind::activate_key_table);
  EXPECT_EQ(k[10].action.text, "resize");
  EXPECT_FALSE(k[10].action.one_shot);
  EXPECT_EQ(k[11].action.text, "work");
  EXPECT_EQ(k[12].action.n, -1);
  ASSERT_EQ(r->key_tables.count("resize"), 1u);
  EXPECT_EQ(r->key_tables.at("resize")[0].action.kind, ActionKind::pop_key_table);
  EXPECT_TRUE(r->disable_default_key_bindings);
}

TEST(ConfigOptions, KeysChangedAfterAssignmentAreCheckedToo) {
  Result<Config> r = load(
      "config.keys = {}\n"
      "table.insert(config.keys, { key = 'x', mods = 'CTRL', action = act.Nop })");
  ASSERT_TRUE(r) << r.error().message;
  ASSERT_EQ(r->keys.size(), 1u);
  EXPECT_EQ(r->keys[0].action.kind, ActionKind::nop);
  EXPECT_HAS(error_of("config.keys = {}\n"
                      "table.insert(config.keys, { key = 'PgUp', action = act.Nop })"),
             "keys[1] (key 'PgUp'): unknown key 'PgUp'");
}

TEST(ConfigOptions, BadBindingsNameTheEntry) {
  const std::string unknown_key = error_of(
      "config.keys = { { key = 'a', action = act.Nop }, { key = 'PageUpp', action = act.Nop } }");
  EXPECT_HAS(unknown_key, "test.lua:4:");
  EXPECT_HAS(unknown_key, "keys[2] (key 'PageUpp')");
  EXPECT_HAS(unknown_key, "did you mean 'PageUp'");
  EXPECT_HAS(error_of("config.keys = { { key = 'a', mods = 'CTRL|HYPER', action = act.Nop } }"),
             "unknown modifier 'HYPER'");
  EXPECT_HAS(error_of("config.keys = { { key = 'a' } }"), "keys[1] (key 'a'): no action");
  EXPECT_HAS(error_of("config.keys = { { key = 'a', action = act.ActivateTab } }"),
             "ActivateTab needs a number");
  EXPECT_HAS(error_of("config.keys = { { key = 'a', action = act.ActivateTab 'x' } }"),
             "needs a whole number");
  EXPECT_HAS(error_of("config.keys = { { key = 'a', action = act.ActivatePaneDirection 'In' } }"),
             "'Left', 'Right', 'Up' or 'Down'");
  EXPECT_HAS(error_of("config.keys = { { key = 'a', action = { 'SpawnTab' } } }"),
             "must come from cadence.action");
  EXPECT_HAS(error_of("config.keys = { { key = 'a', action = act.SpawnTab 'Elsewhere' } }"),
             "'CurrentPaneDomain', 'DefaultDomain' or { DomainName = 'name' }");
  EXPECT_HAS(error_of("config.keys = { { key = 'a', action = act.SpawnTab { DomainName = 3 } } }"),
             "DomainName needs a string");
  EXPECT_HAS(error_of("config.keys = { { key = 'a', action = act.SpawTab } }"),
             "unknown action 'SpawTab' (did you mean 'SpawnTab'?)");
  EXPECT_HAS(error_of("config.keys = { { key = 'a', actoin = act.Nop } }"),
             "did you mean 'action'");
  EXPECT_HAS(error_of("config.keys = { { key = 'ab', action = act.Nop } }"), "unknown key 'ab'");
  EXPECT_HAS(
      error_of("config.keys = { { key = 'a', action = act.ActivateKeyTable { name = 'x' } } }"),
      "'x', which is not in key_tables");
  EXPECT_HAS(error_of("config.key_tables = { t = { { key = 'a', action = act.CopyTo 'Cb' } } }"),
             "key_tables.t[1] (key 'a'): CopyTo needs 'Clipboard'");
}

TEST(ConfigOptions, MouseBindings) {
  Result<Config> r = load(R"(
    config.mouse_bindings = {
      { event = { Up = { streak = 1, button = 'Left' } }, mods = 'CTRL', action = act.Nop },
      { event = { Down = { streak = 2, button = 'Right' } }, action = act.PasteFrom 'Clipboard' },
    }
  )");
  ASSERT_TRUE(r) << r.error().message;
  ASSERT_EQ(r->mouse_bindings.size(), 2u);
  EXPECT_EQ(r->mouse_bindings[0].button, MouseButton::left);
  EXPECT_TRUE(r->mouse_bindings[0].release);
  EXPECT_EQ(r->mouse_bindings[0].mods, kModCtrl);
  EXPECT_EQ(r->mouse_bindings[1].button, MouseButton::right);
  EXPECT_EQ(r->mouse_bindings[1].streak, 2);
  EXPECT_FALSE(r->mouse_bindings[1].release);
  EXPECT_EQ(r->mouse_bindings[1].action.kind, ActionKind::paste_from_clipboard);
  EXPECT_HAS(error_of("config.mouse_bindings = { { event = { Up = { button = 'Side' } }, "
                      "action = act.Nop } }"),
             "mouse_bindings[1]: button must be");
  EXPECT_HAS(error_of("config.mouse_bindings = { { event = { Drag = { button = 'Left' } }, "
                      "action = act.Nop } }"),
             "drags are not bindable");
}

}  // namespace
}  // namespace cadence::config
