// hostwire transfer engine: one-sided READ/WRITE (the initiator's posts, the target's checks)
// and notifications (NIXL's genNotif / getNotifs). The protocol is in peer.cc and wire.hpp.
#include <algorithm>
#include <iterator>

#include "core/transfer/engine.hpp"
#include "core/transfer/engine_guard.hpp"
#include "core/transfer/peer.hpp"
#include "core/util/clock.hpp"

#include <chrono>

namespace hostwire::core::transfer {

int32_t Engine::post_one_sided(XferState &x, bool read, const std::vector<RemoteOp> &ops,
                               const std::optional<std::vector<uint8_t>> &notify) {
  if (notify && notify->size() > abi::kNOTIF_MAX_BYTES) return -abi::kEINVAL;
  Guard g(*this);
  Peer *p = nullptr;
  if (int32_t err = postable(x, p); err != 0) return err;
  // Check the whole list before posting any of it: the local ranges, and the remote ones
  // against what the descriptors say (the peer checks them again against its regions).
  std::vector<std::shared_ptr<RegionState>> regions(ops.size());
  for (size_t i = 0; i < ops.size(); ++i) {
    const RemoteOp &o = ops[i];
    if (int32_t err = check_local(o.region, o.offset, o.size, read, regions[i]); err != 0) return err;
    if (o.remote.kind != abi::MemKind::kHOST) return -abi::kEINVAL;
    if (o.remote_offset > o.remote.size || o.size > o.remote.size - o.remote_offset) return -abi::kEINVAL;
  }
  std::shared_ptr<BatchNotify> batch;
  if (notify && !read) {
    batch = std::make_shared<BatchNotify>();
    batch->remaining = ops.size();
    batch->msg = *notify;
    if (ops.empty()) {
      p->send_notif(std::make_shared<const std::vector<uint8_t>>(std::move(batch->msg)));
      return 0;
    }
  }
  const int64_t posted_us =
      std::chrono::duration_cast<std::chrono::microseconds>(MonoClock::now().time_since_epoch()).count();
  x.ops.reserve(x.ops.size() + ops.size());
  for (size_t i = 0; i < ops.size(); ++i) {
    const RemoteOp &o = ops[i];
    auto op = std::make_shared<Op>();
    op->space = Space::kInitiator;
    op->is_recv = read;
    op->id = read ? (++next_recv_ | kRecvIdBit) : ++next_send_;
    op->tag = ++next_one_sided_tag_;
    op->region = regions[i];
    op->offset = o.offset;
    op->size = o.size;
    op->xfer = &x;
    op->peer_id = x.peer_id;
    op->posted_us = posted_us;
    op->remote_region = o.remote.region_id;
    op->remote_offset = o.remote_offset;
    op->remote_rkey = o.remote.rkey;
    // A WRITE's target receive has the id of the send with bit 63 (its RTR, ACK and ERROR say so).
    if (!read) op->matched_recv = op->id | kRecvIdBit;
    op->notify = batch;
    if (!start_op(x, *p, op)) break;
  }
  return 0;
}

int32_t Engine::check_served(uint32_t region_id, uint64_t rkey, uint64_t offset, uint64_t size, bool write,
                             std::shared_ptr<RegionState> &out) const {
  auto it = regions_.find(region_id);
  if (it == regions_.end() || !it->second->registered) return -abi::kESTALE;
  const RegionState &st = *it->second;
  if (st.rkey != rkey) return -abi::kEACCES;
  if (size > UINT64_MAX - offset) return -abi::kEINVAL;
  if (offset > st.size || size > st.size - offset) return -abi::kEFAULT;
  if (write ? !st.allow_recv : !st.allow_send) return -abi::kEPERM;
  out = it->second;
  return 0;
}

// ---- notifications ----------------------------------------------------------------------------

int32_t Engine::gen_notif(const std::string &name, const uint8_t *msg, size_t n) {
  if (n > abi::kNOTIF_MAX_BYTES) return -abi::kEINVAL;
  Guard g(*this);
  Peer *p = peer_by_name(name);
  if (p == nullptr) return metrics_.recently_gone(name) ? -abi::kENOTCONN : -abi::kENOENT;
  if (!p->alive() || closed_) return -abi::kENOTCONN;
  p->send_notif(std::make_shared<const std::vector<uint8_t>>(msg, msg + n));
  return 0;
}

void Engine::on_notif(Peer &p, std::vector<uint8_t> msg) {
  ++p.stats().notifs_received;
  for (auto it = notif_waiters_.begin(); it != notif_waiters_.end(); ++it) {
    if (it->peer && *it->peer != p.name()) continue;
    Done<Notif> d = std::move(it->done);
    timers_.cancel(it->timer);
    if (it->token) it->token->remove(it->abort_id);
    notif_waiters_.erase(it);
    Notif n;
    n.peer = p.name();
    n.msg = std::move(msg);
    defer([d, n = std::move(n)]() mutable { d(0, std::move(n)); });
    return;
  }
  auto &held = notifs_held_[p.name()];
  if (held.first >= abi::kNOTIF_QUEUE_MAX || held.second + msg.size() > abi::kNOTIF_QUEUE_MAX_BYTES) {
    ++p.stats().notifs_dropped;  // the newest is dropped: what is queued stays in order
    return;
  }
  ++held.first;
  held.second += msg.size();
  Notif n;
  n.peer = p.name();
  n.msg = std::move(msg);
  notifs_.push_back(std::move(n));
}

bool Engine::take_notif(const std::optional<std::string> &peer, Notif &out) {
  auto it = notifs_.begin();
  if (peer) it = std::find_if(notifs_.begin(), notifs_.end(), [&](const Notif &n) { return n.peer == *peer; });
  if (it == notifs_.end()) return false;
  auto held = notifs_held_.find(it->peer);
  if (held != notifs_held_.end()) {
    --held->second.first;
    held->second.second -= it->msg.size();
    if (held->second.first == 0) notifs_held_.erase(held);
  }
  out = std::move(*it);
  notifs_.erase(it);
  return true;
}

void Engine::get_notifs(std::vector<Notif> &out) {
  Guard g(*this);
  out.assign(std::make_move_iterator(notifs_.begin()), std::make_move_iterator(notifs_.end()));
  notifs_.clear();
  notifs_held_.clear();
}

void Engine::end_notif_wait(std::list<NotifWaiter>::iterator it, int32_t err) {
  timers_.cancel(it->timer);
  if (it->token) it->token->remove(it->abort_id);
  Done<Notif> d = std::move(it->done);
  notif_waiters_.erase(it);
  defer([d, err] { d(err, Notif{}); });
}

void Engine::cancel_notif_wait(uint64_t id) {
  Guard g(*this);
  for (auto it = notif_waiters_.begin(); it != notif_waiters_.end(); ++it) {
    if (it->id == id) return end_notif_wait(it, -abi::kECANCELED);
  }
}

void Engine::wait_notif(const WaitNotifOptions &options, Done<Notif> done) {
  const uint64_t id = ++next_notif_wait_;
  uint64_t abort_id = 0;
  if (options.signal) {
    // Registered outside the lock: an already aborted signal runs the callback right here (and
    // finds no waiter: the check below sees the signal aborted).
    std::weak_ptr<Engine> weak_engine = weak_from_this();
    abort_id = options.signal->on_abort([weak_engine, id] {
      if (auto e = weak_engine.lock()) e->cancel_notif_wait(id);
    });
  }
  Guard g(*this);
  int32_t err = 1;
  Notif n;
  if (take_notif(options.peer, n)) {
    err = 0;
  } else if (closed_ || (options.signal && options.signal->aborted())) {
    err = -abi::kECANCELED;
  } else if (options.timeout_ms == 0) {
    err = -abi::kETIMEDOUT;
  }
  if (err != 1) {
    if (options.signal) options.signal->remove(abort_id);
    defer([done, err, n = std::move(n)]() mutable { done(err, std::move(n)); });
    return;
  }
  notif_waiters_.emplace_back();
  auto it = std::prev(notif_waiters_.end());
  it->id = id;
  it->peer = options.peer;
  it->done = std::move(done);
  it->token = options.signal;
  it->abort_id = abort_id;
  if (options.timeout_ms > 0) {
    const int64_t at = mono_now_ms() + options.timeout_ms;
    it->timer = timers_.add(at, [this, it] {
      it->timer = 0;
      end_notif_wait(it, -abi::kETIMEDOUT);
    });
    if (ensure_started() == 0) wake_for_timer(at);
  }
}

}  // namespace hostwire::core::transfer
