// The Link's messages and prompts (messages.hpp).
#include "ssh/messages.hpp"

#include <cctype>
#include <cstdio>

namespace cadence::ssh {
namespace {

// "ED25519" from "ssh-ed25519", "ECDSA" from "ecdsa-sha2-nistp256": ssh's way of naming
// a key type to a person.
std::string type_label(std::string_view key_type) {
  std::string_view t = key_type;
  if (t.substr(0, 4) == "ssh-") t.remove_prefix(4);
  if (const size_t dash = t.find('-'); dash != std::string_view::npos) t = t.substr(0, dash);
  std::string out(t);
  for (char& c : out) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return out;
}

std::string last_line(std::string_view text) {
  while (!text.empty() && (text.back() == '\n' || text.back() == '\r' || text.back() == ' '))
    text.remove_suffix(1);
  if (const size_t nl = text.rfind('\n'); nl != std::string_view::npos) text.remove_prefix(nl + 1);
  return std::string(text);
}

std::string where(const Target& t) {
  return t.name == t.host && t.port == 22 ? t.name : t.name + " (" + known_hosts_name(t) + ")";
}

}  // namespace

std::string known_hosts_name(const Target& t) {
  return t.port == 22 ? t.host : "[" + t.host + "]:" + std::to_string(t.port);
}

std::string connecting_message(const Target& t, int attempt) {
  std::string m = "connecting to " + t.name + "\u2026";
  if (attempt > 0) m += " (attempt " + std::to_string(attempt) + ")";
  return m;
}

std::string authenticating_message(const Target& t) {
  return "authenticating as " + t.user + " on " + t.name + "\u2026";
}

std::string connected_message(const Target& t) { return "connected to " + t.name; }

std::string disconnected_message(const Target& t, std::string_view reason, int attempt,
                                 int retry_in_ms) {
  std::string m = "disconnected from " + t.name;
  if (!reason.empty()) m += " (" + std::string(reason) + ")";
  m += " \u2014 reconnecting, attempt " + std::to_string(attempt);
  if (retry_in_ms < 1000) return m + " in " + std::to_string(retry_in_ms) + " ms";
  char in[32];
  std::snprintf(in, sizeof in, " in %.1f s", retry_in_ms / 1000.0);
  return m + in;
}

std::string unknown_host_key_prompt(const Target& t, std::string_view key_type,
                                    std::string_view fingerprint,
                                    std::string_view known_hosts_file) {
  return "The authenticity of host " + where(t) + " can't be established.\n" +
         type_label(key_type) + " key fingerprint is " + std::string(fingerprint) + ".\n" +
         "Type yes to trust it and add it to " + std::string(known_hosts_file) +
         ", anything else to refuse: ";
}

std::string changed_host_key_message(const Target& t, std::string_view key_type,
                                     std::string_view fingerprint,
                                     std::string_view known_hosts_file, bool other_type) {
  std::string m = "WARNING: the host key for " + where(t) + " has CHANGED";
  if (other_type)
    m += " (the server offers a " + type_label(key_type) + " key, another type was recorded)";
  m += ": someone may be intercepting the connection, or the host was reinstalled. It now "
       "offers " +
       type_label(key_type) + " " + std::string(fingerprint) +
       ". Refusing to connect. If the change is expected, remove the old key with "
       "`ssh-keygen -R '" +
       known_hosts_name(t) + "' -f " + std::string(known_hosts_file) + "` and connect again.";
  return m;
}

std::string passphrase_prompt(std::string_view identity_file, int attempt) {
  std::string m = "Passphrase for " + std::string(identity_file) + ": ";
  return attempt > 1 ? "Wrong passphrase, try again.\n" + m : m;
}

std::string password_prompt(const Target& t, int attempt) {
  std::string m = "Password for " + t.user + "@" + t.name + ": ";
  return attempt > 1 ? "Permission denied, try again.\n" + m : m;
}

std::string no_accepted_method_message(const std::vector<std::string>& tried) {
  std::string list;
  for (const std::string& s : tried) list += (list.empty() ? "" : ", ") + s;
  return "no accepted authentication method (tried: " + (list.empty() ? "nothing" : list) + ")";
}

bool remote_command_missing(int exit_status, std::string_view stderr_text) {
  if (exit_status == 127) return true;
  return stderr_text.find("not found") != std::string_view::npos ||
         stderr_text.find("No such file or directory") != std::string_view::npos;
}

std::string missing_mux_message(const Target& t) {
  return t.remote_mux_path + " is not installed on " + t.name +
         ": install cadence there or set remote_mux_path";
}

std::string mux_ended_message(const Target& t, int exit_status, std::string_view stderr_text) {
  std::string m = t.remote_mux_path + " on " + t.name + " ended";
  if (exit_status >= 0) m += " with status " + std::to_string(exit_status);
  const std::string line = last_line(stderr_text);
  if (!line.empty()) m += ": " + line;
  return m;
}

}  // namespace cadence::ssh
