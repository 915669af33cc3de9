// hostwire transfer engine: listening, accepting and connecting (the handshake of
// handshake.hpp). Engine members; every one runs under the engine's lock.
#include <algorithm>
#include <atomic>
#include <cerrno>
#include <cstddef>
#include <cstring>
#include <utility>

#include "core/transfer/engine.hpp"
#include "core/transfer/engine_guard.hpp"
#include "core/transfer/handshake.hpp"
#include "core/transfer/peer.hpp"
#include "core/util/clock.hpp"
#include "core/util/random.hpp"

namespace hostwire::core::transfer {

namespace {

using T = abi::FrameType;

/** Accepted connections and peers not yet accepted, at most (a peer's HELLOs count once). */
constexpr size_t kMaxHandshakes = 1024;

/**
 * A listener whose accept() failed for want of descriptors or memory stops being watched for
 * this long (ms), doubling at each failure in a row up to the maximum: its connection stays
 * queued, so the level-triggered listener stays readable and the loop thread would spin.
 */
constexpr uint32_t kAcceptBackoffMinMs = 50;
constexpr uint32_t kAcceptBackoffMaxMs = 1000;

std::atomic<uint64_t> g_next_accept{0};
std::atomic<uint64_t> g_next_connect{0};

abi::ConnAddr addr_of(const abi::ConnInfo &info, size_t i) {
  return abi::detail::get<abi::ConnAddr>(&info, offsetof(abi::ConnInfo, addrs) + i * abi::ConnAddr::kSize);
}

uint16_t port_of(const abi::ConnInfo &info, size_t i) {
  return abi::detail::get<uint16_t>(&info, offsetof(abi::ConnInfo, ports) + i * sizeof(uint16_t));
}

/** "ECONNREFUSED" for an errno of the table, else the C library's words. */
std::string errno_text(int32_t err) {
  if (const char *n = abi::errno_name(err)) return n;
  return std::strerror(-err);
}

}  // namespace

void Engine::defer_error(DoneVoid done, int32_t err, std::string why) {
  defer([done = std::move(done), err, why = std::move(why)] {
    if (err < 0 && !why.empty()) error_detail() = why;
    done(err);
  });
}

// ---- listening -------------------------------------------------------------------------------

void Engine::listen(const ListenOptions &options, Done<std::vector<uint8_t>> done) {
  // Listening finishes within this call (the promise settles after it): only a signal that
  // has already aborted can stop it, and then nothing is opened.
  if (options.signal && options.signal->aborted()) {
    Guard g(*this);
    defer([done] {
      error_detail() = "the signal was aborted";
      done(-abi::kECANCELED, {});
    });
    return;
  }
  // A host name is resolved here, once, outside the lock.
  ListenPlan plan;
  std::string why;
  const int32_t planned = plan_listen(options_.host, plan, why);
  Guard g(*this);
  auto fail = [&](int32_t err, std::string reason) {
    defer([done, err, reason] {
      error_detail() = reason;
      done(err, {});
    });
  };
  if (closed_) return fail(-abi::kEINVAL, "the session is closed");
  if (!listeners_.empty()) {
    std::vector<uint8_t> blob = conn_blob_;
    defer([done, blob] { done(0, blob); });
    return;
  }
  if (planned != 0) return fail(planned, why);
  if (ensure_started() != 0) return fail(-abi::kEIO, "cannot start the session's event loop");
  abi::ConnInfo info{};
  info.magic = abi::kCONN_INFO_MAGIC;
  info.version_major = kVersionMajor;
  info.version_minor = kVersionMinor;
  info.channel_count = static_cast<uint16_t>(options_.channels);
  info.addr_count = static_cast<uint16_t>(plan.addrs.size());
  info.nonce = nonce_;
  for (uint32_t i = 0; i < options_.channels; ++i) {
    uint16_t port = 0;
    const int fd = open_listener(plan, port);
    if (fd < 0) {
      for (auto &l : listeners_) {
        l->stop();
        retire(std::move(l));
      }
      listeners_.clear();
      return fail(fd == -EADDRNOTAVAIL ? -abi::kEINVAL : -abi::kEIO,
                  "listen on " + (options_.host.empty() ? std::string("every interface") : options_.host) + ": " +
                      std::strerror(-fd));
    }
    auto l = std::make_unique<Listener>(*this, fd, i);
    loop_.add(fd, EPOLLIN, l.get());
    listeners_.push_back(std::move(l));
    abi::detail::put(&info, offsetof(abi::ConnInfo, ports) + i * sizeof(uint16_t), port);
  }
  for (size_t i = 0; i < plan.addrs.size(); ++i) {
    abi::detail::put(&info, offsetof(abi::ConnInfo, addrs) + i * abi::ConnAddr::kSize, plan.addrs[i]);
  }
  conn_blob_.assign(abi::ConnInfo::kSize, 0);
  abi::encode(info, conn_blob_.data());
  std::vector<uint8_t> blob = conn_blob_;
  defer([done, blob] { done(0, blob); });
}

size_t Engine::unfinished_handshakes() const { return pending_in_.size() + groups_.size() + ready_.size(); }

void Engine::on_listener_ready(Listener &l) {
  for (;;) {
    const int fd = accept_one(l.fd);
    if (fd < 0) {
      if (fd == -EAGAIN || fd == -EWOULDBLOCK) return;
      // That one connection failed (aborted before it was accepted, refused by a filter).
      if (fd == -EINTR || fd == -ECONNABORTED || fd == -EPROTO || fd == -EPERM) continue;
      // EMFILE, ENFILE, ENOBUFS, ENOMEM: the connection stays queued.
      metrics_.accept_failure();
      return pause_listener(l);
    }
    l.backoff_ms = 0;
    if (unfinished_handshakes() >= kMaxHandshakes) {
      // Peers that died before anyone accepted them count no more.
      ready_.erase(std::remove_if(ready_.begin(), ready_.end(),
                                  [this](uint64_t id) {
                                    Peer *p = peer_by_id(id);
                                    return p == nullptr || !p->alive();
                                  }),
                   ready_.end());
    }
    if (unfinished_handshakes() >= kMaxHandshakes) {
      ::close(fd);  // too many connections and peers nobody accepted yet: refuse more
      continue;
    }
    tune_socket(fd, tuning_);
    auto ch = std::make_unique<Channel>(loop_, fd, l.index, this, false, &dirty_, tuning_.rcvlowat_max);
    ch->accepted = true;
    ch->congestion = apply_congestion(fd, options_.congestion);
    if (ch->start() != 0) continue;  // closed by its destructor
    Channel *raw = ch.get();
    pending_in_.emplace(raw, std::move(ch));
  }
}

void Engine::pause_listener(Listener &l) {
  l.backoff_ms = l.backoff_ms == 0 ? kAcceptBackoffMinMs : std::min(kAcceptBackoffMaxMs, 2 * l.backoff_ms);
  l.paused = true;
  loop_.remove(l.fd);
  const uint32_t index = l.index;
  timers_.add(mono_now_ms() + l.backoff_ms, [this, index] {
    // By index: a listener stopped meanwhile is gone from listeners_ (or is another one).
    if (index >= listeners_.size() || !listeners_[index]) return;
    Listener &x = *listeners_[index];
    if (!x.paused || x.fd < 0) return;
    x.paused = false;
    loop_.add(x.fd, EPOLLIN, &x);  // level-triggered: a queued connection is reported at once
  });
}

std::unique_ptr<Channel> Engine::take_pending(Channel &ch) {
  auto it = pending_in_.find(&ch);
  if (it == pending_in_.end()) return nullptr;
  std::unique_ptr<Channel> out = std::move(it->second);
  pending_in_.erase(it);
  return out;
}

Engine::Group *Engine::group_of(const Channel &ch) {
  if (ch.stage == kStageNone) return nullptr;
  auto it = groups_.find(ch.user);
  return it == groups_.end() ? nullptr : it->second.get();
}

void Engine::drop_pending(Channel &ch, int32_t err, const std::string &why) {
  ch.close();
  if (auto pending = take_pending(ch)) return retire(std::move(pending));
  if (group_of(ch) != nullptr) drop_group(ch.user, err, why);
}

void Engine::drop_group(uint64_t conn_id, int32_t err, const std::string &why) {
  auto it = groups_.find(conn_id);
  if (it == groups_.end()) return;
  std::unique_ptr<Group> grp = std::move(it->second);
  groups_.erase(it);
  retire_channels(grp->slots);
  // The accept waiting for the peer that announced this name learns why it is not coming.
  if (grp->announced.empty()) return;
  auto a = find_accept(grp->announced);
  if (a == accepts_.end()) return;
  const int32_t e = err == -abi::kEPROTO || err == -abi::kETIMEDOUT ? err : -abi::kECONNRESET;
  end_accept(a, e, "the peer \"" + grp->announced + "\" broke off its handshake: " + why);
}

void Engine::on_accepted_frame(Channel &ch, const Frame &f) {
  const uint64_t count = listeners_.size();
  if (ch.stage == kStageNone) {
    // The first frame must be a HELLO naming this session, on the channel it was accepted by.
    if (f.type != T::kHELLO || f.tag != nonce_ || f.rkey != count || f.offset != ch.index()) {
      return drop_pending(ch, -abi::kEPROTO, "a bad HELLO");
    }
    return ch.expect_buffer();  // its hello record: on_payload
  }
  Group *grp = group_of(ch);
  if (grp == nullptr) return ch.close();
  if (f.type != T::kREADY || !grp->answered || ch.stage != kStageHello) {
    return drop_group(ch.user, -abi::kEPROTO, std::string("a ") + frame_type_name(f.type) + " frame before its READY");
  }
  on_accepted_ready(ch);
}

void Engine::on_accepted_hello(Channel &ch, const Frame &f, const Hello &h) {
  const uint64_t count = listeners_.size();
  const uint64_t conn_id = f.msg_id;
  auto &slot = groups_[conn_id];
  if (!slot) {
    slot = std::make_unique<Group>();
    slot->slots.resize(count);
    slot->announced = h.name;
    slot->started_ms = mono_now_ms();
  }
  Group &grp = *slot;
  if (grp.slots[f.offset] || grp.answered) return drop_pending(ch, -abi::kEPROTO, "a second HELLO for one channel");
  if (grp.announced != h.name) {
    drop_pending(ch, -abi::kEPROTO, "channels of one peer announced different names");
    return drop_group(conn_id, -abi::kEPROTO, "channels of one peer announced different names");
  }
  ch.user = conn_id;
  ch.stage = kStageHello;
  grp.slots[f.offset] = take_pending(ch);
  if (++grp.hellos < count) return;
  // Every channel said HELLO: answer each (the connector then says READY on each).
  grp.answered = true;
  const auto length = static_cast<uint32_t>(hello_payload_.size());
  for (uint32_t i = 0; i < count; ++i) {
    grp.slots[i]->send(make_frame(T::kHELLO, conn_id, nonce_, i, count, length), hello_payload_.data());
  }
}

void Engine::on_accepted_ready(Channel &ch) {
  Group &grp = *group_of(ch);
  ch.stage = kStageReady;
  if (++grp.readies < grp.slots.size()) {
    ch.pause();  // what follows waits for the peer
    return;
  }
  // Established on both sides.
  const uint64_t conn_id = ch.user;
  std::vector<std::unique_ptr<Channel>> channels = std::move(grp.slots);
  const std::string announced = grp.announced;
  groups_.erase(conn_id);
  std::vector<Channel *> paused;
  for (auto &c : channels) {
    if (c->paused()) paused.push_back(c.get());
  }
  const std::string address = peer_address_text(channels[0]->fd());
  const uint64_t id = ++next_peer_;
  auto peer = std::make_unique<Peer>(*this, id, std::move(channels));
  peer->stats().address = address;
  peer->stats().announced = announced;
  peers_.emplace(id, std::move(peer));
  ready_.push_back(id);
  match_accepts();
  for (Channel *c : paused) c->resume();
}

// ---- accepting -------------------------------------------------------------------------------

void Engine::accept(const std::string &name, const AcceptOptions &options, DoneVoid done) {
  const uint64_t id = ++g_next_accept;
  uint64_t abort_id = 0;
  if (options.signal) {
    // Registered outside the lock: an already aborted signal runs the callback right here.
    std::weak_ptr<Engine> weak = weak_from_this();
    abort_id = options.signal->on_abort([weak, id] {
      if (auto e = weak.lock()) e->cancel_accept(id);
    });
  }
  Guard g(*this);
  int32_t err = 0;
  std::string why;
  if (closed_) {
    err = -abi::kECANCELED;
    why = "the session is closed";
  } else if (name.empty()) {
    err = -abi::kEINVAL;
    why = "the name is empty";
  } else if (listeners_.empty()) {
    err = -abi::kEINVAL;
    why = "the session does not listen: call listen() first";
  } else if (options.signal && options.signal->aborted()) {
    err = -abi::kECANCELED;
    why = "the signal was aborted";
  } else if (Peer *p = peer_by_name(name); p != nullptr && p->alive()) {
    err = -abi::kEEXIST;
    why = "a connected peer is called \"" + name + "\"";
  } else if (find_accept(name) != accepts_.end()) {
    err = -abi::kEEXIST;
    why = "an accept for \"" + name + "\" is pending";
  }
  if (err != 0) {
    if (options.signal) options.signal->remove(abort_id);
    return defer_error(std::move(done), err, why);
  }
  accepts_.emplace_back();
  PendingAccept &a = accepts_.back();
  a.id = id;
  a.name = name;
  a.done = std::move(done);
  a.token = options.signal;
  a.abort_id = abort_id;
  match_accepts();
  // Still waiting: the timeout starts.
  auto it = find_accept(id);
  if (it == accepts_.end() || options.timeout_ms < 0) return;
  const int32_t ms = options.timeout_ms;
  if (ms == 0) return end_accept(it, -abi::kETIMEDOUT, "no peer \"" + name + "\" has connected");
  const int64_t at = mono_now_ms() + ms;
  it->timer = timers_.add(at, [this, id, ms] {
    auto p = find_accept(id);
    if (p == accepts_.end()) return;
    p->timer = 0;
    end_accept(p, -abi::kETIMEDOUT, "no peer \"" + p->name + "\" within " + std::to_string(ms) + " ms");
  });
  wake_for_timer(at);
}

std::list<Engine::PendingAccept>::iterator Engine::find_accept(uint64_t id) {
  return std::find_if(accepts_.begin(), accepts_.end(), [id](const PendingAccept &a) { return a.id == id; });
}

std::list<Engine::PendingAccept>::iterator Engine::find_accept(const std::string &name) {
  return std::find_if(accepts_.begin(), accepts_.end(), [&name](const PendingAccept &a) { return a.name == name; });
}

void Engine::cancel_accept(uint64_t id) {
  Guard g(*this);
  auto it = find_accept(id);
  if (it != accepts_.end()) end_accept(it, -abi::kECANCELED, "the signal was aborted");
}

void Engine::end_accept(std::list<PendingAccept>::iterator it, int32_t err, const std::string &why) {
  timers_.cancel(it->timer);
  if (it->token) it->token->remove(it->abort_id);
  DoneVoid done = std::move(it->done);
  accepts_.erase(it);
  defer_error(std::move(done), err, why);
}

void Engine::match_accepts() {
  // In the order peers were established: a named peer goes to the accept of its name, an
  // unnamed one to the oldest accept.
  for (auto it = ready_.begin(); it != ready_.end() && !accepts_.empty();) {
    Peer *p = peer_by_id(*it);
    if (p == nullptr || !p->alive()) {
      it = ready_.erase(it);
      continue;
    }
    const std::string &announced = p->stats().announced;
    auto a = announced.empty() ? accepts_.begin() : find_accept(announced);
    if (a == accepts_.end()) {
      ++it;
      continue;
    }
    it = ready_.erase(it);
    name_peer(*p, a->name);
    end_accept(a, 0, std::string());
  }
}

void Engine::name_peer(Peer &p, const std::string &name) {
  auto it = names_.find(name);
  if (it != names_.end() && it->second != p.id()) {
    auto old = peers_.find(it->second);
    if (old != peers_.end()) {
      old->second->fail(-abi::kECONNRESET, "replaced");
      peers_.erase(old);
    }
  }
  names_[name] = p.id();
  p.set_name(name, metrics_.peer(name));
}

// ---- connecting ------------------------------------------------------------------------------

int32_t Engine::load_remote_conn_info(const std::string &name, const uint8_t *blob, size_t n) {
  abi::ConnInfo info{};
  const int32_t err = parse_conn_info(blob, n, info, error_detail());
  if (err != 0) return err;
  if (name.empty()) return -abi::kEINVAL;
  Guard g(*this);
  auto it = remotes_.find(name);
  if (it != remotes_.end()) {
    if (it->second == info) return 0;
    Peer *p = peer_by_name(name);
    if (p != nullptr && p->alive()) return -abi::kEEXIST;
  }
  remotes_[name] = info;
  return 0;
}

void Engine::connect(const std::string &name, const ConnectOptions &options, DoneVoid done) {
  const uint64_t waiter_id = ++g_next_connect;
  uint64_t abort_id = 0;
  if (options.signal) {
    // Registered outside the lock: an already aborted signal runs the callback right here,
    // before the waiter exists, and the check below fails the call.
    std::weak_ptr<Engine> weak = weak_from_this();
    abort_id = options.signal->on_abort([weak, waiter_id] {
      if (auto e = weak.lock()) e->cancel_connect(waiter_id);
    });
  }
  ConnectWaiter waiter;
  waiter.id = waiter_id;
  waiter.done = std::move(done);
  waiter.token = options.signal;
  waiter.abort_id = abort_id;
  Guard g(*this);
  auto refuse = [&](int32_t err, std::string why) {
    if (waiter.token) waiter.token->remove(waiter.abort_id);
    defer_error(std::move(waiter.done), err, std::move(why));
  };
  if (closed_) return refuse(-abi::kECANCELED, "the session is closed");
  if (options.signal && options.signal->aborted()) return refuse(-abi::kECANCELED, "the signal was aborted");
  auto rit = remotes_.find(name);
  if (rit == remotes_.end()) return refuse(-abi::kENOENT, "no conn_info for \"" + name + "\": call loadRemoteConnInfo first");
  if (Peer *p = peer_by_name(name); p != nullptr && p->alive()) return refuse(0, "");
  for (auto &kv : attempts_) {
    if (kv.second->name == name) {
      kv.second->waiters.push_back(std::move(waiter));
      return;
    }
  }
  if (ensure_started() != 0) return refuse(-abi::kECONNRESET, "cannot start the session's event loop");
  const uint64_t attempt_id = ++next_attempt_;
  auto a = std::make_unique<Attempt>();
  a->name = name;
  a->info = rit->second;
  a->conn_id = random_u64();
  a->waiters.push_back(std::move(waiter));
  attempts_.emplace(attempt_id, std::move(a));
  dial(attempt_id);
  loop_.wake();
}

void Engine::dial(uint64_t attempt_id) {
  auto it = attempts_.find(attempt_id);
  if (it == attempts_.end()) return;
  Attempt &a = *it->second;
  if (a.addr >= a.info.addr_count) {
    return fail_attempt(attempt_id, a.first_err, "connect to \"" + a.name + "\": " + a.tried);
  }
  const abi::ConnAddr addr = addr_of(a.info, a.addr);
  for (uint16_t i = 0; i < a.info.channel_count; ++i) {
    const int fd = start_connect(addr, port_of(a.info, i));
    if (fd < 0) return on_dial_failed(attempt_id, connect_error(fd), std::strerror(-fd));
    tune_socket(fd, tuning_);
    auto ch = std::make_unique<Channel>(loop_, fd, i, this, true, &dirty_, tuning_.rcvlowat_max);
    ch->user = attempt_id;
    if (ch->start() != 0) return on_dial_failed(attempt_id, -abi::kECONNRESET, "cannot watch the socket");
    a.channels.push_back(std::move(ch));
  }
  const uint32_t ms = options_.connect_timeout_ms;
  a.timer = timers_.add(mono_now_ms() + ms, [this, attempt_id, ms] {
    auto at = attempts_.find(attempt_id);
    if (at == attempts_.end()) return;
    at->second->timer = 0;
    on_dial_failed(attempt_id, -abi::kETIMEDOUT, "no answer within " + std::to_string(ms) + " ms");
  });
}

void Engine::on_dial_failed(uint64_t attempt_id, int32_t err, const std::string &why) {
  auto it = attempts_.find(attempt_id);
  if (it == attempts_.end()) return;
  Attempt &a = *it->second;
  timers_.cancel(a.timer);
  a.timer = 0;
  retire_channels(a.channels);
  a.connected = 0;
  if (!a.tried.empty()) a.tried += "; ";
  a.tried += address_text(addr_of(a.info, a.addr), port_of(a.info, 0)) + ": " + errno_text(err) + " (" + why + ")";
  if (a.first_err == 0) a.first_err = err;
  ++a.addr;
  dial(attempt_id);  // the next address, or the end
}

void Engine::on_connected(Channel &ch, int32_t) {
  auto it = attempts_.find(ch.user);
  if (it == attempts_.end()) return ch.close();
  Attempt &a = *it->second;
  ch.congestion = apply_congestion(ch.fd(), options_.congestion);
  if (++a.connected < a.channels.size()) return;
  // This address answered on every channel: it is the one. HELLO on each.
  timers_.cancel(a.timer);
  a.handshaking = true;
  const uint64_t attempt_id = ch.user;
  const uint32_t ms = options_.peer_timeout_ms;
  a.timer = timers_.add(mono_now_ms() + ms, [this, attempt_id, ms] {
    auto at = attempts_.find(attempt_id);
    if (at == attempts_.end()) return;
    at->second->timer = 0;
    fail_attempt(attempt_id, -abi::kETIMEDOUT, "the handshake did not finish within " + std::to_string(ms) + " ms");
  });
  const auto count = static_cast<uint32_t>(a.channels.size());
  const auto length = static_cast<uint32_t>(hello_payload_.size());
  for (uint32_t i = 0; i < count; ++i) {
    a.channels[i]->send(make_frame(T::kHELLO, a.info.nonce, a.conn_id, i, count, length), hello_payload_.data());
  }
}

void Engine::on_connecting_frame(Channel &ch, const Frame &f) {
  auto it = attempts_.find(ch.user);
  if (it == attempts_.end()) return ch.close();
  Attempt &a = *it->second;
  if (ch.stage == kStageNone && f.type == T::kHELLO && f.tag == a.conn_id && f.msg_id == a.info.nonce &&
      f.offset == ch.index() && f.rkey == a.channels.size()) {
    return ch.expect_buffer();  // its hello record: on_payload
  }
  fail_attempt(ch.user, -abi::kEPROTO,
               std::string("the listener answered with a bad ") + frame_type_name(f.type) + " frame during the handshake");
}

void Engine::on_connecting_hello(Channel &ch, const Hello &h) {
  auto it = attempts_.find(ch.user);
  if (it == attempts_.end()) return ch.close();
  Attempt &a = *it->second;
  if (a.answered > 0 && h.name != a.announced) {
    return fail_attempt(ch.user, -abi::kEPROTO, "the listener's channels announced different names");
  }
  a.announced = h.name;
  ch.stage = kStageHello;
  if (++a.answered < a.channels.size()) {
    ch.pause();  // what follows waits for the peer
    return;
  }
  finish_attempt(ch.user);
}

void Engine::on_payload(Channel &ch, const Frame &f, bool buffered) {
  if (f.type != T::kHELLO || !buffered) return;
  const std::vector<uint8_t> b = ch.take_buffer();
  Hello h;
  std::string why;
  if (parse_hello(b.data(), b.size(), h, why) == 0) {
    return ch.accepted ? on_accepted_hello(ch, f, h) : on_connecting_hello(ch, h);
  }
  if (!ch.accepted) return fail_attempt(ch.user, -abi::kEPROTO, why);
  if (h.major != kVersionMajor) {
    // Answered, so that the connector can name both versions too, then closed.
    const auto length = static_cast<uint32_t>(hello_payload_.size());
    ch.send(make_frame(T::kHELLO, f.msg_id, nonce_, f.offset, f.rkey, length), hello_payload_.data());
    ch.flush_now();
    // The accept waiting for the name it announced learns why.
    auto a = h.name.empty() ? accepts_.end() : find_accept(h.name);
    if (a != accepts_.end()) end_accept(a, -abi::kEPROTO, why);
  }
  drop_pending(ch, -abi::kEPROTO, why);
}

void Engine::on_chunk_written(Channel &, const std::shared_ptr<Op> &, uint32_t) {}

void Engine::on_frame(Channel &ch, const Frame &f) {
  if (ch.accepted) return on_accepted_frame(ch, f);
  on_connecting_frame(ch, f);
}

void Engine::on_channel_error(Channel &ch, int32_t err, const char *why) {
  if (ch.accepted) return drop_pending(ch, -abi::kECONNRESET, why);
  auto it = attempts_.find(ch.user);
  if (it == attempts_.end()) return;
  Attempt &a = *it->second;
  if (!a.handshaking) return on_dial_failed(ch.user, connect_error(err), std::strerror(-err));
  const std::string where = address_text(addr_of(a.info, a.addr), port_of(a.info, ch.index()));
  if (err == -abi::kEPROTO) return fail_attempt(ch.user, err, std::string(why) + " (" + where + ")");
  fail_attempt(ch.user, -abi::kECONNRESET,
               "the listener at " + where + " closed the connection during the handshake (" + why +
                   "): another session listens there now, or it refused this one");
}

void Engine::fail_attempt(uint64_t attempt_id, int32_t err, const std::string &why) {
  auto it = attempts_.find(attempt_id);
  if (it == attempts_.end()) return;
  std::unique_ptr<Attempt> a = std::move(it->second);
  attempts_.erase(it);
  timers_.cancel(a->timer);
  retire_channels(a->channels);
  end_waiters(*a, err, why);
}

void Engine::end_waiters(Attempt &a, int32_t err, const std::string &why) {
  for (auto &w : a.waiters) {
    if (w.token) w.token->remove(w.abort_id);
    defer_error(std::move(w.done), err, why);
  }
  a.waiters.clear();
}

void Engine::cancel_connect(uint64_t waiter_id) {
  Guard g(*this);
  for (auto &kv : attempts_) {
    auto &waiters = kv.second->waiters;
    auto w = std::find_if(waiters.begin(), waiters.end(), [waiter_id](const ConnectWaiter &x) { return x.id == waiter_id; });
    if (w == waiters.end()) continue;
    // On the aborting thread; the token has already let go of this waiter's callback.
    DoneVoid done = std::move(w->done);
    waiters.erase(w);
    defer_error(std::move(done), -abi::kECANCELED, "the signal was aborted");
    if (waiters.empty()) fail_attempt(kv.first, -abi::kECANCELED, "the signal was aborted");
    return;
  }
}

void Engine::finish_attempt(uint64_t attempt_id) {
  auto it = attempts_.find(attempt_id);
  if (it == attempts_.end()) return;
  std::unique_ptr<Attempt> a = std::move(it->second);
  attempts_.erase(it);
  timers_.cancel(a->timer);
  std::vector<Channel *> paused;
  for (auto &ch : a->channels) {
    ch->send(make_frame(T::kREADY));
    if (ch->paused()) paused.push_back(ch.get());
  }
  const uint64_t id = ++next_peer_;
  auto peer = std::make_unique<Peer>(*this, id, std::move(a->channels));
  Peer &p = *peer;
  peers_.emplace(id, std::move(peer));
  name_peer(p, a->name);
  p.stats().address = address_text(addr_of(a->info, a->addr), port_of(a->info, 0));
  p.stats().announced = a->announced;
  for (auto &w : a->waiters) {
    if (w.token) w.token->remove(w.abort_id);
    DoneVoid done = std::move(w.done);
    defer([done] { done(0); });
  }
  for (Channel *c : paused) c->resume();
}

}  // namespace hostwire::core::transfer
