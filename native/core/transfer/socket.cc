#include "core/transfer/socket.hpp"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>

namespace hostwire::core::transfer {

namespace {

/** `host` as a socket address; false when it is not an address literal or "localhost". */
bool resolve(const std::string &host, sockaddr_storage &ss, socklen_t &len) {
  std::memset(&ss, 0, sizeof ss);
  const std::string h = host == "localhost" ? "127.0.0.1" : host;
  auto *v4 = reinterpret_cast<sockaddr_in *>(&ss);
  if (inet_pton(AF_INET, h.c_str(), &v4->sin_addr) == 1) {
    v4->sin_family = AF_INET;
    len = sizeof(sockaddr_in);
    return true;
  }
  auto *v6 = reinterpret_cast<sockaddr_in6 *>(&ss);
  if (inet_pton(AF_INET6, h.c_str(), &v6->sin6_addr) == 1) {
    v6->sin6_family = AF_INET6;
    len = sizeof(sockaddr_in6);
    return true;
  }
  return false;
}

/** The kernel's limit on a congestion control name, with its NUL (TCP_CA_NAME_MAX). */
constexpr size_t kCongestionNameMax = 16;

bool loopback(const sockaddr_storage &ss) {
  if (ss.ss_family == AF_INET) {
    return (ntohl(reinterpret_cast<const sockaddr_in &>(ss).sin_addr.s_addr) >> 24) == 127;
  }
  if (ss.ss_family != AF_INET6) return false;
  const in6_addr &a = reinterpret_cast<const sockaddr_in6 &>(ss).sin6_addr;
  return IN6_IS_ADDR_LOOPBACK(&a) || (IN6_IS_ADDR_V4MAPPED(&a) && a.s6_addr[12] == 127);
}

bool same_address(const sockaddr_storage &a, const sockaddr_storage &b) {
  if (a.ss_family != b.ss_family) return false;
  if (a.ss_family == AF_INET) {
    return reinterpret_cast<const sockaddr_in &>(a).sin_addr.s_addr ==
           reinterpret_cast<const sockaddr_in &>(b).sin_addr.s_addr;
  }
  if (a.ss_family != AF_INET6) return false;
  return std::memcmp(&reinterpret_cast<const sockaddr_in6 &>(a).sin6_addr,
                     &reinterpret_cast<const sockaddr_in6 &>(b).sin6_addr, sizeof(in6_addr)) == 0;
}

/** Whether a connected socket's traffic stays within this host (Linux routes it over lo). */
bool local_link(int fd) {
  sockaddr_storage self, peer;
  socklen_t n1 = sizeof self, n2 = sizeof peer;
  if (getsockname(fd, reinterpret_cast<sockaddr *>(&self), &n1) != 0) return false;
  if (getpeername(fd, reinterpret_cast<sockaddr *>(&peer), &n2) != 0) return false;
  return loopback(peer) || same_address(self, peer);
}

bool set_congestion(int fd, const std::string &name) {
  return setsockopt(fd, IPPROTO_TCP, TCP_CONGESTION, name.data(), static_cast<socklen_t>(name.size())) == 0;
}

}  // namespace

int open_listener(const std::string &host, abi::ConnChannel &endpoint) {
  sockaddr_storage ss;
  socklen_t len = 0;
  if (!resolve(host, ss, len)) return -abi::kEINVAL;
  const int fd = socket(ss.ss_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (fd < 0) return -errno;
  if (bind(fd, reinterpret_cast<sockaddr *>(&ss), len) != 0 || listen(fd, 128) != 0) {
    const int e = errno;
    ::close(fd);
    return -e;
  }
  len = sizeof ss;
  if (getsockname(fd, reinterpret_cast<sockaddr *>(&ss), &len) != 0) {
    const int e = errno;
    ::close(fd);
    return -e;
  }
  std::memset(&endpoint, 0, sizeof endpoint);
  if (ss.ss_family == AF_INET) {
    const auto *v4 = reinterpret_cast<const sockaddr_in *>(&ss);
    endpoint.family = abi::AddrFamily::kINET;
    endpoint.port = ntohs(v4->sin_port);
    std::memcpy(endpoint.addr, &v4->sin_addr, 4);
  } else {
    const auto *v6 = reinterpret_cast<const sockaddr_in6 *>(&ss);
    endpoint.family = abi::AddrFamily::kINET6;
    endpoint.port = ntohs(v6->sin6_port);
    std::memcpy(endpoint.addr, &v6->sin6_addr, 16);
  }
  return fd;
}

int accept_one(int listener) {
  const int fd = accept4(listener, nullptr, nullptr, SOCK_NONBLOCK | SOCK_CLOEXEC);
  return fd >= 0 ? fd : -errno;
}

int start_connect(const abi::ConnChannel &endpoint) {
  sockaddr_storage ss;
  std::memset(&ss, 0, sizeof ss);
  socklen_t len = 0;
  const uint16_t family = endpoint.family;
  const uint16_t port = endpoint.port;
  if (family == abi::AddrFamily::kINET) {
    auto *v4 = reinterpret_cast<sockaddr_in *>(&ss);
    v4->sin_family = AF_INET;
    v4->sin_port = htons(port);
    std::memcpy(&v4->sin_addr, endpoint.addr, 4);
    len = sizeof(sockaddr_in);
  } else if (family == abi::AddrFamily::kINET6) {
    auto *v6 = reinterpret_cast<sockaddr_in6 *>(&ss);
    v6->sin6_family = AF_INET6;
    v6->sin6_port = htons(port);
    std::memcpy(&v6->sin6_addr, endpoint.addr, 16);
    len = sizeof(sockaddr_in6);
  } else {
    return -abi::kEINVAL;
  }
  const int fd = socket(ss.ss_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (fd < 0) return -errno;
  if (connect(fd, reinterpret_cast<sockaddr *>(&ss), len) != 0 && errno != EINPROGRESS) {
    const int e = errno;
    ::close(fd);
    return -e;
  }
  return fd;
}

int32_t socket_error(int fd) {
  int err = 0;
  socklen_t len = sizeof err;
  if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len) != 0) return -errno;
  return -err;
}

void tune_socket(int fd, const SocketTuning &t) {
  const int one = 1;
  setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  if (t.sndbuf > 0) setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &t.sndbuf, sizeof t.sndbuf);
  if (t.rcvbuf > 0) {
    setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &t.rcvbuf, sizeof t.rcvbuf);
  } else if (t.rcvwin > 1 && set_rcvlowat(fd, t.rcvwin) == 0) {
    // A low-water mark above the buffer grows the buffer to hold it and sets the window clamp
    // to it (tcp_set_rcvlowat), without locking autotuning. Then back to waking for any byte.
    set_rcvlowat(fd, 1);
  }
}

