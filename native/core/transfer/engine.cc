#include "core/transfer/engine.hpp"

#include <pthread.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <iterator>
#include <utility>

#include "core/transfer/engine_guard.hpp"
#include "core/transfer/handshake.hpp"
#include "core/transfer/peer.hpp"
#include "core/transfer/wire.hpp"
#include "core/util/clock.hpp"
#include "core/util/random.hpp"

namespace hostwire::core::transfer {

namespace {

std::atomic<uint64_t> g_next_engine{0};

int64_t now_us() {
  return std::chrono::duration_cast<std::chrono::microseconds>(MonoClock::now().time_since_epoch()).count();
}

/**
 * Socket buffers: HOSTWIRE_TRANSFER_SNDBUF / _RCVBUF override (bytes; 0 = kernel autotuning);
 * HOSTWIRE_TRANSFER_RCVLOWAT the largest receive low-water mark (bytes; 1 = none);
 * HOSTWIRE_TRANSFER_RCVWIN the receive window opened at the start (bytes; 0 = the kernel's).
 */
SocketTuning default_tuning() {
  SocketTuning t;
  if (const char *v = std::getenv("HOSTWIRE_TRANSFER_SNDBUF")) t.sndbuf = std::atoi(v);
  if (const char *v = std::getenv("HOSTWIRE_TRANSFER_RCVBUF")) t.rcvbuf = std::atoi(v);
  if (const char *v = std::getenv("HOSTWIRE_TRANSFER_RCVLOWAT")) t.rcvlowat_max = std::atoi(v);
  if (const char *v = std::getenv("HOSTWIRE_TRANSFER_RCVWIN")) t.rcvwin = std::atoi(v);
  return t;
}

}  // namespace

Engine::Engine(const SessionOptions &options)
    : id_(++g_next_engine),
      options_(options),
      tuning_(default_tuning()),
      nonce_(random_u64()),
      hello_payload_(encode_hello(options.name)) {}

Engine::~Engine() {
  {
    Guard g(*this);
    stop_locked(-abi::kECANCELED);
  }
  join();
}

// ---- the loop thread -----------------------------------------------------------------------

int32_t Engine::ensure_started() {
  if (started_) return 0;
  if (closed_) return -abi::kECANCELED;
  const int32_t err = loop_.open();
  if (err != 0) return err;
  started_ = true;
  thread_ = std::thread([this] { run(); });
  loop_thread_id_ = thread_.get_id();
  schedule_tick();
  return 0;
}

void Engine::run() {
  // Named for top -H, perf and gdb (at most 15 characters).
  pthread_setname_np(pthread_self(), "hostwire-xfer");
  std::vector<epoll_event> events(64);
  std::vector<std::function<void()>> calls;
  int timeout = -1;
  {
    LoopStep step(mu_);
    if (stopping_) return;
    timeout = next_timeout_locked();
  }
  // One locked step per wake-up (two when it completed something): every step of the lock
  // taken is one the JS thread may have to wait for, and one more hand-off of the lock.
  for (;;) {
    const int n = loop_.wait(events.data(), static_cast<int>(events.size()), timeout);
    {
      LoopStep step(mu_);
      if (stopping_) break;
      for (int i = 0; i < n; ++i) static_cast<Handler *>(events[i].data.ptr)->on_event(events[i].events);
      for (auto &f : timers_.take_due(mono_now_ms())) f();
      calls.swap(deferred_);
      if (calls.empty()) {
        end_step_locked(timeout, calls);
      }
    }
    if (calls.empty()) continue;
    // Completions first, then the frames these events queued (the ACKs of completed
    // receives): the waiting thread wakes while the ACKs go out, not after.
    for (auto &c : calls) c();
    calls.clear();
    {
      LoopStep step(mu_);
      if (stopping_) break;
      end_step_locked(timeout, calls);
    }
    for (auto &c : calls) c();
    calls.clear();
  }
}

void Engine::end_step_locked(int &timeout, std::vector<std::function<void()>> &calls) {
  Channel::flush_all(dirty_, Channel::kLoopWriteBudget);
  forget_gone_peers();
  graveyard_.clear();
  freed_.clear();
  timeout = next_timeout_locked();
  calls.swap(deferred_);
  // A completion run after this step may add a timer (a C++ caller's wait with a timeout
  // from inside its callback): it wakes the loop, which then computes the timeout again.
}

int Engine::next_timeout_locked() {
  const int64_t now = mono_now_ms();
  const int timeout = timers_.next_timeout(now);
  loop_deadline_ms_ = timeout < 0 ? -1 : now + timeout;
  return timeout;
}

void Engine::schedule_tick() {
  const uint32_t base = std::min(options_.heartbeat_ms, options_.peer_timeout_ms);
  const int64_t every = std::max<int64_t>(5, base / 2);
  tick_timer_ = timers_.add(mono_now_ms() + every, [this] {
    tick_timer_ = 0;
    tick();
    if (!stopping_) schedule_tick();
  });
}

void Engine::tick() {
  const int64_t now = mono_now_ms();
  for (auto &kv : peers_) kv.second->tick(now);
  // Connections that never completed their HELLO within the peer timeout are dropped.
  const int64_t limit = options_.peer_timeout_ms;
  for (auto it = pending_in_.begin(); it != pending_in_.end();) {
    if (now - it->second->created_ms >= limit) {
      it->second->close();
      retire(std::move(it->second));
      it = pending_in_.erase(it);
    } else {
      ++it;
    }
  }
  std::vector<uint64_t> late;
  for (auto &kv : groups_) {
    if (now - kv.second->started_ms >= limit) late.push_back(kv.first);
  }
  for (uint64_t conn_id : late) drop_group(conn_id, -abi::kETIMEDOUT, "its handshake did not finish within peer_timeout_ms");
}

void Engine::forget_gone_peers() {
  if (gone_.empty()) return;
  std::vector<uint64_t> ids;
  ids.swap(gone_);
  for (uint64_t id : ids) {
    auto it = peers_.find(id);
    if (it == peers_.end() || it->second->alive()) continue;
    const std::string name = it->second->name();
    peers_.erase(it);
    if (name.empty()) continue;  // never accepted
    auto n = names_.find(name);
    if (n == names_.end() || n->second != id) continue;  // the name is another peer's now
    names_.erase(n);
    metrics_.peer_gone(name);
  }
}

size_t Engine::peer_count() {
  Guard g(*this);
  forget_gone_peers();
  return peers_.size();
}

void Engine::retire(std::unique_ptr<Handler> h) {
  if (h) graveyard_.push_back(std::move(h));
}

void Engine::retire_channels(std::vector<std::unique_ptr<Channel>> &channels) {
  for (auto &ch : channels) {
    if (!ch) continue;
    ch->close();
    retire(std::move(ch));
  }
  channels.clear();
}

void Engine::stop_locked(int32_t err) {
  if (closed_) return;
  closed_ = true;
  for (auto &l : listeners_) {
    l->stop();
    retire(std::move(l));
  }
  listeners_.clear();
  for (auto &kv : pending_in_) {
    kv.second->close();
    retire(std::move(kv.second));
  }
  pending_in_.clear();
  for (auto &kv : groups_) {
    retire_channels(kv.second->slots);
  }
  groups_.clear();
  std::vector<uint64_t> ids;
  for (auto &kv : attempts_) ids.push_back(kv.first);
  for (uint64_t id : ids) fail_attempt(id, err);
  while (!accepts_.empty()) end_accept(accepts_.begin(), err, "the session is closed");
  while (!notif_waiters_.empty()) end_notif_wait(notif_waiters_.begin(), -abi::kECANCELED);
  for (auto &kv : peers_) kv.second->disconnect(err);
  timers_.cancel(tick_timer_);
  tick_timer_ = 0;
  stopping_ = true;
  loop_.wake();
}

void Engine::join() {
  if (!thread_.joinable()) return;
  if (std::this_thread::get_id() == loop_thread_id_) {
    // Only a C++ caller that drops its last reference inside one of this session's own
    // completions gets here; the JS glue never does. A thread cannot join itself, and the
    // engine never detaches one.
    std::fprintf(stderr, "hostwire: a transfer Session was destroyed from its own event-loop thread\n");
    std::abort();
  }
  thread_.join();
  mu_.lock_api();
  graveyard_.clear();
  // Nothing waits on the loop any more: its epoll and eventfd go now, not when the last
  // handle is garbage-collected (closed sessions kept referenced held two descriptors each).
  loop_.close();
  mu_.unlock_api();
}

// ---- peers ------------------------------------------------------------------------------------

void Engine::disconnect(const std::string &name, DoneVoid done) {
  Guard g(*this);
  Peer *p = peer_by_name(name);
  if (p == nullptr) {
    const int32_t err = metrics_.recently_gone(name) ? 0 : -abi::kENOENT;  // gone already
    defer([done, err] { done(err); });
    return;
  }
  p->disconnect(-abi::kECONNRESET);
  defer([done] { done(0); });
}

Peer *Engine::peer_by_id(uint64_t id) const {
  auto it = peers_.find(id);
  return it == peers_.end() ? nullptr : it->second.get();
}

Peer *Engine::peer_by_name(const std::string &name) const {
  auto it = names_.find(name);
  return it == names_.end() ? nullptr : peer_by_id(it->second);
}

// ---- memory ----------------------------------------------------------------------------------

int32_t Engine::register_memory(const Memory &memory, const RegisterOptions &options,
                                std::shared_ptr<MemoryRegionApi> &out) {
  if (memory.data == nullptr || memory.size == 0) return -abi::kEINVAL;
  auto st = std::make_shared<RegionState>();
  st->engine_id = id_;
  st->data = memory.data;
  st->size = memory.size;
  st->owner = memory.owner;
  st->allow_recv = options.recv;
  st->allow_send = options.send;
  st->rkey = random_u64() | 1;
  Guard g(*this);
  st->id = ++next_region_;
  regions_.emplace(st->id, st);
  out = std::make_shared<MemoryRegionImpl>(st);
  return 0;
}

int32_t Engine::alloc_memory(uint64_t size, const RegisterOptions &options, std::shared_ptr<MemoryRegionApi> &out) {
  if (size == 0 || size > (UINT64_C(1) << 47)) return -abi::kEINVAL;
  auto mem = std::make_shared<MappedMemory>(size);
  if (mem->data() == nullptr) return -abi::kENOMEM;
  Memory m;
  m.data = mem->data();
  m.size = static_cast<size_t>(size);
  m.owner = mem;
  const int32_t err = register_memory(m, options, out);
  if (err == 0) static_cast<MemoryRegionImpl *>(out.get())->state()->engine_owned = true;
  return err;
}

int32_t Engine::check_region(const std::shared_ptr<MemoryRegionApi> &r, std::shared_ptr<RegionState> &out) {
  auto *impl = dynamic_cast<MemoryRegionImpl *>(r.get());
  if (impl == nullptr) return -abi::kEINVAL;
  const auto &st = impl->state();
  if (st->engine_id != id_ || !st->registered) return -abi::kEINVAL;
  out = st;
  return 0;
}

int32_t Engine::deregister_memory(const std::shared_ptr<MemoryRegionApi> &region) {
  Guard g(*this);
  std::shared_ptr<RegionState> st;
  if (int32_t err = check_region(region, st); err != 0) return err;
  if (st->busy > 0) return -abi::kEBUSY;
  st->registered = false;
  regions_.erase(st->id);
  // What peers are moving in or out of it fails there (ESTALE) and here; no byte lands after.
  for (auto &kv : peers_) kv.second->drop_served(st.get(), -abi::kESTALE);
  return 0;
}

// ---- transfers -------------------------------------------------------------------------------

int32_t Engine::create_transfer(const std::string &name, std::shared_ptr<XferState> &out) {
  Guard g(*this);
  Peer *p = peer_by_name(name);
  // A peer gone and forgotten is unknown (ENOENT) but for the last few (metrics).
  if (p == nullptr) return metrics_.recently_gone(name) ? -abi::kENOTCONN : -abi::kENOENT;
  if (!p->alive() || closed_) return -abi::kENOTCONN;
  out = std::make_shared<XferState>();
  out->peer_id = p->id();
  return 0;
}

/**
 * The index of the first op of a batch whose tag an earlier op has, or `ops.size()`: one sort
 * of (tag, index) pairs, outside the engine lock. Comparing each op with every earlier one,
 * under the lock, cost 1024-op batches about 0.15 ms (posts of 4 KiB receives: 820-860 ns
 * per op before, 670-730 after).
 */
static size_t first_repeated_tag(const std::vector<PostOp> &ops) {
  if (ops.size() < 2) return ops.size();
  std::vector<std::pair<uint64_t, size_t>> by_tag(ops.size());
  for (size_t i = 0; i < ops.size(); ++i) by_tag[i] = {ops[i].tag, i};
  std::sort(by_tag.begin(), by_tag.end());
  size_t first = ops.size();
  for (size_t k = 1; k < by_tag.size(); ++k) {
    if (by_tag[k].first == by_tag[k - 1].first) first = std::min(first, by_tag[k].second);
  }
  return first;
}

int32_t Engine::post(XferState &x, bool is_recv, const std::vector<PostOp> &ops) {
  const size_t repeated = first_repeated_tag(ops);
  Guard g(*this);
  Peer *p = nullptr;
  if (int32_t err = postable(x, p); err != 0) return err;
  // Check the whole batch before posting any of it.
  std::vector<std::shared_ptr<RegionState>> regions(ops.size());
  for (size_t i = 0; i < ops.size(); ++i) {
    const PostOp &o = ops[i];
    if (int32_t err = check_local(o.region, o.offset, o.size, is_recv, regions[i]); err != 0) return err;
    if (p->has_active(is_recv, o.tag) || i == repeated) return -abi::kEEXIST;
  }
  const int64_t posted_us = now_us();  // one reading for the batch
  x.ops.reserve(x.ops.size() + ops.size());
  for (size_t i = 0; i < ops.size(); ++i) {
    auto op = std::make_shared<Op>();
    op->is_recv = is_recv;
    op->id = is_recv ? (++next_recv_ | kRecvIdBit) : ++next_send_;
    op->tag = ops[i].tag;
    op->region = regions[i];
    op->offset = ops[i].offset;
    op->size = ops[i].size;
    op->xfer = &x;
    op->peer_id = x.peer_id;
    op->posted_us = posted_us;
    if (!start_op(x, *p, op)) break;
  }
  return 0;
}

int32_t Engine::postable(const XferState &x, Peer *&p) const {
  if (x.released || x.cancelled) return -abi::kECANCELED;
  p = peer_by_id(x.peer_id);
  if (p == nullptr || !p->alive()) return -abi::kENOTCONN;
  return 0;
}

int32_t Engine::check_local(const std::shared_ptr<MemoryRegionApi> &region, uint64_t offset, uint64_t size, bool recv,
                            std::shared_ptr<RegionState> &out) {
  if (int32_t err = check_region(region, out); err != 0) return err;
  if (offset > out->size || size > out->size - offset) return -abi::kEINVAL;
  if (recv ? !out->allow_recv : !out->allow_send) return -abi::kEINVAL;
  return 0;
}

bool Engine::start_op(XferState &x, Peer &p, const std::shared_ptr<Op> &op) {
  ++op->region->busy;
  ++x.active;
  x.ops.push_back(op);
  p.post(op);
  return p.alive();  // false: the post failed the peer (a socket error), and its ops with it
}

void Engine::finish_op(Op &op, int32_t err) {
  if (op.finished) return;
  op.finished = true;
  op.err = err;
  // A one-sided operation we serve belongs to no transfer of ours and does not hold its region
  // (deregistering it fails the operation instead); nor is it timed here.
  if (op.space == Space::kTarget) {
    if (err != 0) metrics_.error(err);
    return;
  }
  if (op.region->busy > 0) --op.region->busy;
  if (err == 0) {
    metrics_.latency_us(static_cast<uint64_t>(std::max<int64_t>(0, now_us() - op.posted_us)));
  } else {
    metrics_.error(err);
  }
  XferState *x = op.xfer;
  op.xfer = nullptr;
  if (x == nullptr) return;
  if (x->active > 0) --x->active;
  if (err != 0 && x->err == 0) x->err = err;
  settle(*x);
  if (x->orphaned && x->active == 0) {
    // Its last operation settled and nothing else refers to it: freed once this section ends.
    auto it = orphans_.find(x);
    if (it != orphans_.end()) {
      freed_.push_back(std::move(it->second));
      orphans_.erase(it);
    }
  }
}

void Engine::settle(XferState &x) {
  int32_t result;
  if (x.err != 0) {
    result = x.err;
  } else if (x.active == 0) {
    result = 0;
  } else {
    return;
  }
  for (auto &w : x.waiters) {
    timers_.cancel(w.timer);
    if (w.token) w.token->remove(w.abort_id);
    DoneVoid d = std::move(w.done);
    defer([d, result] { d(result); });
  }
  x.waiters.clear();
}

void Engine::wait(const std::shared_ptr<XferState> &x, const WaitOptions &options, DoneVoid done) {
  uint64_t abort_id = 0;
  if (options.signal) {
    // Registered outside the lock: an already aborted signal runs the callback right here.
    std::weak_ptr<Engine> weak_engine = weak_from_this();
    std::weak_ptr<XferState> weak_x = x;
    abort_id = options.signal->on_abort([weak_engine, weak_x] {
      auto e = weak_engine.lock();
      auto xs = weak_x.lock();
      if (e && xs) e->cancel(*xs, false);
    });
  }
  Guard g(*this);
  int32_t result = 1;
  if (x->released || x->cancelled) {
    result = -abi::kECANCELED;
  } else if (x->err != 0) {
    result = x->err;
  } else if (x->active == 0) {
    result = 0;
  } else if (options.timeout_ms == 0) {
    result = -abi::kETIMEDOUT;
  }
  if (result != 1) {
    if (options.signal) options.signal->remove(abort_id);
    defer([done, result] { done(result); });
    return;
  }
  x->waiters.emplace_back();
  Waiter &w = x->waiters.back();
  w.done = std::move(done);
  w.token = options.signal;
  w.abort_id = abort_id;
  if (options.timeout_ms > 0) {
    auto it = std::prev(x->waiters.end());
    XferState *raw = x.get();
    const int64_t at = mono_now_ms() + options.timeout_ms;
    w.timer = timers_.add(at, [this, raw, it] {
      // ETIMEDOUT: this wait ends; the transfer stays active.
      if (it->token) it->token->remove(it->abort_id);
      DoneVoid d = std::move(it->done);
      raw->waiters.erase(it);
      defer([d] { d(-abi::kETIMEDOUT); });
    });
    if (ensure_started() == 0) wake_for_timer(at);
  }
}

void Engine::wake_for_timer(int64_t at_ms) {
  // The loop thread sleeps until loop_deadline_ms_ at the latest (the heartbeat tick keeps it
  // finite): a timer due after that is found when it wakes, without a wake-up of its own.
  if (loop_deadline_ms_ < 0 || at_ms < loop_deadline_ms_) loop_.wake();
}

int32_t Engine::is_complete(XferState &x, bool &result) {
  Guard g(*this);
  result = !x.released && x.err == 0 && x.active == 0;
  return 0;
}

int32_t Engine::received_bytes(XferState &x, uint64_t tag, uint64_t &result) {
  Guard g(*this);
  for (auto it = x.ops.rbegin(); it != x.ops.rend(); ++it) {
    if ((*it)->is_recv && (*it)->tag == tag) {
      result = (*it)->received;
      return 0;
    }
  }
  return -abi::kENOENT;
}

void Engine::cancel(XferState &x, bool release) {
  Guard g(*this);
  if (x.released) return;
  Peer *p = peer_by_id(x.peer_id);
  std::vector<std::shared_ptr<Op>> ops = x.ops;
  if (x.active > 0) x.cancelled = true;
  for (auto &op : ops) {
    if (op->finished) continue;
    if (p != nullptr && p->alive()) {
      p->cancel(op, -abi::kECANCELED);
    } else {
      finish_op(*op, -abi::kECANCELED);
    }
  }
  if (release) {
    x.released = true;
    for (auto &w : x.waiters) {
      timers_.cancel(w.timer);
      if (w.token) w.token->remove(w.abort_id);
      DoneVoid d = std::move(w.done);
      defer([d] { d(-abi::kECANCELED); });
    }
    x.waiters.clear();
    for (auto &op : x.ops) op->xfer = nullptr;
    x.ops.clear();
  }
}

void Engine::abandon(const std::shared_ptr<XferState> &x) {
  Guard g(*this);
  if (x->released) return;
  // Waiters exist only while operations are active (settle() ends them all at the last one).
  if (x->active == 0) return;
  x->orphaned = true;
  orphans_.emplace(x.get(), x);
}

// ---- session ---------------------------------------------------------------------------------

std::string Engine::metrics_json() {
  Guard g(*this);
  return metrics_.json();
}

void Engine::close(DoneVoid done) {
  {
    Guard g(*this);
    stop_locked(-abi::kECANCELED);
  }
  if (std::this_thread::get_id() == loop_thread_id_) {
    // From one of our own completions (C++ callers only): the thread ends after this
    // iteration; the destructor joins it.
    done(0);
    return;
  }
  join();
  done(0);
}

}  // namespace hostwire::core::transfer
