// hostwire transfer engine: one session's engine.
//
// Threads: the JS thread (or any C++ caller) calls the API; one event-loop thread per
// session, started by the first listen() or connect(), runs the sockets and timers. One
// lock (mu_, an EngineLock) guards all engine state; the loop thread takes it to dispatch a
// batch of events, never while it sleeps in epoll_wait, and lets waiting API calls go first.
// Completions (`done` callbacks) are queued under the lock and called after it is released,
// on whichever thread released it.
//
// Lifetime: Session, Transfer handles and nothing else hold a shared_ptr<Engine>; the loop
// thread holds none, so the last reference is dropped on the JS thread (for JS, by the
// ObjectWrap finalizers, which Node also runs when an environment ends: a terminating
// worker joins its sessions' threads there, before the addon can be unloaded). The
// destructor (and close()) stops and joins the loop thread; nothing is ever detached.
#pragma once

#include <atomic>
#include <cstdint>
#include <deque>
#include <functional>
#include <list>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <unordered_map>
#include <vector>

#include "core/transfer/channel.hpp"
#include "core/transfer/engine_lock.hpp"
#include "core/transfer/loop.hpp"
#include "core/transfer/metrics.hpp"
#include "core/transfer/op.hpp"
#include "core/transfer/region.hpp"
#include "core/transfer/socket.hpp"
#include "core/transfer/timers.hpp"
#include "core/transfer/wire.hpp"
#include "napi/session_core.hpp"

namespace hostwire::core::transfer {

class Peer;
class Listener;

class Engine final : public ChannelOwner, public std::enable_shared_from_this<Engine> {
 public:
  explicit Engine(const SessionOptions &options);
  ~Engine() override;
  Engine(const Engine &) = delete;
  Engine &operator=(const Engine &) = delete;

  // ---- Session -----------------------------------------------------------------------
  void listen(const ListenOptions &options, Done<std::vector<uint8_t>> done);
  int32_t load_remote_conn_info(const std::string &name, const uint8_t *blob, size_t n);
  void connect(const std::string &name, const ConnectOptions &options, DoneVoid done);
  void accept(const std::string &name, const AcceptOptions &options, DoneVoid done);
  void disconnect(const std::string &name, DoneVoid done);
  int32_t register_memory(const Memory &memory, const RegisterOptions &options, std::shared_ptr<MemoryRegionApi> &out);
  int32_t alloc_memory(uint64_t size, const RegisterOptions &options, std::shared_ptr<MemoryRegionApi> &out);
  int32_t deregister_memory(const std::shared_ptr<MemoryRegionApi> &region);
  int32_t create_transfer(const std::string &name, std::shared_ptr<XferState> &out);
  std::string metrics_json();
  void close(DoneVoid done);

  // ---- notifications (engine_one_sided.cc) -------------------------------------------
  int32_t gen_notif(const std::string &name, const uint8_t *msg, size_t n);
  void get_notifs(std::vector<Notif> &out);
  void wait_notif(const WaitNotifOptions &options, Done<Notif> done);

  // ---- Transfer ----------------------------------------------------------------------
  int32_t post(XferState &x, bool is_recv, const std::vector<PostOp> &ops);
  /** One-sided READs (`read`) or WRITEs of a descriptor list; `notify`: a WRITE batch's notification. */
  int32_t post_one_sided(XferState &x, bool read, const std::vector<RemoteOp> &ops,
                         const std::optional<std::vector<uint8_t>> &notify);
  void wait(const std::shared_ptr<XferState> &x, const WaitOptions &options, DoneVoid done);
  int32_t is_complete(XferState &x, bool &result);
  int32_t received_bytes(XferState &x, uint64_t tag, uint64_t &result);
  /** Cancel the transfer's active operations (ECANCELED both sides); `release` also ends it. */
  void cancel(XferState &x, bool release);
  /**
   * The transfer's handle is gone. Its active operations go on: the engine keeps the state
   * until they have all settled (then frees it), or the session closes.
   */
  void abandon(const std::shared_ptr<XferState> &x);

