// spear_epoll_*: every Decision of SPEAR-ABI.md ("epoll"), single- and multi-threaded.
#include <atomic>
#include <chrono>
#include <string>
#include <vector>

#include "core/rtasr.hpp"
#include "support.hpp"

using namespace hostwire;
using namespace hostwire::test;
using core::Json;

namespace {
constexpr int32_t ADD = abi::EpollOp::kADD;
constexpr int32_t MOD = abi::EpollOp::kMOD;
constexpr int32_t DEL = abi::EpollOp::kDEL;

/** Complete the chat response `fd` of `g` with `body`. */
int32_t complete(core::GuestInstance &g, int32_t fd, const std::string &body = "{}") {
  return g.complete_chat(fd, to_vec(body), "");
}
}  // namespace

// SPEAR hostcall/fd_table.rs ep_ctl (its checks, in order) and types.rs EpollState::ctl_add /
// ctl_mod / ctl_del (insert or remove, never an error), PollEvents::from_bits_truncate.
TEST("epoll_ctl as SPEAR: ADD re-registers, MOD of an unwatched fd watches, DEL of one is 0; errno in SPEAR's order") {
  auto g = new_instance();
  const int32_t ep = g->spear_epoll_create();
  const int32_t ep2 = g->spear_epoll_create();
  const int32_t r = new_response(*g);
  CHECK(complete(*g, r) == 0);  // IN ready
  Records recs;
  CHECK(g->spear_epoll_ctl(ep, ADD, r, IN) == 0);
  CHECK(g->spear_epoll_ctl(ep, ADD, r, OUT) == 0);  // re-registered with OUT only
  CHECK(wait(*g, ep, 64, 0, recs) == 0 && recs.empty());
  CHECK(g->spear_epoll_ctl(ep, DEL, r, 0) == 0);
  CHECK(g->spear_epoll_ctl(ep, DEL, r, 0) == 0);   // not watched: 0
  CHECK(g->spear_epoll_ctl(ep, MOD, r, IN) == 0);  // not watched: now watched
  CHECK(wait(*g, ep, 64, 0, recs) == 0 && recs == (Records{{r, IN}}));
  CHECK(g->spear_epoll_ctl(ep, ADD, ep, IN) == kEINVAL);       // epfd == fd
  CHECK(g->spear_epoll_ctl(4242, ADD, 4242, IN) == kEINVAL);   // epfd == fd is checked before anything
  CHECK(g->spear_epoll_ctl(4242, 99, r, IN) == kEBADF);        // unknown epfd before a bad op
  CHECK(g->spear_epoll_ctl(ep, 99, 4242, IN) == kEBADF);       // unknown fd before a bad op
  CHECK(g->spear_epoll_ctl(r, 99, ep, IN) == kEBADF);          // epfd of the wrong kind before an epoll fd
  CHECK(g->spear_epoll_ctl(ep, 99, ep2, IN) == kEINVAL);       // an epoll fd into a set
  CHECK(g->spear_epoll_ctl(ep2, ADD, ep, IN) == kEINVAL);
  CHECK(g->spear_epoll_ctl(ep, 0, r, IN) == kEINVAL);
  CHECK(g->spear_epoll_ctl(ep, 4, r, IN) == kEINVAL);
  CHECK(g->spear_epoll_ctl(ep, ADD, r, 0x2) == 0);             // bit 1 is not an event: masked off, no interest
  CHECK(wait(*g, ep, 64, 0, recs) == 0 && recs.empty());
  CHECK(g->spear_epoll_ctl(ep, MOD, r, 0xffffffffu) == 0);     // every bit: IN, OUT, ERR, HUP
  CHECK(wait(*g, ep, 64, 0, recs) == 0 && recs == (Records{{r, IN}}));
  CHECK(g->spear_epoll_close(ep2) == 0);
  CHECK(g->spear_epoll_ctl(ep2, ADD, r, IN) == kEBADF);        // a closed set
  CHECK(g->spear_epoll_ctl(ep2, DEL, r, IN) == kEBADF);
}