std::string congestion_of(int fd) {
  char name[kCongestionNameMax] = {};
  socklen_t n = sizeof name;
  if (getsockopt(fd, IPPROTO_TCP, TCP_CONGESTION, name, &n) != 0) return "";
  return std::string(name, strnlen(name, std::min<size_t>(n, sizeof name)));
}

int32_t check_congestion(const std::string &policy, std::string &why) {
  if (policy == "auto" || policy == "system") return 0;
  int err = ENOENT;
  if (!policy.empty() && policy.size() < kCongestionNameMax) {
    const int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0) {
      err = errno;
    } else {
      err = set_congestion(fd, policy) ? 0 : errno;
      ::close(fd);
    }
  }
  if (err == 0) return 0;
  why = "options.congestion: \"" + policy.substr(0, 64) + "\" is not ";
  why += err == EPERM ? "an algorithm this process may set" : "a TCP congestion control of this system";
  why += " (\"auto\", \"system\", or one of net.ipv4.tcp_allowed_congestion_control: ";
  std::string allowed;
  if (FILE *f = std::fopen("/proc/sys/net/ipv4/tcp_allowed_congestion_control", "r")) {
    char line[256] = {};
    if (std::fgets(line, sizeof line, f) != nullptr) allowed = line;
    std::fclose(f);
  }
  while (!allowed.empty() && (allowed.back() == '\n' || allowed.back() == ' ')) allowed.pop_back();
  why += allowed.empty() ? "unknown" : allowed;
  why += ")";
  return -abi::kEINVAL;
}

std::string apply_congestion(int fd, const std::string &policy) {
  if (policy == "auto") {
    if (congestion_of(fd).rfind("bbr", 0) == 0 && local_link(fd) && !set_congestion(fd, "cubic")) {
      set_congestion(fd, "reno");  // always built in, and always allowed
    }
  } else if (policy != "system") {
    set_congestion(fd, policy);  // checked when the session was made
  }
  return congestion_of(fd);
}

int32_t set_rcvlowat(int fd, int bytes) {
  return setsockopt(fd, SOL_SOCKET, SO_RCVLOWAT, &bytes, sizeof bytes) == 0 ? 0 : -errno;
}

}  // namespace hostwire::core::transfer
