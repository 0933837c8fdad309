// The mux server's socket (see unix_socket.hpp).
#include "mux/unix_socket.hpp"

#include <fcntl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "base/control_socket.hpp"

namespace cadence::mux {
namespace {

Error errno_error(const std::string& what) {
  return make_error(what + ": " + std::strerror(errno));
}

Result<sockaddr_un> address_of(const std::string& path) {
  sockaddr_un addr{};
  addr.sun_family = AF_UNIX;
  if (path.empty() || path.size() >= sizeof addr.sun_path) {
    return make_error("socket path '" + path + "' is empty or longer than " +
                      std::to_string(sizeof addr.sun_path - 1) + " bytes");
  }
  std::memcpy(addr.sun_path, path.data(), path.size());
  return addr;
}

// A connect attempt that only asks "does anything answer there?".
bool answers(const sockaddr_un& addr) {
  const int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return false;
  const bool ok = ::connect(fd, reinterpret_cast<const sockaddr*>(&addr), sizeof addr) == 0;
  close(fd);
  return ok;
}

}  // namespace

Result<std::string> default_socket_path() {
  const std::string dir = control_dir();
  if (dir.empty()) return make_error("XDG_RUNTIME_DIR is not set: no place for the mux socket");
  return dir + "/mux.sock";
}

std::string pid_file_for(const std::string& socket_path) {
  std::string base = socket_path;
  if (base.size() > 5 && base.compare(base.size() - 5, 5, ".sock") == 0)
    base.resize(base.size() - 5);
  return base + ".pid";
}

Result<int> listen_unix(const std::string& path) {
  Result<sockaddr_un> addr = address_of(path);
  if (!addr) return addr.error();
  struct stat st {};
  if (lstat(path.c_str(), &st) == 0) {
    if (!S_ISSOCK(st.st_mode)) return make_error(path + " exists and is not a socket");
    if (answers(addr.value())) return make_error("a mux server is already running at " + path);
    // Left by a server that died without cleaning up.
    unlink(path.c_str());
  }
  const int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (fd < 0) return errno_error("socket");
  // The mode is set before bind through the umask: between bind and a chmod the socket
  // would be reachable with the default mode.
  const mode_t old_mask = umask(0177);
  const int bound = bind(fd, reinterpret_cast<const sockaddr*>(&addr.value()), sizeof addr.value());
  umask(old_mask);
  if (bound < 0) {
    Error e = errno_error("bind " + path);
    close(fd);
    return e;
  }
  if (::listen(fd, 16) < 0) {
    Error e = errno_error("listen " + path);
    close(fd);
    unlink(path.c_str());
    return e;
  }
  return fd;
}

Result<int> connect_unix(const std::string& path) {
  Result<sockaddr_un> addr = address_of(path);
  if (!addr) return addr.error();
  const int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return errno_error("socket");
  if (::connect(fd, reinterpret_cast<const sockaddr*>(&addr.value()), sizeof addr.value()) < 0) {
    Error e = errno_error("connect " + path);
    close(fd);
    return e;
  }
  const int flags = fcntl(fd, F_GETFL);
  if (flags < 0 || fcntl(fd, F_SETFL, flags | O_NONBLOCK) < 0) {
    Error e = errno_error("fcntl O_NONBLOCK");
    close(fd);
    return e;
  }
  return fd;
}

Result<PeerCredentials> peer_credentials(int fd) {
  ucred cred{};
  socklen_t len = sizeof cred;
  if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cred, &len) < 0) return errno_error("SO_PEERCRED");
  return PeerCredentials{cred.pid, cred.uid};
}

bool peer_allowed(uid_t peer, uid_t server) { return peer == server; }

}  // namespace cadence::mux
