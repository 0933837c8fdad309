-- Catppuccin Mocha: a colour scheme bundled with cadence (config.color_scheme = 'Catppuccin Mocha').
return {
  name = 'Catppuccin Mocha',
  colors = {
    foreground = '#cdd6f4',
    background = '#1e1e2e',
    cursor_bg = '#f5e0dc',
    selection_fg = '#cdd6f4',
    selection_bg = '#585b70',
    ansi = { '#45475a', '#f38ba8', '#a6e3a1', '#f9e2af', '#89b4fa', '#f5c2e7', '#94e2d5', '#bac2de' },
    brights = { '#585b70', '#f38ba8', '#a6e3a1', '#f9e2af', '#89b4fa', '#f5c2e7', '#94e2d5', '#a6adc8' },
  },
}
