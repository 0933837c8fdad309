// Domain resolution (target.hpp).
#include "ssh/target.hpp"

#include <pwd.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <vector>

#include "ssh/ssh_config.hpp"

namespace cadence::ssh {
namespace {

struct Names {
  std::string_view local_user, remote_user, host;
};

Result<std::string> expand_path(std::string_view path, const Env& env, const Names& n) {
  std::string out;
  size_t i = 0;
  if (path == "~" || path.substr(0, 2) == "~/") {
    out = env.home;
    i = 1;
  }
  for (; i < path.size(); ++i) {
    if (path[i] != '%') {
      out += path[i];
      continue;
    }
    const char t = i + 1 < path.size() ? path[i + 1] : '\0';
    ++i;
    switch (t) {
      case '%': out += '%'; break;
      case 'd': out += env.home; break;
      case 'u': out += n.local_user; break;
      case 'r': out += n.remote_user; break;
      case 'h': out += n.host; break;
      default:
        return make_error("IdentityFile '" + std::string(path) + "': %" +
                          (t ? std::string(1, t) : std::string()) +
                          " is not supported (only %d, %u, %r, %h and %%)");
    }
  }
  if (!out.empty() && out[0] != '/') out = env.home + "/" + out;
  return out;
}

}  // namespace

Env Env::from_process() {
  Env e;
  // getpwuid_r: Links may start on several threads' behalf; getpwuid's buffer is shared.
  passwd pw{};
  passwd* found = nullptr;
  std::vector<char> buf(16384);
  getpwuid_r(getuid(), &pw, buf.data(), buf.size(), &found);
  const char* home = std::getenv("HOME");
  e.home = home && *home ? home : (found && pw.pw_dir ? pw.pw_dir : "/");
  e.user = found && pw.pw_name ? pw.pw_name : std::to_string(getuid());
  return e;
}

Result<Target> resolve(std::string_view name, const std::vector<config::SshDomain>& domains,
                       const std::string& ssh_config_text, const Env& env) {
  Result<SshConfig> file = SshConfig::parse(ssh_config_text);
  if (!file) return file.error();

  const auto domain = std::find_if(domains.begin(), domains.end(),
                                   [&](const config::SshDomain& d) { return d.name == name; });
  Target t;
  t.name = std::string(name);
  std::string alias;  // what ~/.ssh/config is asked about
  uint16_t port = 0;
  std::string user;
  std::vector<std::string> identities;
  int timeout_s = 0;
  if (domain != domains.end()) {
    Result<config::HostPort> a = config::parse_remote_address(domain->remote_address);
    if (!a) return make_error("ssh domain '" + t.name + "': remote_address " + a.error().message);
    alias = a->host;
    port = a->port;
    user = domain->username;
    if (!domain->identity_file.empty()) identities.push_back(domain->identity_file);
    t.multiplexing = domain->multiplexing;
    t.remote_mux_path = domain->remote_mux_path;
    timeout_s = domain->connect_timeout_s;
  } else {
    const std::vector<std::string> hosts = file->literal_hosts();
    if (std::find(hosts.begin(), hosts.end(), name) == hosts.end()) {
      std::string known;
      for (const std::string& n : domain_names(domains, ssh_config_text))
        known += (known.empty() ? "" : ", ") + n;
      return make_error("no SSH domain named '" + t.name +
                        "' (known: " + (known.empty() ? "none" : known) + ")");
    }
    alias = t.name;
  }

  const HostSettings s = file->lookup(alias);
  t.host = s.hostname.value_or(alias);
  t.port = port ? port : s.port.value_or(22);
  t.user = !user.empty() ? user : s.user.value_or(env.user);
  if (timeout_s == 0 && s.connect_timeout_s && *s.connect_timeout_s > 0)
    timeout_s = *s.connect_timeout_s;
  t.connect_timeout_ms = timeout_s > 0 ? timeout_s * 1000 : kDefaultConnectTimeoutMs;

  identities.insert(identities.end(), s.identity_files.begin(), s.identity_files.end());
  if (identities.empty()) identities = {"~/.ssh/id_ed25519", "~/.ssh/id_ecdsa", "~/.ssh/id_rsa"};
  const Names names{env.user, t.user, t.host};
  for (const std::string& raw : identities) {
    Result<std::string> path = expand_path(raw, env, names);
    if (!path) return path.error();
    if (std::find(t.identity_files.begin(), t.identity_files.end(), path.value()) ==
        t.identity_files.end())
      t.identity_files.push_back(std::move(path.value()));
  }
  return t;
}

std::vector<std::string> domain_names(const std::vector<config::SshDomain>& domains,
                                      const std::string& ssh_config_text) {
  std::vector<std::string> out;
  for (const config::SshDomain& d : domains) out.push_back(d.name);
  if (Result<SshConfig> file = SshConfig::parse(ssh_config_text); file) {
    for (std::string& h : file->literal_hosts()) {
      if (std::find(out.begin(), out.end(), h) == out.end()) out.push_back(std::move(h));
    }
  }
  return out;
}

std::string read_ssh_config(const Env& env) {
  std::ifstream in(env.home + "/.ssh/config", std::ios::binary);
  if (!in) return "";
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

}  // namespace cadence::ssh
