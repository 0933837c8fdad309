// Parsing ~/.ssh/config (ssh_config.hpp): lines into Host blocks, checked once, looked
// up per host.
#include "ssh/ssh_config.hpp"

#include <algorithm>
#include <cctype>

namespace cadence::ssh {
namespace {

char lower(char c) { return static_cast<char>(std::tolower(static_cast<unsigned char>(c))); }

std::string lowered(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = lower(c);
  return out;
}

bool is_space(char c) { return c == ' ' || c == '\t'; }

// Splits the arguments of a line as ssh does: whitespace-separated words, a word in
// double quotes may hold spaces, an unquoted word starting with '#' ends the line.
Result<std::vector<std::string>> split_arguments(std::string_view rest) {
  std::vector<std::string> out;
  size_t i = 0;
  while (i < rest.size()) {
    if (is_space(rest[i])) {
      ++i;
      continue;
    }
    if (rest[i] == '#') break;
    if (rest[i] == '"') {
      const size_t close = rest.find('"', i + 1);
      if (close == std::string_view::npos) return make_error("unterminated quote");
      out.emplace_back(rest.substr(i + 1, close - i - 1));
      i = close + 1;
      continue;
    }
    size_t end = i;
    while (end < rest.size() && !is_space(rest[end])) ++end;
    out.emplace_back(rest.substr(i, end - i));
    i = end;
  }
  return out;
}

std::optional<int> parse_number(std::string_view s, int lo, int hi) {
  if (s.empty() || s.size() > 9) return std::nullopt;
  int v = 0;
  for (char c : s) {
    if (c < '0' || c > '9') return std::nullopt;
    v = v * 10 + (c - '0');
  }
  if (v < lo || v > hi) return std::nullopt;
  return v;
}

bool glob(std::string_view p, std::string_view s) {
  // Iterative wildcard match with one backtrack point: '*' retried one character later.
  size_t pi = 0, si = 0, star = std::string_view::npos, mark = 0;
  while (si < s.size()) {
    if (pi < p.size() && (p[pi] == '?' || p[pi] == s[si])) {
      ++pi;
      ++si;
    } else if (pi < p.size() && p[pi] == '*') {
      star = pi++;
      mark = si;
    } else if (star != std::string_view::npos) {
      pi = star + 1;
      si = ++mark;
    } else {
      return false;
    }
  }
  while (pi < p.size() && p[pi] == '*') ++pi;
  return pi == p.size();
}

bool block_applies(const std::vector<std::string>& patterns, std::string_view host) {
  if (patterns.empty()) return true;
  bool positive = false;
  for (const std::string& p : patterns) {
    if (!p.empty() && p[0] == '!') {
      if (match_host_pattern(std::string_view(p).substr(1), host)) return false;
    } else if (match_host_pattern(p, host)) {
      positive = true;
    }
  }
  return positive;
}

std::string expand_hostname(std::string_view value, std::string_view host) {
  std::string out;
  for (size_t i = 0; i < value.size(); ++i) {
    if (value[i] == '%' && i + 1 < value.size() && (value[i + 1] == 'h' || value[i + 1] == '%')) {
      out += value[i + 1] == 'h' ? std::string(host) : std::string("%");
      ++i;
    } else {
      out += value[i];
    }
  }
  return out;
}

}  // namespace

bool match_host_pattern(std::string_view pattern, std::string_view host) {
  return glob(lowered(pattern), lowered(host));
}

Result<SshConfig> SshConfig::parse(std::string_view text, std::string file) {
  SshConfig c;
  c.blocks_.emplace_back();  // the lines before the first Host
  bool in_match = false;
  int number = 0;
  size_t pos = 0;
  while (pos <= text.size()) {
    size_t eol = text.find('\n', pos);
    if (eol == std::string_view::npos) eol = text.size();
    std::string_view line = text.substr(pos, eol - pos);
    pos = eol + 1;
    ++number;
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    size_t i = 0;
    while (i < line.size() && is_space(line[i])) ++i;
    if (i == line.size() || line[i] == '#') continue;
    size_t k = i;
    while (k < line.size() && !is_space(line[k]) && line[k] != '=') ++k;
    const std::string written(line.substr(i, k - i));
    const std::string keyword = lowered(written);
    while (k < line.size() && is_space(line[k])) ++k;
    if (k < line.size() && line[k] == '=') ++k;
    const std::string where = file + ":" + std::to_string(number) + ": ";
    Result<std::vector<std::string>> args = split_arguments(line.substr(k));
    if (!args) return make_error(where + args.error().message);
    const std::vector<std::string>& a = args.value();

    if (keyword == "host") {
      if (a.empty()) return make_error(where + "Host needs at least one pattern");
      c.blocks_.push_back(Block{a, {}});
      in_match = false;
      continue;
    }
    if (keyword == "match") {
      c.notes_.push_back(where + "Match blocks are not evaluated; their lines are skipped");
      in_match = true;
      continue;
    }
    if (keyword == "include") {
      c.notes_.push_back(where + "Include is not followed");
      continue;
    }
    if (keyword == "proxycommand" || keyword == "proxyjump") {
      if (!in_match)
        c.notes_.push_back(where + written + " is not followed; cadence connects directly");
      continue;
    }
    Key key;
    if (keyword == "hostname") {
      key = Key::hostname;
    } else if (keyword == "user") {
      key = Key::user;
    } else if (keyword == "port") {
      key = Key::port;
    } else if (keyword == "identityfile") {
      key = Key::identity_file;
    } else if (keyword == "connecttimeout") {
      key = Key::connect_timeout;
    } else {
      continue;  // a keyword for ssh, not for us
    }
    if (a.size() != 1)
      return make_error(where + written + " takes one value, not " + std::to_string(a.size()));
    if (key == Key::port && !parse_number(a[0], 1, 65535))
      return make_error(where + "Port '" + a[0] + "' must be a number from 1 to 65535");
    if (key == Key::connect_timeout && a[0] != "none" && !parse_number(a[0], 0, 86400))
      return make_error(where + "ConnectTimeout '" + a[0] + "' must be a number of seconds");
    if (in_match) continue;
    c.blocks_.back().settings.push_back(Setting{key, a[0]});
  }
  return c;
}

std::vector<std::string> SshConfig::literal_hosts() const {
  std::vector<std::string> out;
  for (const Block& b : blocks_) {
    for (const std::string& p : b.patterns) {
      if (p.find_first_of("*?!") != std::string::npos) continue;
      if (std::find(out.begin(), out.end(), p) == out.end()) out.push_back(p);
    }
  }
  return out;
}

HostSettings SshConfig::lookup(std::string_view host) const {
  HostSettings s;
  for (const Block& b : blocks_) {
    if (!block_applies(b.patterns, host)) continue;
    for (const Setting& setting : b.settings) {
      switch (setting.key) {
        case Key::hostname:
          if (!s.hostname) s.hostname = expand_hostname(setting.value, host);
          break;
        case Key::user:
          if (!s.user) s.user = setting.value;
          break;
        case Key::port:
          if (!s.port) s.port = static_cast<uint16_t>(*parse_number(setting.value, 1, 65535));
          break;
        case Key::identity_file: s.identity_files.push_back(setting.value); break;
        case Key::connect_timeout:
          if (!s.connect_timeout_s) {
            // "none" and 0 mean no timeout of its own: the built-in default applies.
            const int v = setting.value == "none" ? 0 : *parse_number(setting.value, 0, 86400);
            s.connect_timeout_s = v;
          }
          break;
      }
    }
  }
  return s;
}

}  // namespace cadence::ssh
