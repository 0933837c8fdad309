// The part of OpenSSH's client configuration (~/.ssh/config) that cadence follows.
//
// cadence reads the file itself rather than letting libssh do it, for two reasons: the
// Host entries with literal names become SSH domains a user can open, which libssh has no
// way to list, and resolving a domain must be a pure function of the text (tested
// without touching anyone's ~/.ssh).
//
// Followed, with ssh's rules: `Host` blocks (several patterns, `*` and `?` wildcards,
// `!negation`, case-insensitive), the first value found for a keyword wins, lines before
// the first Host apply to every host, IdentityFile lines accumulate. Keywords read:
// HostName (with %h and %%), User, Port, IdentityFile, ConnectTimeout. Every other
// keyword is skipped without complaint, since the file is shared with ssh and holds many
// that do not concern a terminal. Not followed, and listed in notes(): `Include` (the
// included files are not read) and `Match` blocks (their conditions are not evaluated,
// so their lines are skipped), plus ProxyCommand and ProxyJump (a connection is always
// direct).
//
// Syntax errors (an unterminated quote, a Host line without patterns, a Port that is not
// a number from 1 to 65535, a keyword given two values) fail the whole file, as they do
// for ssh, with the file and line in the message.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.hpp"

namespace cadence::ssh {

// What the file says about one host. Strings are as written, except HostName, whose %h
// and %% are expanded; IdentityFile paths are expanded by resolve(), which knows the
// user names and the home directory.
struct HostSettings {
  std::optional<std::string> hostname;
  std::optional<std::string> user;
  std::optional<uint16_t> port;
  std::vector<std::string> identity_files;
  std::optional<int> connect_timeout_s;
};

class SshConfig {
 public:
  // `file` names the text in error messages and notes.
  static Result<SshConfig> parse(std::string_view text, std::string file = "~/.ssh/config");

  // The names of Host patterns without wildcards or negation, in file order, each once:
  // the domains the file adds.
  std::vector<std::string> literal_hosts() const;
  // The settings for `host` (the name as the user typed it, before HostName).
  HostSettings lookup(std::string_view host) const;
  // What was not followed, one line each ("~/.ssh/config:3: Include is not followed").
  const std::vector<std::string>& notes() const { return notes_; }

 private:
  enum class Key : uint8_t { hostname, user, port, identity_file, connect_timeout };
  struct Setting {
    Key key;
    std::string value;
  };
  struct Block {
    std::vector<std::string> patterns;  // empty: the lines before the first Host
    std::vector<Setting> settings;
  };
  std::vector<Block> blocks_;
  std::vector<std::string> notes_;
};

// Whether `host` matches an ssh pattern list entry (`*`, `?`; case-insensitive).
bool match_host_pattern(std::string_view pattern, std::string_view host);

}  // namespace cadence::ssh
