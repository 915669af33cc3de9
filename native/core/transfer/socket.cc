#include "core/transfer/socket.hpp"

#include <arpa/inet.h>
#include <fcntl.h>
#include <ifaddrs.h>
#include <net/if.h>
#include <netdb.h>
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

/** `host` as a socket address literal ("localhost": 127.0.0.1); false when it is not one. */
bool literal(const std::string &host, sockaddr_storage &ss, socklen_t &len) {
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

/** `sa` as a conn_info address; false for another family. */
bool to_conn_addr(const sockaddr *sa, abi::ConnAddr &out) {
  std::memset(&out, 0, sizeof out);
  if (sa->sa_family == AF_INET) {
    out.family = abi::AddrFamily::kINET;
    std::memcpy(out.addr, &reinterpret_cast<const sockaddr_in *>(sa)->sin_addr, 4);
    return true;
  }
  if (sa->sa_family == AF_INET6) {
    out.family = abi::AddrFamily::kINET6;
    std::memcpy(out.addr, &reinterpret_cast<const sockaddr_in6 *>(sa)->sin6_addr, 16);
    return true;
  }
  return false;
}

bool is_wildcard(const sockaddr_storage &ss) {
  if (ss.ss_family == AF_INET) return reinterpret_cast<const sockaddr_in &>(ss).sin_addr.s_addr == htonl(INADDR_ANY);
  const in6_addr &a = reinterpret_cast<const sockaddr_in6 &>(ss).sin6_addr;
  return IN6_IS_ADDR_UNSPECIFIED(&a);
}

/**
 * The addresses of this host's interfaces that are up, for a listener on a wildcard of
 * `family` (`dual`: an IPv6 socket that takes IPv4 too): other interfaces first (IPv4, then
 * IPv6), then loopback. IPv6 link-local addresses are left out: a peer cannot dial them
 * without the interface they belong to.
 */
std::vector<abi::ConnAddr> interface_addrs(int family, bool dual) {
  std::vector<abi::ConnAddr> v4, v6, lo4, lo6;
  ifaddrs *list = nullptr;
  if (getifaddrs(&list) == 0) {
    for (ifaddrs *i = list; i != nullptr; i = i->ifa_next) {
      if (i->ifa_addr == nullptr || (i->ifa_flags & IFF_UP) == 0) continue;
      const int f = i->ifa_addr->sa_family;
      if (f == AF_INET && !(family == AF_INET || dual)) continue;
      if (f == AF_INET6 && family != AF_INET6) continue;
      if (f == AF_INET6) {
        const in6_addr &a = reinterpret_cast<const sockaddr_in6 *>(i->ifa_addr)->sin6_addr;
        if (IN6_IS_ADDR_LINKLOCAL(&a) || IN6_IS_ADDR_V4MAPPED(&a)) continue;
      }
      abi::ConnAddr a;
      if (!to_conn_addr(i->ifa_addr, a)) continue;
      const bool lo = (i->ifa_flags & IFF_LOOPBACK) != 0;
      (f == AF_INET ? (lo ? lo4 : v4) : (lo ? lo6 : v6)).push_back(a);
    }
    freeifaddrs(list);
  }
  const size_t max = abi::kCONN_INFO_MAX_ADDRS;
  std::vector<abi::ConnAddr> out;
  for (auto *group : {&v4, &v6}) {
    for (const auto &a : *group) {
      if (out.size() + 1 < max) out.push_back(a);  // one slot stays for loopback
    }
  }
  for (auto *group : {&lo4, &lo6}) {
    for (const auto &a : *group) {
      if (out.size() < max) out.push_back(a);
    }
  }
  return out;
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

int32_t plan_listen(const std::string &host, ListenPlan &out, std::string &why) {
  out = ListenPlan{};
  sockaddr_storage &ss = out.bind;
  if (host.empty()) {
    // Every interface: one dual-stack IPv6 socket per channel, or IPv4 where IPv6 is off.
    const int probe = socket(AF_INET6, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (probe >= 0) {
      ::close(probe);
      auto *v6 = reinterpret_cast<sockaddr_in6 *>(&ss);
      v6->sin6_family = AF_INET6;
      v6->sin6_addr = in6addr_any;
      out.bind_len = sizeof(sockaddr_in6);
    } else {
      auto *v4 = reinterpret_cast<sockaddr_in *>(&ss);
      v4->sin_family = AF_INET;
      v4->sin_addr.s_addr = htonl(INADDR_ANY);
      out.bind_len = sizeof(sockaddr_in);
    }
  } else if (!literal(host, ss, out.bind_len)) {
    addrinfo hints{};
    hints.ai_socktype = SOCK_STREAM;
    hints.ai_flags = AI_ADDRCONFIG;
    addrinfo *res = nullptr;
    const int rc = getaddrinfo(host.c_str(), nullptr, &hints, &res);
    if (rc != 0 || res == nullptr) {
      why = "options.host: \"" + host.substr(0, 255) + "\" is neither an address nor a name that resolves (" +
            (rc != 0 ? gai_strerror(rc) : "no address") + ")";
      return -abi::kEINVAL;
    }
    std::memcpy(&ss, res->ai_addr, res->ai_addrlen);
    out.bind_len = static_cast<socklen_t>(res->ai_addrlen);
    freeaddrinfo(res);
  }
  if (is_wildcard(ss)) {
    out.addrs = interface_addrs(ss.ss_family, ss.ss_family == AF_INET6 && host.empty());
    if (out.addrs.empty()) {
      why = "options.host: no interface address is up to listen on";
      return -abi::kEINVAL;
    }
  } else {
    abi::ConnAddr a;
    to_conn_addr(reinterpret_cast<const sockaddr *>(&ss), a);
    out.addrs.push_back(a);
  }
  return 0;
}

int open_listener(const ListenPlan &plan, uint16_t &port) {
  sockaddr_storage ss = plan.bind;
  const int fd = socket(ss.ss_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (fd < 0) return -errno;
  if (ss.ss_family == AF_INET6) {
    // A wildcard listener takes IPv4 too (dual stack), whatever net.ipv6.bindv6only says.
    const int v6only = is_wildcard(ss) ? 0 : 1;
    setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &v6only, sizeof v6only);
  }
  if (bind(fd, reinterpret_cast<sockaddr *>(&ss), plan.bind_len) != 0 || listen(fd, 128) != 0) {
    const int e = errno;
    ::close(fd);
    return -e;
  }
  socklen_t len = sizeof ss;
  if (getsockname(fd, reinterpret_cast<sockaddr *>(&ss), &len) != 0) {
    const int e = errno;
    ::close(fd);
    return -e;
  }
  port = ntohs(ss.ss_family == AF_INET ? reinterpret_cast<const sockaddr_in &>(ss).sin_port
                                       : reinterpret_cast<const sockaddr_in6 &>(ss).sin6_port);
  return fd;
}

int accept_one(int listener) {
  const int fd = accept4(listener, nullptr, nullptr, SOCK_NONBLOCK | SOCK_CLOEXEC);
  return fd >= 0 ? fd : -errno;
}

int start_connect(const abi::ConnAddr &addr, uint16_t port) {
  sockaddr_storage ss;
  std::memset(&ss, 0, sizeof ss);
  socklen_t len = 0;
  const uint16_t family = addr.family;
  if (family == abi::AddrFamily::kINET) {
    auto *v4 = reinterpret_cast<sockaddr_in *>(&ss);
    v4->sin_family = AF_INET;
    v4->sin_port = htons(port);
    std::memcpy(&v4->sin_addr, addr.addr, 4);
    len = sizeof(sockaddr_in);
  } else if (family == abi::AddrFamily::kINET6) {
    auto *v6 = reinterpret_cast<sockaddr_in6 *>(&ss);
    v6->sin6_family = AF_INET6;
    v6->sin6_port = htons(port);
    std::memcpy(&v6->sin6_addr, addr.addr, 16);
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

std::string address_text(const abi::ConnAddr &addr, uint16_t port) {
  char buf[INET6_ADDRSTRLEN] = {};
  const uint16_t family = addr.family;
  const bool v6 = family == abi::AddrFamily::kINET6;
  uint8_t bytes[16];
  std::memcpy(bytes, addr.addr, 16);
  if (inet_ntop(v6 ? AF_INET6 : AF_INET, bytes, buf, sizeof buf) == nullptr) return "?";
  std::string out = v6 && port != 0 ? "[" + std::string(buf) + "]" : std::string(buf);
  if (port != 0) out += ":" + std::to_string(port);
  return out;
}

std::string peer_address_text(int fd) {
  sockaddr_storage ss;
  socklen_t len = sizeof ss;
  if (getpeername(fd, reinterpret_cast<sockaddr *>(&ss), &len) != 0) return "";
  abi::ConnAddr a;
  sockaddr_in v4{};
  const sockaddr *sa = reinterpret_cast<const sockaddr *>(&ss);
  if (ss.ss_family == AF_INET6) {
    // An IPv4 peer of a dual-stack listener: show it as IPv4.
    const auto &v6 = reinterpret_cast<const sockaddr_in6 &>(ss);
    if (IN6_IS_ADDR_V4MAPPED(&v6.sin6_addr)) {
      v4.sin_family = AF_INET;
      v4.sin_port = v6.sin6_port;
      std::memcpy(&v4.sin_addr, v6.sin6_addr.s6_addr + 12, 4);
      sa = reinterpret_cast<const sockaddr *>(&v4);
    }
  }
  if (!to_conn_addr(sa, a)) return "";
  const uint16_t port = ntohs(sa->sa_family == AF_INET ? reinterpret_cast<const sockaddr_in *>(sa)->sin_port
                                                       : reinterpret_cast<const sockaddr_in6 *>(sa)->sin6_port);
  return address_text(a, port);
}

int32_t connect_error(int32_t err) {
  switch (-err) {
    case ECONNREFUSED: return -abi::kECONNREFUSED;
    case EHOSTUNREACH:
    case ENETUNREACH:
    case EADDRNOTAVAIL:
    case EAFNOSUPPORT: return -abi::kEHOSTUNREACH;
    case ETIMEDOUT: return -abi::kETIMEDOUT;
    default: return -abi::kECONNRESET;
  }
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