// SPEAR runtime/wasm_hostcalls.rs spear_ep_wait: the capacity is read and checked first.
TEST("epoll_wait: capacity under 8 asks for 8 (ENOSPC) before the epfd is looked at; then -EBADF") {
  auto g = new_instance();
  const int32_t ep = g->spear_epoll_create();
  const int32_t s = g->cchat_create();
  core::Output unknown(64);
  CHECK(g->spear_epoll_wait(4242, unknown, 0) == kEBADF && untouched(unknown));
  core::Output session(64);
  CHECK(g->spear_epoll_wait(s, session, 0) == kEBADF && untouched(session));
  core::Output small_unknown(4);
  CHECK(needs(g->spear_epoll_wait(4242, small_unknown, 0), small_unknown, 8));
  for (size_t cap : {0, 1, 7}) {
    core::Output small(cap);
    CHECK(needs(g->spear_epoll_wait(ep, small, -1), small, 8));  // at once, even with no timeout; *out_len_ptr = 8
    Records recs;
    CHECK(wait(*g, ep, cap, -1, recs) == -abi::kENOSPC && recs.empty());  // guest memory: nothing written
  }
}

TEST("epoll_wait: nothing ready gives 0 records with an empty Output (poll and timeout)") {
  auto g = new_instance();
  const int32_t ep = g->spear_epoll_create();
  const int32_t r = new_response(*g);
  CHECK(g->spear_epoll_ctl(ep, ADD, r, IN) == 0);
  core::Output out(64);
  CHECK(empty_result(g->spear_epoll_wait(ep, out, 0), out));  // *out_len_ptr = 0
  const auto t0 = std::chrono::steady_clock::now();
  core::Output later(64);
  CHECK(empty_result(g->spear_epoll_wait(ep, later, 40), later));
  CHECK(ms_since(t0) >= 40);  // a bounded wait does not end early
}

TEST("epoll_wait: a ready fd is one record with its events OR-merged; level-triggered") {
  auto g = new_instance();
  const int32_t ep = g->spear_epoll_create();
  const int32_t asr = g->rtasr_create();
  g->rtasr_stream(asr)->push_event(R"({"type":"x"})");  // one event queued
  CHECK(g->spear_epoll_ctl(ep, ADD, asr, IN | OUT) == 0);
  Records recs;
  CHECK(wait(*g, ep, 64, 0, recs) == 0);
  CHECK(recs == (Records{{asr, IN | OUT}}));
  CHECK(wait(*g, ep, 64, 0, recs) == 0);  // still ready: reporting consumes nothing
  CHECK(recs == (Records{{asr, IN | OUT}}));
  core::Output ev(4096);
  CHECK(g->rtasr_read(asr, ev) == 0 && ev.written() && ev.length() > 0);
  CHECK(wait(*g, ep, 64, 0, recs) == 0);
  CHECK(recs == (Records{{asr, OUT}}));
  CHECK(g->spear_epoll_ctl(ep, MOD, asr, IN) == 0);
  CHECK(wait(*g, ep, 64, 0, recs) == 0 && recs.empty());
}

TEST("epoll: MOD re-registers the watch with its new events") {
  auto g = new_instance();
  const int32_t ep = g->spear_epoll_create();
  const int32_t r = new_response(*g);
  CHECK(g->spear_epoll_ctl(ep, ADD, r, OUT) == 0);
  CHECK(complete(*g, r) == 0);
  Records recs;
  CHECK(wait(*g, ep, 64, 0, recs) == 0 && recs.empty());  // IN is ready but not asked for
  CHECK(g->spear_epoll_ctl(ep, MOD, r, IN) == 0);
  CHECK(wait(*g, ep, 64, 0, recs) == 0);
  CHECK(recs == (Records{{r, IN}}));
  CHECK(g->spear_epoll_ctl(ep, MOD, r, OUT) == 0);
  CHECK(wait(*g, ep, 64, 0, recs) == 0 && recs.empty());
}