  // ---- for Peer and the handshake (under mu_) ----------------------------------------
  const SessionOptions &options() const { return options_; }
  Loop &loop() { return loop_; }
  Metrics &metrics() { return metrics_; }
  /** Call `fn` once the lock is released. */
  void defer(std::function<void()> fn) { deferred_.push_back(std::move(fn)); }
  /**
   * A channel or listener that is done: deleted at the top of the next loop iteration, so a
   * batch of events the loop thread already holds never points at a deleted handler.
   */
  void retire(std::unique_ptr<Handler> h);
  /** Close and retire each channel of `channels` (null slots skipped), and empty it. */
  void retire_channels(std::vector<std::unique_ptr<Channel>> &channels);
  /** An operation ended (err 0 or -errno): its region, transfer, waiters and counters. */
  void finish_op(Op &op, int32_t err);
  /**
   * Peer `id` failed (every operation of it has settled): forgotten at the end of the locked
   * section, its object, its name and (past the last few) its metrics entry.
   */
  void peer_gone(uint64_t id) { gone_.push_back(id); }
  /**
   * A peer's one-sided request names our region `region_id` with key `rkey`: 0 with `out` set
   * when it may move `size` bytes at `offset` (WRITE: into it), else -ESTALE (no such live
   * region), -EACCES (wrong key), -EINVAL (the range wraps), -EFAULT (past its end), -EPERM
   * (not registered for that use).
   */
  int32_t check_served(uint32_t region_id, uint64_t rkey, uint64_t offset, uint64_t size, bool write,
                       std::shared_ptr<RegionState> &out) const;
  /** A notification from `p`: to the oldest waiter that wants it, else queued (bounded per peer). */
  void on_notif(Peer &p, std::vector<uint8_t> msg);
  /** Peer objects held (connected, or gone and not yet forgotten): for tests. */
  size_t peer_count();
  const SocketTuning &tuning() const { return tuning_; }
  std::vector<Channel *> *dirty() { return &dirty_; }
  uint64_t nonce() const { return nonce_; }

  // ChannelOwner, for channels in their handshake.
  void on_frame(Channel &ch, const Frame &f) override;
  void on_payload(Channel &ch, const Frame &f, bool buffered) override;
  void on_chunk_written(Channel &ch, const std::shared_ptr<Op> &op, uint32_t length) override;
  void on_connected(Channel &ch, int32_t err) override;
  void on_channel_error(Channel &ch, int32_t err, const char *why) override;

  /** A listening socket is readable. */
  void on_listener_ready(Listener &l);
  /** accept() ran out of descriptors: stop watching `l`, and watch it again after a back-off. */
  void pause_listener(Listener &l);

 private:
  class Guard;
  struct Group;
  struct Attempt;
  struct ConnectWaiter;
  struct PendingAccept;

  int32_t ensure_started();
  void run();
  /** The end of a loop step (lock held): its frames written, the next timeout, the completions to run. */
  void end_step_locked(int &timeout, std::vector<std::function<void()>> &calls);
  /** The loop thread's next epoll timeout (ms, -1 for none), remembered as loop_deadline_ms_. */
  int next_timeout_locked();
  /** Wake the loop thread for a timer due at `at_ms` unless it wakes by then anyway. */
  void wake_for_timer(int64_t at_ms);
  void tick();
  void schedule_tick();
  void stop_locked(int32_t err);
  void join();
  void settle(XferState &x);
  /** Forget the peers gone (peer_gone); at the end of a locked section, with no peer on the stack. */
  void forget_gone_peers();
  int32_t check_region(const std::shared_ptr<MemoryRegionApi> &r, std::shared_ptr<RegionState> &out);
  /** A region of ours with `size` bytes at `offset` for receiving (`recv`) or sending: 0, or -EINVAL. */
  int32_t check_local(const std::shared_ptr<MemoryRegionApi> &region, uint64_t offset, uint64_t size, bool recv,
                      std::shared_ptr<RegionState> &out);
  /** The live peer `x` may post to: 0 with `p` set, -ECANCELED or -ENOTCONN. */
  int32_t postable(const XferState &x, Peer *&p) const;
  /** Start checked operation `op` of `x` with `p`; false when that failed the peer (and its operations). */
  bool start_op(XferState &x, Peer &p, const std::shared_ptr<Op> &op);
  Peer *peer_by_id(uint64_t id) const;
  Peer *peer_by_name(const std::string &name) const;
  void name_peer(Peer &p, const std::string &name);

