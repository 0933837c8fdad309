// Where an SSH domain connects, and how: a domain name resolved against the
// configuration's ssh_domains and the user's ~/.ssh/config.
//
// resolve() is pure (the file's text and the environment are arguments), so every rule
// below is unit-tested without anyone's ~/.ssh:
//   - a name from ssh_domains wins over a Host entry of the same name;
//   - such a domain's remote host is looked up in ~/.ssh/config as ssh would look up
//     `ssh HOST`: HostName, User, Port, IdentityFile and ConnectTimeout fill what the
//     domain leaves empty (a port in remote_address beats Port, username beats User,
//     identity_file comes before the file's IdentityFile lines);
//   - a name that is only a literal Host entry is a domain of its own, with the default
//     multiplexing ('cadence') and remote_mux_path ('cadence-mux');
//   - with no IdentityFile anywhere, the identities are ssh's defaults: ~/.ssh/id_ed25519,
//     id_ecdsa and id_rsa (missing files are skipped when connecting);
//   - IdentityFile paths expand `~`, %d (home), %u (local user), %r (remote user),
//     %h (host name) and %%; any other token is an error; a relative path is taken
//     from the home directory (a terminal's working directory means nothing here).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.hpp"
#include "config/ssh_domain.hpp"

namespace cadence::ssh {

inline constexpr int kDefaultConnectTimeoutMs = 10000;

// What resolution needs from the environment.
struct Env {
  std::string home;  // the local home directory
  std::string user;  // the local user's name (the remote user when nothing else says)
  // $HOME (else the password database) and the name of the real user id.
  static Env from_process();
};

struct Target {
  std::string name;  // the domain's name, for messages ("connecting to devbox…")
  std::string host;  // what to connect to, after HostName; also the known_hosts key
  uint16_t port = 22;
  std::string user;
  std::vector<std::string> identity_files;  // absolute paths, in the order tried
  config::SshMultiplexing multiplexing = config::SshMultiplexing::cadence;
  std::string remote_mux_path = "cadence-mux";
  int connect_timeout_ms = kDefaultConnectTimeoutMs;
  friend bool operator==(const Target&, const Target&) = default;
};

// Resolves `name`. Errors: no such domain (the message lists the known names), a bad
// remote_address, a ~/.ssh/config that does not parse (file and line), an IdentityFile
// token that is not supported.
Result<Target> resolve(std::string_view name, const std::vector<config::SshDomain>& domains,
                       const std::string& ssh_config_text, const Env& env);

// Every domain name: ssh_domains first, then ~/.ssh/config's literal Host names not
// already listed. A file that does not parse adds nothing (resolve() reports why).
std::vector<std::string> domain_names(const std::vector<config::SshDomain>& domains,
                                      const std::string& ssh_config_text);

// The text of env.home/.ssh/config, "" when there is none. Reading it is the caller's
// business (once per connect or per listing, never on a hot path).
std::string read_ssh_config(const Env& env);

}  // namespace cadence::ssh
