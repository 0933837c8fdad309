-- An example cadence configuration: copy it to ~/.config/cadence/cadence.lua and keep
-- what you want. Every option is described in cadence.lua(5).
local cadence = require 'cadence'
local act = cadence.action
local config = cadence.config_builder()

config.font = 'DejaVu Sans Mono'
config.font_size = 12
config.font_features = { 'calt=0' }
config.color_scheme = 'Tokyo Night'
-- colors wins over the scheme, one entry at a time.
config.colors = {
  tab_bar = {
    background = '#16161e',
    active_tab = { bg_color = '#7aa2f7', fg_color = '#16161e', intensity = 'Bold' },
    inactive_tab = { bg_color = '#1a1b26', fg_color = '#545c7e' },
    inactive_tab_hover = { bg_color = '#292e42', fg_color = '#7aa2f7', italic = true },
  },
}
config.cursor_style = 'BlinkingBar'
config.scrollback_lines = 20000

config.enable_tab_bar = true
config.tab_bar_at_bottom = false
config.hide_tab_bar_if_only_one_tab = true
config.tab_max_width = 24
config.inactive_pane_dim = 0.2

config.term = 'xterm-256color'
config.set_environment_variables = { EDITOR = 'vim' }
config.status_update_interval = 1000
config.flood_frame_interval = 50  -- ms between paints while output floods; 0: every frame
config.frame_log_capacity = 4096
config.frame_log_hud = false

config.unix_domains = { { name = 'unix' } }
-- `cadence connect ssh:server` (Hosts of ~/.ssh/config are domains too).
config.ssh_domains = {
  { name = 'server', remote_address = 'server.example.org', username = 'me' },
  { name = 'router', remote_address = '192.168.1.1:2222', multiplexing = 'none' },
}

-- Bindings: these are added to the defaults (Ctrl+Shift+T new tab, and so on) and
-- replace a default on the same chord.
config.keys = {
  { key = 't', mods = 'SUPER', action = act.SpawnTab 'CurrentPaneDomain' },
  { key = 's', mods = 'SUPER|SHIFT', action = act.SpawnTab { DomainName = 'server' } },
  { key = 'w', mods = 'SUPER', action = act.CloseCurrentTab { confirm = false } },
  { key = '[', mods = 'SUPER', action = act.ActivateTabRelative(-1) },
  { key = ']', mods = 'SUPER', action = act.ActivateTabRelative(1) },
  { key = '1', mods = 'SUPER', action = act.ActivateTab(0) },
  { key = '9', mods = 'SUPER', action = act.ActivateTab(-1) },
  { key = 'PageUp', mods = 'SUPER|SHIFT', action = act.MoveTabRelative(-1) },
  { key = 'PageDown', mods = 'SUPER|SHIFT', action = act.MoveTabRelative(1) },
  { key = 'n', mods = 'SUPER|SHIFT', action = act.RenameTab 'notes' },
  { key = '|', mods = 'SUPER|SHIFT', action = act.SplitHorizontal { domain = 'CurrentPaneDomain' } },
  { key = '-', mods = 'SUPER', action = act.SplitVertical },
  { key = 'x', mods = 'SUPER', action = act.CloseCurrentPane { confirm = false } },
  { key = 'LeftArrow', mods = 'SUPER', action = act.ActivatePaneDirection 'Left' },
  { key = 'RightArrow', mods = 'SUPER', action = act.ActivatePaneDirection 'Right' },
  { key = 'z', mods = 'SUPER', action = act.TogglePaneZoomState },
  { key = 'c', mods = 'SUPER', action = act.CopyTo 'ClipboardAndPrimarySelection' },
  { key = 'v', mods = 'SUPER', action = act.PasteFrom 'Clipboard' },
  { key = 'Home', mods = 'SHIFT', action = act.ScrollToTop },
  { key = 'End', mods = 'SHIFT', action = act.ScrollToBottom },
  { key = 'UpArrow', mods = 'SHIFT', action = act.ScrollByLine(-1) },
  { key = 'F5', action = act.SendString 'make\n' },
  { key = 'F12', action = act.ToggleFrameLogHud },
  -- A key table: Super+R enters resize mode until Escape.
  { key = 'r', mods = 'SUPER', action = act.ActivateKeyTable { name = 'resize', one_shot = false } },
  -- A Lua callback, run when the key is pressed.
  { key = 'e', mods = 'SUPER', action = cadence.action_callback(function(window, pane)
      window:set_right_status('pane ' .. pane:pane_id() .. ': ' .. pane:get_title())
    end) },
}
config.key_tables = {
  resize = {
    { key = 'LeftArrow', action = act.AdjustPaneSize { 'Left', 2 } },
    { key = 'RightArrow', action = act.AdjustPaneSize { 'Right', 2 } },
    { key = 'UpArrow', action = act.AdjustPaneSize { 'Up', 1 } },
    { key = 'DownArrow', action = act.AdjustPaneSize { 'Down', 1 } },
    { key = 'Escape', action = act.PopKeyTable },
  },
}
config.mouse_bindings = {
  { event = { Up = { streak = 1, button = 'Left' } }, mods = 'CTRL', action = act.CopyTo 'Clipboard' },
}

-- The tab title: called once per changed tab, never per frame.
cadence.on('format-tab-title', function(tab, tabs, panes, config, hover, max_width)
  local title = tab.tab_title
  if title == '' then title = tab.active_pane.title end
  local text = ' ' .. (tab.tab_index + 1) .. ' ' .. title .. ' '
  if tab.is_active then
    return { { Attribute = { Intensity = 'Bold' } }, { Text = text } }
  end
  return text
end)

-- The status at the right of the tab bar, every status_update_interval milliseconds.
cadence.on('update-status', function(window, pane)
  window:set_right_status(os.date('%H:%M') .. ' ')
end)

cadence.on('bell', function(window, pane)
  cadence.log_info('bell in pane ' .. pane:pane_id())
end)

return config
