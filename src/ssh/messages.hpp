// What a Link says to a person: every message and prompt text, and the rule that tells
// a missing remote command from other failures. Pure functions, so each wording and
// each rule is unit-tested without a server.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "ssh/target.hpp"

namespace cadence::ssh {

// How known_hosts names the host: "host" on port 22, "[host]:port" otherwise.
std::string known_hosts_name(const Target& t);

std::string connecting_message(const Target& t, int attempt);
std::string authenticating_message(const Target& t);
std::string connected_message(const Target& t);
std::string disconnected_message(const Target& t, std::string_view reason, int attempt,
                                 int retry_in_ms);

// The unknown-host-key question; `key_type` as ssh names it ("ssh-ed25519"),
// `fingerprint` as "SHA256:…".
std::string unknown_host_key_prompt(const Target& t, std::string_view key_type,
                                    std::string_view fingerprint,
                                    std::string_view known_hosts_file);
// The refusal of a changed key (or of a key of another type than the one recorded, which
// is as suspicious), with the command that removes the old entry.
std::string changed_host_key_message(const Target& t, std::string_view key_type,
                                     std::string_view fingerprint,
                                     std::string_view known_hosts_file, bool other_type);

std::string passphrase_prompt(std::string_view identity_file, int attempt);
std::string password_prompt(const Target& t, int attempt);
// `tried` names each method or identity file tried, in order.
std::string no_accepted_method_message(const std::vector<std::string>& tried);

// Whether a remote command that ended before writing to stdout was not found: the shell's
// status 127, or its "not found" / "No such file or directory" on stderr.
bool remote_command_missing(int exit_status, std::string_view stderr_text);
std::string missing_mux_message(const Target& t);
// The remote command ended some other way; `stderr_text` gives its last line.
std::string mux_ended_message(const Target& t, int exit_status, std::string_view stderr_text);

}  // namespace cadence::ssh
