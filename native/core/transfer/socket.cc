#include "core/transfer/socket.hpp"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
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
  if (t.rcvbuf > 0) setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &t.rcvbuf, sizeof t.rcvbuf);
}

int32_t set_rcvlowat(int fd, int bytes) {
  return setsockopt(fd, SOL_SOCKET, SO_RCVLOWAT, &bytes, sizeof bytes) == 0 ? 0 : -errno;
}

}  // namespace hostwire::core::transfer
