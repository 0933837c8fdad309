-- One Dark: a colour scheme bundled with cadence (config.color_scheme = 'One Dark').
return {
  name = 'One Dark',
  colors = {
    foreground = '#abb2bf',
    background = '#282c34',
    cursor_bg = '#528bff',
    selection_fg = '#282c34',
    selection_bg = '#abb2bf',
    ansi = { '#282c34', '#e06c75', '#98c379', '#e5c07b', '#61afef', '#c678dd', '#56b6c2', '#abb2bf' },
    brights = { '#5c6370', '#e06c75', '#98c379', '#e5c07b', '#61afef', '#c678dd', '#56b6c2', '#ffffff' },
  },
}