// SPEAR hostcall/fd_table.rs ep_wait_ready: `effective_poll_mask().and(interests)`.
TEST("epoll: only the requested bits are reported; ERR and HUP only to watchers that asked for them") {
  auto g = new_instance();
  const int32_t ep = g->spear_epoll_create();
  const int32_t failed = new_response(*g);
  const int32_t failed_err = new_response(*g);
  const int32_t hup = new_response(*g);
  const int32_t hup_in = new_response(*g);
  CHECK(g->spear_epoll_ctl(ep, ADD, failed, IN) == 0);
  CHECK(g->spear_epoll_ctl(ep, ADD, failed_err, IN | ERR) == 0);
  CHECK(g->spear_epoll_ctl(ep, ADD, hup, HUP) == 0);
  CHECK(g->spear_epoll_ctl(ep, ADD, hup_in, IN) == 0);
  CHECK(g->fail_chat(failed, -abi::kETIMEDOUT) == 0);
  CHECK(g->fail_chat(failed_err, -abi::kETIMEDOUT) == 0);
  CHECK(complete(*g, hup) == 0);
  CHECK(complete(*g, hup_in) == 0);
  CHECK(g->host_close(hup) == 0);
  CHECK(g->host_close(hup_in) == 0);
  Records recs;
  CHECK(wait(*g, ep, 64, 0, recs) == 0);
  CHECK(recs == (Records{{failed, IN}, {failed_err, IN | ERR}, {hup, HUP}, {hup_in, IN}}));
}

TEST("epoll: a host-side close reports EPOLLHUP (where requested) until the guest DELs the fd") {
  auto g = new_instance();
  const int32_t ep = g->spear_epoll_create();
  const int32_t asr = g->rtasr_create();
  CHECK(g->spear_epoll_ctl(ep, ADD, asr, IN | HUP) == 0);
  Records recs;
  CHECK(wait(*g, ep, 64, 0, recs) == 0 && recs.empty());
  CHECK(g->host_close(asr) == 0);
  for (int i = 0; i < 3; ++i) {
    CHECK(wait(*g, ep, 64, 0, recs) == 0);
    CHECK(recs == (Records{{asr, HUP}}));
  }
  CHECK(g->spear_epoll_ctl(ep, DEL, asr, 0) == 0);
  CHECK(wait(*g, ep, 64, 0, recs) == 0 && recs.empty());
  CHECK(g->spear_epoll_ctl(ep, ADD, asr, 0) == 0);
  CHECK(wait(*g, ep, 64, 0, recs) == 0 && recs.empty());  // HUP not requested
  CHECK(g->spear_epoll_ctl(ep, MOD, asr, HUP) == 0);
  CHECK(wait(*g, ep, 64, 0, recs) == 0 && recs == (Records{{asr, HUP}}));
}

// SPEAR hostcall/fd_table.rs close (entries are kept, `closed` set, HUP inserted, watchers
// notified) and types.rs FdEntry::effective_poll_mask.
TEST("epoll: a watched fd the guest closes stays watched and reports EPOLLHUP where requested") {
  auto g = new_instance();
  const int32_t ep1 = g->spear_epoll_create();
  const int32_t ep2 = g->spear_epoll_create();
  const int32_t r = new_response(*g);
  const int32_t s = g->cchat_create();
  CHECK(g->spear_epoll_ctl(ep1, ADD, r, IN | HUP) == 0);
  CHECK(g->spear_epoll_ctl(ep2, ADD, r, OUT) == 0);
  CHECK(g->cchat_close(r) == 0);
  Records recs;
  CHECK(wait(*g, ep1, 64, 0, recs) == 0 && recs == (Records{{r, HUP}}));
  CHECK(wait(*g, ep2, 64, 0, recs) == 0 && recs.empty());  // HUP not requested
  CHECK(g->spear_epoll_ctl(ep1, DEL, r, 0) == 0);          // the number is still known
  CHECK(wait(*g, ep1, 64, 0, recs) == 0 && recs.empty());
  CHECK(g->cchat_close(s) == 0);
  CHECK(g->spear_epoll_ctl(ep1, ADD, s, HUP | IN) == 0);   // a closed fd can be added, and reports HUP
  CHECK(wait(*g, ep1, 64, 0, recs) == 0 && recs == (Records{{s, HUP}}));
}

