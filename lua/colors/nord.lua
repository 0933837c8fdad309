-- Nord: a colour scheme bundled with cadence (config.color_scheme = 'Nord').
return {
  name = 'Nord',
  colors = {
    foreground = '#d8dee9',
    background = '#2e3440',
    cursor_bg = '#d8dee9',
    selection_fg = '#d8dee9',
    selection_bg = '#434c5e',
    ansi = { '#3b4252', '#bf616a', '#a3be8c', '#ebcb8b', '#81a1c1', '#b48ead', '#88c0d0', '#e5e9f0' },
    brights = { '#4c566a', '#bf616a', '#a3be8c', '#ebcb8b', '#81a1c1', '#b48ead', '#8fbcbb', '#eceff4' },
  },
}
