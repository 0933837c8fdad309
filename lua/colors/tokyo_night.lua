-- Tokyo Night: a colour scheme bundled with cadence (config.color_scheme = 'Tokyo Night').
return {
  name = 'Tokyo Night',
  colors = {
    foreground = '#c0caf5',
    background = '#1a1b26',
    cursor_bg = '#c0caf5',
    selection_fg = '#c0caf5',
    selection_bg = '#33467c',
    ansi = { '#15161e', '#f7768e', '#9ece6a', '#e0af68', '#7aa2f7', '#bb9af7', '#7dcfff', '#a9b1d6' },
    brights = { '#414868', '#f7768e', '#9ece6a', '#e0af68', '#7aa2f7', '#bb9af7', '#7dcfff', '#c0caf5' },
  },
}