TEST("epoll: more ready than fit rotates fairly through the ready set; each call's records ascend") {
  auto g = new_instance();
  const int32_t ep = g->spear_epoll_create();
  std::vector<int32_t> fds;
  for (int i = 0; i < 5; ++i) {
    fds.push_back(new_response(*g));
    CHECK(g->spear_epoll_ctl(ep, ADD, fds.back(), IN) == 0);
    CHECK(complete(*g, fds.back()) == 0);
  }
  // Not ready: never reported, and does not stall the rotation.
  const int32_t idle = new_response(*g);
  CHECK(g->spear_epoll_ctl(ep, ADD, idle, IN) == 0);
  const int32_t a = fds[0], b = fds[1], c = fds[2], d = fds[3], e = fds[4];
  Records recs;
  const std::vector<Records> expected = {
      {{a, IN}, {b, IN}}, {{c, IN}, {d, IN}}, {{a, IN}, {e, IN}}, {{b, IN}, {c, IN}}, {{d, IN}, {e, IN}}, {{a, IN}, {b, IN}}};
  for (const Records &want : expected) {
    CHECK(wait(*g, ep, 16 + 7, 0, recs) == 0);  // room for 2 records (23 bytes)
    CHECK(recs == want);
  }
  // One at a time: each fd once per round.
  std::vector<int32_t> seen;
  for (int i = 0; i < 5; ++i) {
    CHECK(wait(*g, ep, 8, 0, recs) == 0 && recs.size() == 1);
    if (!recs.empty()) seen.push_back(recs[0].first);
  }
  CHECK(seen == (std::vector<int32_t>{c, d, e, a, b}));
  CHECK(wait(*g, ep, 64, 0, recs) == 0 && recs.size() == 5);  // all fit: all reported
}

TEST("epoll_wait timeout 0: a poll after an empty one sees every change made since") {
  auto g = new_instance();
  const int32_t ep = g->spear_epoll_create();
  Records recs;
  CHECK(wait(*g, ep, 64, 0, recs) == 0 && recs.empty());  // an empty set
  CHECK(wait(*g, ep, 64, 0, recs) == 0 && recs.empty());
  const int32_t done = new_response(*g);
  CHECK(complete(*g, done) == 0);
  CHECK(wait(*g, ep, 64, 0, recs) == 0 && recs.empty());
  CHECK(g->spear_epoll_ctl(ep, ADD, done, IN) == 0);  // ADD of an fd that is ready already
  CHECK(wait(*g, ep, 64, 0, recs) == 0 && recs == (Records{{done, IN}}));
  CHECK(g->spear_epoll_ctl(ep, MOD, done, OUT) == 0);
  CHECK(wait(*g, ep, 64, 0, recs) == 0 && recs.empty());
  CHECK(wait(*g, ep, 64, 0, recs) == 0 && recs.empty());
  CHECK(g->spear_epoll_ctl(ep, MOD, done, IN) == 0);  // widened again
  CHECK(wait(*g, ep, 64, 0, recs) == 0 && recs == (Records{{done, IN}}));
  CHECK(g->spear_epoll_ctl(ep, DEL, done, 0) == 0);
  const int32_t r = new_response(*g);
  CHECK(g->spear_epoll_ctl(ep, ADD, r, IN) == 0);
  CHECK(wait(*g, ep, 64, 0, recs) == 0 && recs.empty());
  CHECK(wait(*g, ep, 64, 0, recs) == 0 && recs.empty());
  CHECK(complete(*g, r) == 0);
  CHECK(wait(*g, ep, 64, 0, recs) == 0 && recs == (Records{{r, IN}}));
  const int32_t f = new_response(*g);
  CHECK(g->spear_epoll_ctl(ep, ADD, f, ERR) == 0);  // only requested bits are reported (SPEAR)
  CHECK(g->spear_epoll_ctl(ep, DEL, r, 0) == 0);
  CHECK(wait(*g, ep, 64, 0, recs) == 0 && recs.empty());
  CHECK(g->fail_chat(f, -abi::kEIO) == 0);
  CHECK(wait(*g, ep, 64, 0, recs) == 0 && recs == (Records{{f, ERR}}));
  const int32_t h = new_response(*g);
  CHECK(g->spear_epoll_ctl(ep, ADD, h, ERR | HUP) == 0);
  CHECK(g->spear_epoll_ctl(ep, DEL, f, 0) == 0);
  CHECK(wait(*g, ep, 64, 0, recs) == 0 && recs.empty());
  CHECK(g->host_close(h) == 0);
  CHECK(wait(*g, ep, 64, 0, recs) == 0 && recs == (Records{{h, ERR | HUP}}));
  CHECK(g->spear_epoll_close(ep) == 0);
  CHECK(wait(*g, ep, 64, 0, recs) == kEBADF);
}

