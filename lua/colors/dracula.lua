-- Dracula: a colour scheme bundled with cadence (config.color_scheme = 'Dracula').
return {
  name = 'Dracula',
  colors = {
    foreground = '#f8f8f2',
    background = '#282a36',
    cursor_bg = '#f8f8f2',
    selection_fg = '#f8f8f2',
    selection_bg = '#44475a',
    ansi = { '#21222c', '#ff5555', '#50fa7b', '#f1fa8c', '#bd93f9', '#ff79c6', '#8be9fd', '#f8f8f2' },
    brights = { '#6272a4', '#ff6e6e', '#69ff94', '#ffffa5', '#d6acff', '#ff92df', '#a4ffff', '#ffffff' },
  },
}
