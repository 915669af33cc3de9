// hostwire transfer engine: TCP socket helpers (nonblocking, close-on-exec).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include <sys/socket.h>

#include "cpp/hostwire_abi.hpp"

namespace hostwire::core::transfer {

/** Socket buffer sizes the engine asks for (0 leaves the kernel's autotuning alone). */
struct SocketTuning {
  int sndbuf = 0;
  int rcvbuf = 0;
  /**
   * Largest receive low-water mark (SO_RCVLOWAT) a channel sets while the rest of a bulk
   * chunk is on its way: the loop thread wakes for that many bytes, not for every segment.
   * 0 or 1: wake for every segment.
   */
  int rcvlowat_max = 2 << 20;
  /**
   * The receive window a channel opens at once, in bytes (0: the kernel's own start). Raising
   * the low-water mark past what the receive buffer holds clamps the window to the mark, so
   * the sender could put only one mark's worth in flight and then stop until the loop thread
   * woke and read it: stop-and-go until autotuning grew the buffer. Opened to a few marks at
   * the start, the window leaves the sender room while the receiver wakes. Autotuning stays
   * on (unlike SO_RCVBUF), and the kernel caps the request at half of tcp_rmem's maximum.
   */
  int rcvwin = 8 << 20;
};

/** Set the socket's receive low-water mark; 0 or -errno. */
int32_t set_rcvlowat(int fd, int bytes);

/** Where a session listens, and the addresses its conn_info lists for peers to dial. */
struct ListenPlan {
  /** The address every channel binds (a wildcard for every interface). */
  sockaddr_storage bind{};
  socklen_t bind_len = 0;
  /** What a peer may dial, in the order to try: never a wildcard. */
  std::vector<abi::ConnAddr> addrs;
};

/**
 * Plan listening on `host`: "" (every interface: dual-stack `::`, else `0.0.0.0`), an IPv4 or
 * IPv6 address (a wildcard one means every interface of that family), "localhost", or a host
 * name (resolved here, once, with getaddrinfo). The addresses listed for a wildcard are every
 * interface's, other interfaces first, then loopback; at most abi::kCONN_INFO_MAX_ADDRS, one
 * slot kept for loopback. 0, or -EINVAL with `why` set.
 */
int32_t plan_listen(const std::string &host, ListenPlan &out, std::string &why);

/** Listen at an ephemeral port on the plan's address; the fd (its port in `port`), or -errno. */
int open_listener(const ListenPlan &plan, uint16_t &port);

/** Accept one connection (nonblocking); the fd, or -errno (-EAGAIN when none). */
int accept_one(int listener);

/** Start a nonblocking connect to `addr`:`port`; the fd (connecting), or -errno. */
int start_connect(const abi::ConnAddr &addr, uint16_t port);

/** "10.0.0.1:4242", "[fd00::1]:4242" (port 0: the address alone). */
std::string address_text(const abi::ConnAddr &addr, uint16_t port);

/** The address at the other end of a connected socket, as address_text shows it ("" if unknown). */
std::string peer_address_text(int fd);

/**
 * A connect failure as this engine reports it: -ECONNREFUSED, -EHOSTUNREACH (no route, or no
 * network), -ETIMEDOUT, else -ECONNRESET. `err` is -errno.
 */
int32_t connect_error(int32_t err);

/** The pending error of a socket (SO_ERROR), as -errno, or 0. */
int32_t socket_error(int fd);

/** TCP_NODELAY and the buffer sizes of `t` on a connected socket. */
void tune_socket(int fd, const SocketTuning &t);

/** The congestion control of a TCP socket ("" when the kernel does not say). */
std::string congestion_of(int fd);

/**
 * Whether SessionOptions::congestion is usable: "auto", "system", or an algorithm this
 * process may set on its sockets (tried on a scratch socket). 0, or -EINVAL with the reason
 * in `why`.
 */
int32_t check_congestion(const std::string &policy, std::string &why);

/**
 * Choose the congestion control of a connected socket by `policy` (see check_congestion):
 * "auto" replaces a pacing algorithm (bbr) by cubic, else reno, when the link stays within
 * this host, where pacing only costs the sender CPU. Returns the algorithm in use ("" when
 * the kernel does not say).
 */
std::string apply_congestion(int fd, const std::string &policy);

}  // namespace hostwire::core::transfer