TEST("epoll_wait timeout 0: an event queued after an empty poll is seen by the next poll") {
  auto g = new_instance();
  const int32_t ep = g->spear_epoll_create();
  const int32_t asr = g->rtasr_create();
  CHECK(g->spear_epoll_ctl(ep, ADD, asr, IN) == 0);
  Records recs;
  CHECK(wait(*g, ep, 64, 0, recs) == 0 && recs.empty());
  CHECK(wait(*g, ep, 64, 0, recs) == 0 && recs.empty());  // answered without a rescan
  g->rtasr_stream(asr)->push_event(R"({"type":"a"})");
  CHECK(wait(*g, ep, 64, 0, recs) == 0 && recs == (Records{{asr, IN}}));
  core::Output ev(4096);
  CHECK(g->rtasr_read(asr, ev) == 0 && ev.written());
  CHECK(wait(*g, ep, 64, 0, recs) == 0 && recs.empty());
  CHECK(wait(*g, ep, 64, 0, recs) == 0 && recs.empty());
  g->rtasr_stream(asr)->push_event(R"({"type":"b"})");
  CHECK(wait(*g, ep, 64, 0, recs) == 0 && recs == (Records{{asr, IN}}));
}

TEST("epoll (threads): a poll that starts after a host thread's completion returned sees it") {
  auto g = new_instance();
  const int32_t ep = g->spear_epoll_create();
  for (int round = 0; round < 200; ++round) {
    const int32_t r = new_response(*g);
    CHECK(g->spear_epoll_ctl(ep, ADD, r, IN) == 0);
    std::atomic<bool> completed{false};
    Joined host([&] {
      CHECK(complete(*g, r) == 0);
      completed.store(true);
    });
    Records recs;
    bool was_completed = false;
    do {
      was_completed = completed.load();  // before the poll: then the poll must see r
      CHECK(wait(*g, ep, 64, 0, recs) == 0);
    } while (recs.empty() && !was_completed);
    CHECK(recs == (Records{{r, IN}}));
    host.join();
    CHECK(g->spear_epoll_ctl(ep, DEL, r, 0) == 0);
    CHECK(g->cchat_close(r) == 0);
  }
}

TEST("epoll (threads): a host thread completing a chat wakes a blocked epoll_wait") {
  auto g = new_instance();
  const int32_t ep = g->spear_epoll_create();
  const int32_t r = new_response(*g);
  CHECK(g->spear_epoll_ctl(ep, ADD, r, IN) == 0);
  std::atomic<bool> started{false};
  int32_t rc = 1;
  Records recs;
  Joined waiter([&] {
    started = true;
    rc = wait(*g, ep, 64, -1, recs);
  });
  while (!started) sleep_for_ms(1);
  sleep_for_ms(20);
  Joined host([&] { CHECK(complete(*g, r) == 0); });
  host.join();
  waiter.join();
  CHECK(rc == 0);
  CHECK(recs == (Records{{r, IN}}));
}

