// Which TERM cadence gives its programs, and the environment that makes it work.
//
// TERM=cadence only helps when the programs can find the entry: a TERM whose entry is
// missing breaks curses programs outright, so cadence looks where ncurses looks first
// ($TERMINFO, ~/.terminfo, $TERMINFO_DIRS, /etc/terminfo, /lib/terminfo,
// /usr/share/terminfo) and then in its own install prefix. Found only in the prefix (an
// install under /usr/local or $HOME that ncurses does not search), the prefix directory
// is added to TERMINFO_DIRS for the programs, keeping ncurses' defaults (an empty entry).
// Not found anywhere: xterm-256color, which every system has.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace cadence::app {

struct TermChoice {
  std::string term;              // "cadence" or "xterm-256color"
  std::string terminfo_dir;      // where the entry was found; empty for the fallback
  std::vector<std::string> env;  // NAME=value the programs need besides TERM
};

// `getenv` reads the environment (injected for tests); `prefix_dir` is the install
// prefix's share/terminfo.
TermChoice choose_term(const std::function<std::optional<std::string>(const char*)>& getenv,
                       const std::string& prefix_dir);

// Whether DIR holds a compiled entry NAME (DIR/c/cadence, or the hashed DIR/63/cadence).
bool has_terminfo_entry(const std::string& dir, const std::string& name);

}  // namespace cadence::app
