// Parsing an SSH domain's remote address (ssh_domain.hpp).
#include "config/ssh_domain.hpp"

#include <algorithm>

namespace cadence::config {
namespace {

Result<uint16_t> parse_port(std::string_view address, std::string_view digits) {
  const std::string bad =
      "'" + std::string(address) + "': the port must be a number from 1 to 65535";
  if (digits.empty() || digits.size() > 5) return make_error(bad);
  uint32_t v = 0;
  for (char c : digits) {
    if (c < '0' || c > '9') return make_error(bad);
    v = v * 10 + uint32_t(c - '0');
  }
  if (v < 1 || v > 65535) return make_error(bad);
  return uint16_t(v);
}

bool has_space(std::string_view s) {
  return std::any_of(s.begin(), s.end(),
                     [](char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; });
}

}  // namespace

Result<HostPort> parse_remote_address(std::string_view address) {
  const std::string quoted = "'" + std::string(address) + "'";
  if (address.empty()) return make_error("the remote address is empty");
  if (has_space(address)) return make_error(quoted + ": the address contains a space");
  HostPort out;
  std::string_view port;
  if (address.front() == '[') {
    const size_t close = address.find(']');
    if (close == std::string_view::npos) return make_error(quoted + ": '[' without ']'");
    out.host = std::string(address.substr(1, close - 1));
    const std::string_view rest = address.substr(close + 1);
    if (!rest.empty()) {
      if (rest.front() != ':') return make_error(quoted + ": expected ':port' after ']'");
      port = rest.substr(1);
      Result<uint16_t> p = parse_port(address, port);
      if (!p) return p.error();
      out.port = p.value();
    }
  } else if (std::count(address.begin(), address.end(), ':') > 1) {
    out.host = std::string(address);  // a bare IPv6 address
  } else if (const size_t colon = address.find(':'); colon != std::string_view::npos) {
    out.host = std::string(address.substr(0, colon));
    Result<uint16_t> p = parse_port(address, address.substr(colon + 1));
    if (!p) return p.error();
    out.port = p.value();
  } else {
    out.host = std::string(address);
  }
  if (out.host.empty()) return make_error(quoted + ": no host name");
  return out;
}

const char* multiplexing_name(SshMultiplexing m) {
  return m == SshMultiplexing::none ? "none" : "cadence";
}

}  // namespace cadence::config
