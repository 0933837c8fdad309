// An SSH domain as the configuration file gives it (`ssh_domains`), and the parse of its
// remote address.
//
// The config layer only checks what it can check alone: the fields, their types, the
// address's form and port. Filling in what a domain leaves empty from ~/.ssh/config, and
// the domains ~/.ssh/config adds, is the SSH layer's job (ssh::resolve), since it needs
// the user's files and environment, which a config snapshot must not depend on. The
// address parser lives here so that a bad port is reported when the file loads, and the
// SSH layer uses the same one.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "base/result.hpp"

namespace cadence::config {

enum class SshMultiplexing : uint8_t {
  cadence,  // the channel runs `remote_mux_path --stdio`: panes live on the remote daemon
  none,     // a pty and the user's shell on the channel: one plain pane, gone with the link
};

struct SshDomain {
  std::string name;
  std::string remote_address;  // host, host:port, [v6 address] or [v6 address]:port
  std::string username;        // "" = ~/.ssh/config's User, else the local user's name
  SshMultiplexing multiplexing = SshMultiplexing::cadence;
  std::string remote_mux_path = "cadence-mux";  // the command run remotely, before --stdio
  std::string identity_file;  // "" = ~/.ssh/config's IdentityFile lines, else the defaults
  int connect_timeout_s = 0;  // 0 = ~/.ssh/config's ConnectTimeout, else 10 s
  friend bool operator==(const SshDomain&, const SshDomain&) = default;
};

inline constexpr int kMaxSshConnectTimeoutS = 3600;

struct HostPort {
  std::string host;
  uint16_t port = 0;  // 0: none given
  friend bool operator==(const HostPort&, const HostPort&) = default;
};

// "host", "host:port", "[::1]" or "[::1]:2222". A bare IPv6 address (more than one colon,
// no brackets) is a host without a port. The error names the address and the problem:
// "'box:70000': the port must be a number from 1 to 65535".
Result<HostPort> parse_remote_address(std::string_view address);

const char* multiplexing_name(SshMultiplexing m);

}  // namespace cadence::config