  // The handshake (engine_handshake.cc). Listening side: accepted channels wait in
  // pending_in_ for their HELLO, then in their Group (by connection id) until every channel
  // said HELLO (answered then) and READY; a channel that is done waits paused.
  void on_accepted_frame(Channel &ch, const Frame &f);
  void on_accepted_hello(Channel &ch, const Frame &f, const Hello &h);
  void on_accepted_ready(Channel &ch);
  Group *group_of(const Channel &ch);
  void drop_group(uint64_t conn_id, int32_t err, const std::string &why);
  void drop_pending(Channel &ch, int32_t err, const std::string &why);
  std::unique_ptr<Channel> take_pending(Channel &ch);
  void match_accepts();
  void end_accept(std::list<PendingAccept>::iterator it, int32_t err, const std::string &why);
  /** The pending accept with `id`, or for `name`; accepts_.end() when none. */
  std::list<PendingAccept>::iterator find_accept(uint64_t id);
  std::list<PendingAccept>::iterator find_accept(const std::string &name);
  /** An accept's signal was aborted. */
  void cancel_accept(uint64_t id);
  /**
   * A connect's signal was aborted: that call fails with ECANCELED, and its attempt ends
   * (its channels closed) when no other connect waits for it.
   */
  void cancel_connect(uint64_t waiter_id);
  /** Complete every waiter of `a` with `err` (0: connected), forgetting their signals. */
  void end_waiters(Attempt &a, int32_t err, const std::string &why);
  /** Call `done(err)` once the lock is released, with `why` as the error's words. */
  void defer_error(DoneVoid done, int32_t err, std::string why);
  size_t unfinished_handshakes() const;
  // Connecting side: an Attempt tries the conn_info's addresses in order (every channel to
  // one address), then says HELLO on every channel and READY once each is answered.
  void dial(uint64_t attempt_id);
  void on_dial_failed(uint64_t attempt_id, int32_t err, const std::string &why);
  void on_connecting_frame(Channel &ch, const Frame &f);
  void on_connecting_hello(Channel &ch, const Hello &h);
  void fail_attempt(uint64_t attempt_id, int32_t err, const std::string &why = std::string());
  void finish_attempt(uint64_t attempt_id);

  const uint64_t id_;
  SessionOptions options_;
  SocketTuning tuning_;
  uint64_t nonce_;
  /** This session's HELLO payload (its version and name); frames point into it. */
  const std::vector<uint8_t> hello_payload_;

  EngineLock mu_;
  std::vector<std::function<void()>> deferred_;
  Loop loop_;
  std::thread thread_;
  std::thread::id loop_thread_id_;
  bool started_ = false;
  bool stopping_ = false;
  bool closed_ = false;
  uint64_t tick_timer_ = 0;
  /** When the loop thread wakes at the latest (mono ms; -1: not before an event). */
  int64_t loop_deadline_ms_ = -1;
  Timers timers_;
  std::vector<std::unique_ptr<Handler>> graveyard_;
  /** Channels with frames queued: written at the end of each locked section. */
  std::vector<Channel *> dirty_;
  Metrics metrics_;

  // Listening side.
  std::vector<std::unique_ptr<Listener>> listeners_;
  std::vector<uint8_t> conn_blob_;
  std::unordered_map<Channel *, std::unique_ptr<Channel>> pending_in_;  // accepted, no HELLO yet
  std::map<uint64_t, std::unique_ptr<Group>> groups_;                   // by connection id
  std::deque<uint64_t> ready_;                                          // peers not accepted yet
  std::list<PendingAccept> accepts_;                                    // in the order called
  uint64_t next_accept_ = 0;

  // Connecting side.
  std::map<std::string, abi::ConnInfo> remotes_;
  std::map<uint64_t, std::unique_ptr<Attempt>> attempts_;

  // Peers, regions, ids.
  std::map<uint64_t, std::unique_ptr<Peer>> peers_;
  std::map<std::string, uint64_t> names_;
  std::vector<uint64_t> gone_;  // peers failed, to forget
  std::unordered_map<uint32_t, std::shared_ptr<RegionState>> regions_;
  /** Transfers whose handle is gone while operations were active (abandon). */
  std::unordered_map<XferState *, std::shared_ptr<XferState>> orphans_;
  /** Orphans whose last operation settled: freed at the end of the locked section. */
  std::vector<std::shared_ptr<XferState>> freed_;
  uint64_t next_peer_ = 0;
  uint32_t next_region_ = 0;
  uint64_t next_send_ = 0;
  uint64_t next_recv_ = 0;
  uint64_t next_attempt_ = 0;
  uint64_t next_one_sided_tag_ = 0;

  // Notifications received and not taken, oldest first; per peer, how many and their bytes.
  struct NotifWaiter {
    uint64_t id = 0;
    std::optional<std::string> peer;
    Done<Notif> done;
    uint64_t timer = 0;
    std::shared_ptr<AbortToken> token;
    uint64_t abort_id = 0;
  };
  std::deque<Notif> notifs_;
  std::unordered_map<std::string, std::pair<size_t, uint64_t>> notifs_held_;
  std::list<NotifWaiter> notif_waiters_;
  /** Take the oldest notification from `peer` (any when empty) into `out`. */
  bool take_notif(const std::optional<std::string> &peer, Notif &out);
  /** End a waiting wait_notif with `err`. */
  void end_notif_wait(std::list<NotifWaiter>::iterator it, int32_t err);
  /** The signal of wait_notif `id` aborted. */
  void cancel_notif_wait(uint64_t id);
  std::atomic<uint64_t> next_notif_wait_{0};
};

}  // namespace hostwire::core::transfer
