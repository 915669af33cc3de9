// hostwire transfer engine: the state of handshakes in progress (shared by engine.cc and
// engine_handshake.cc; nothing outside the engine includes it).
//
// The handshake, per channel (wire.hpp has the frames):
//
//   connector                               listener
//   TCP connect (every channel, one address at a time, connect_timeout_ms each)
//   HELLO (nonce, conn id, index, count,    ->  grouped by conn id; when every channel's
//          hello: version, name)                HELLO is there, each is answered:
//                                           <-  HELLO (conn id, nonce, index, count, hello)
//   each answer: the channel pauses; when
//   every channel is answered: READY on
//   each, the peer is established here      ->  each READY: the channel pauses; when every
//   (connect() resolves) and the channels       channel's READY is there, the peer is
//   read again                                  established here (accept() may take it)
//                                               and the channels read again
//
// A channel whose part is done reads nothing more until its peer is established on this
// side, so frames that follow early (the connector's first RTR, EAGER, DATA or HEARTBEAT on
// a channel whose READY arrived first) wait in the socket for the peer instead of being
// taken for a broken handshake. A peer of another major protocol version is refused with
// EPROTO on both sides: the listener answers its HELLO (so the connector can name both
// versions) and closes.
#pragma once

#include <unistd.h>

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "core/transfer/engine.hpp"

namespace hostwire::core::transfer {

/** Handshake stages a channel records in Channel::stage. */
enum : uint32_t {
  kStageNone = 0,
  kStageHello = 1,  // HELLO received (listener) or answered (connector)
  kStageReady = 2,  // READY received (listener)
};

/** A listening socket of one channel index. */
class Listener final : public Handler {
 public:
  Listener(Engine &e, int fd, uint32_t index) : engine(e), fd(fd), index(index) {}
  ~Listener() override { stop(); }
  /** Unregister and close (idempotent). */
  void stop() {
    if (fd < 0) return;
    engine.loop().remove(fd);
    ::close(fd);
    fd = -1;
  }
  void on_event(uint32_t) override {
    if (fd >= 0) engine.on_listener_ready(*this);
  }
  Engine &engine;
  int fd;
  uint32_t index;
  /** Not watched (accept() ran out of descriptors) until the re-arm timer. */
  bool paused = false;
  /** The last pause (ms); 0 once an accept works again. */
  uint32_t backoff_ms = 0;
};

/** Channels of one connecting peer (by its connection id), until it is established. */
struct Engine::Group {
  std::vector<std::unique_ptr<Channel>> slots;
  size_t hellos = 0;
  size_t readies = 0;
  bool answered = false;
  /** The name the peer announced in its HELLOs. */
  std::string announced;
  int64_t started_ms = 0;
};

/** One connect() in progress. */
/** One connect() call: its completion, and its signal while it waits. */
struct Engine::ConnectWaiter {
  uint64_t id = 0;
  DoneVoid done;
  std::shared_ptr<AbortToken> token;
  uint64_t abort_id = 0;
};

struct Engine::Attempt {
  /** What this side calls the peer. */
  std::string name;
  abi::ConnInfo info{};
  uint64_t conn_id = 0;
  /** The address being tried (an index into info.addrs). */
  uint16_t addr = 0;
  std::vector<std::unique_ptr<Channel>> channels;
  size_t connected = 0;
  size_t answered = 0;
  /** Every channel connected: HELLOs sent, answers awaited. */
  bool handshaking = false;
  uint64_t timer = 0;
  /** The addresses that failed, with why ("10.0.0.1:4000: ECONNREFUSED; ..."). */
  std::string tried;
  int32_t first_err = 0;
  /** The name the listener announced. */
  std::string announced;
  /** The connect() calls waiting for this attempt (several when they name the same peer). */
  std::vector<ConnectWaiter> waiters;
};

/** One accept() waiting for its peer. */
struct Engine::PendingAccept {
  uint64_t id = 0;
  std::string name;
  DoneVoid done;
  uint64_t timer = 0;
  std::shared_ptr<AbortToken> token;
  uint64_t abort_id = 0;
};

}  // namespace hostwire::core::transfer