TEST("epoll (threads): a bounded wait also returns at once when the fd becomes ready") {
  auto g = new_instance();
  const int32_t ep = g->spear_epoll_create();
  const int32_t r = new_response(*g);
  CHECK(g->spear_epoll_ctl(ep, ADD, r, IN | ERR) == 0);
  int32_t rc = 1;
  Records recs;
  const auto t0 = std::chrono::steady_clock::now();
  Joined waiter([&] { rc = wait(*g, ep, 64, 60000, recs); });
  sleep_for_ms(20);
  CHECK(g->fail_chat(r, -abi::kECONNRESET) == 0);
  waiter.join();
  CHECK(rc == 0 && recs == (Records{{r, IN | ERR}}));
  CHECK(ms_since(t0) < 30000);
}

TEST("epoll (threads): closing the epfd wakes its waiters, which return -EBADF") {
  auto g = new_instance();
  const int32_t ep = g->spear_epoll_create();
  const int32_t r = new_response(*g);
  CHECK(g->spear_epoll_ctl(ep, ADD, r, IN) == 0);
  std::atomic<int> started{0};
  int32_t rc1 = 1, rc2 = 1;
  Records recs1, recs2;
  Joined w1([&] {
    ++started;
    rc1 = wait(*g, ep, 64, -1, recs1);
  });
  Joined w2([&] {
    ++started;
    rc2 = wait(*g, ep, 64, 60000, recs2);
  });
  while (started < 2) sleep_for_ms(1);
  sleep_for_ms(20);
  CHECK(g->spear_epoll_close(ep) == 0);
  w1.join();
  w2.join();
  CHECK(rc1 == kEBADF && rc2 == kEBADF);
  CHECK(recs1.empty() && recs2.empty());
}

TEST("epoll (threads): wakeups that change nothing rescan and sleep again (no early return)") {
  auto g = new_instance();
  const int32_t ep = g->spear_epoll_create();
  const int32_t r = new_response(*g);
  CHECK(g->spear_epoll_ctl(ep, ADD, r, IN) == 0);
  int32_t rc = 1;
  core::Output out(64);
  const auto t0 = std::chrono::steady_clock::now();
  Joined waiter([&] { rc = g->spear_epoll_wait(ep, out, 80); });
  for (int i = 0; i < 10; ++i) {
    sleep_for_ms(3);
    CHECK(g->spear_epoll_ctl(ep, MOD, r, IN) == 0);  // notifies; r stays unready
  }
  waiter.join();
  CHECK(empty_result(rc, out));
  CHECK(ms_since(t0) >= 80);
}

TEST("epoll (threads): a queued callback interrupts a wait (CALLBACK_PENDING), abort ends it (ABORTED)") {
  auto g = new_instance();
  const int32_t ep = g->spear_epoll_create();
  int32_t rc = 1;
  core::Output out(64);
  Joined waiter([&] { rc = g->spear_epoll_wait(ep, out, -1); });
  sleep_for_ms(20);
  CHECK(g->post_callback(7, R"({"fn_offset":1,"args":"{}"})") == 0);
  waiter.join();
  CHECK(rc == core::kCallbackPending);
  CHECK(untouched(out));
  // Until the callbacks are taken, every blocking call returns at once, ready data or not.
  core::Output pending(64);
  CHECK(g->spear_epoll_wait(ep, pending, -1) == core::kCallbackPending && untouched(pending));
  auto cbs = g->take_callbacks();
  CHECK(cbs.size() == 1 && cbs[0].id == 7 && cbs[0].payload == R"({"fn_offset":1,"args":"{}"})");
  CHECK(g->take_callbacks().empty());
  core::Output polled(64);
  CHECK(empty_result(g->spear_epoll_wait(ep, polled, 0), polled));

  int32_t rc2 = 1;
  core::Output out2(64);
  Joined waiter2([&] { rc2 = g->spear_epoll_wait(ep, out2, -1); });
  sleep_for_ms(20);
  CHECK(g->abort() == 0);
  waiter2.join();
  CHECK(rc2 == core::kAborted && untouched(out2));
  core::Output later(64);
  CHECK(g->spear_epoll_wait(ep, later, 0) == core::kAborted && untouched(later));  // and every later one
  CHECK(g->spear_epoll_ctl(ep, ADD, g->cchat_create(), IN) == 0);  // non-blocking calls go on
}
