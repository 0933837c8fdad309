// TERM and the terminfo search (see term_choice.hpp).
#include "app/term_choice.hpp"

#include <unistd.h>

#include <cstdio>
#include <string_view>

namespace cadence::app {
namespace {

constexpr const char* kName = "cadence";
constexpr const char* kFallback = "xterm-256color";
// ncurses' compiled-in search list on Debian, after $TERMINFO, ~/.terminfo and
// $TERMINFO_DIRS.
constexpr const char* kSystemDirs[] = {"/etc/terminfo", "/lib/terminfo", "/usr/share/terminfo"};

std::vector<std::string> split_dirs(const std::string& list) {
  std::vector<std::string> out;
  size_t start = 0;
  while (start <= list.size()) {
    const size_t colon = list.find(':', start);
    const size_t end = colon == std::string::npos ? list.size() : colon;
    out.push_back(list.substr(start, end - start));
    if (colon == std::string::npos) break;
    start = colon + 1;
  }
  return out;
}

}  // namespace

bool has_terminfo_entry(const std::string& dir, const std::string& name) {
  if (dir.empty() || name.empty()) return false;
  char hashed[8];
  std::snprintf(hashed, sizeof hashed, "%02x", static_cast<unsigned char>(name[0]));
  for (const std::string& sub : {std::string(1, name[0]), std::string(hashed)}) {
    if (access((dir + "/" + sub + "/" + name).c_str(), R_OK) == 0) return true;
  }
  return false;
}

TermChoice choose_term(const std::function<std::optional<std::string>(const char*)>& getenv,
                       const std::string& prefix_dir) {
  std::vector<std::string> searched;
  if (auto t = getenv("TERMINFO"); t && !t->empty()) searched.push_back(*t);
  if (auto home = getenv("HOME"); home && !home->empty()) searched.push_back(*home + "/.terminfo");
  const std::optional<std::string> dirs_env = getenv("TERMINFO_DIRS");
  bool defaults_in_list = !dirs_env || dirs_env->empty();
  if (dirs_env && !dirs_env->empty()) {
    for (const std::string& d : split_dirs(*dirs_env)) {
      if (d.empty()) {
        defaults_in_list = true;  // an empty entry stands for the compiled-in list
      } else {
        searched.push_back(d);
      }
    }
  }
  if (defaults_in_list) {
    for (const char* d : kSystemDirs) searched.emplace_back(d);
  }
  for (const std::string& d : searched) {
    if (has_terminfo_entry(d, kName)) return {kName, d, {}};
  }
  if (has_terminfo_entry(prefix_dir, kName)) {
    // Programs would not look there: add it, keeping whatever they searched before.
    const std::string list =
        dirs_env && !dirs_env->empty() ? *dirs_env + ":" + prefix_dir : prefix_dir + ":";
    return {kName, prefix_dir, {"TERMINFO_DIRS=" + list}};
  }
  return {kFallback, "", {}};
}

}  // namespace cadence::app
