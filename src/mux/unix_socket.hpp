// The mux server's socket: where it lives, who may connect, and the calls around it.
//
// The server listens on $XDG_RUNTIME_DIR/cadence/mux.sock. Only the user running it may
// talk to it: the directory is 0700 (base/control_socket's prepare_control_dir), the
// socket 0600, and every accepted connection's peer uid is checked with SO_PEERCRED,
// because the socket hands out shells: a permission slip on the directory must not be
// enough to get one. A refused peer is logged with its uid and pid and closed unanswered.
#pragma once

#include <sys/types.h>

#include <string>

#include "base/result.hpp"

namespace cadence::mux {

// $XDG_RUNTIME_DIR/cadence/mux.sock; an error naming XDG_RUNTIME_DIR when it is unset.
Result<std::string> default_socket_path();
// The pid file next to a socket: mux.sock -> mux.pid.
std::string pid_file_for(const std::string& socket_path);

// Binds and listens (non-blocking, close-on-exec, mode 0600). A socket file left by a
// server that is gone (connect refused) is replaced; one that answers means a server is
// running there, which is an error naming the path.
Result<int> listen_unix(const std::string& path);
// A blocking connect, then non-blocking and close-on-exec.
Result<int> connect_unix(const std::string& path);

struct PeerCredentials {
  pid_t pid = 0;
  uid_t uid = 0;
};
Result<PeerCredentials> peer_credentials(int fd);
// The rule the server applies to every connection: only its own user. (root is not an
// exception: a shell is handed to whoever connects, and root has its own server.)
bool peer_allowed(uid_t peer, uid_t server);

}  // namespace cadence::mux
