// core::Waker: the epoch, waits that return at once, bounded waits, and wakeups across
// threads. A lost wakeup makes a test here hang rather than fail.
#include <atomic>
#include <vector>

#include "core/waker.hpp"
#include "support.hpp"

using namespace hostwire;
using namespace hostwire::test;
using core::Deadline;
using core::Waker;

TEST("Waker: notify moves the epoch; a wait on an older epoch returns at once") {
  Waker w;
  const uint64_t e0 = w.epoch();
  w.notify();
  CHECK(w.epoch() == e0 + 1);
  w.wait(e0, Deadline::forever());  // the epoch moved since e0: no sleep
  w.notify();
  w.notify();
  CHECK(w.epoch() == e0 + 3);
}

TEST("Waker: a bounded wait without a notify returns once its deadline passed") {
  Waker w;
  const uint64_t seen = w.epoch();
  const Deadline d = Deadline::from_timeout_ms(5);
  while (!d.expired()) w.wait(seen, d);  // spurious returns just loop
  CHECK(w.epoch() == seen);
}

TEST("Waker: abort and callbacks_pending are flags beside the epoch; abort notifies") {
  Waker w;
  const uint64_t seen = w.epoch();
  CHECK(!w.aborted() && !w.callbacks_pending());
  w.set_callbacks_pending(true);
  CHECK(w.callbacks_pending() && w.epoch() == seen);  // the caller notifies after queueing
  w.set_callbacks_pending(false);
  w.abort();
  CHECK(w.aborted() && w.epoch() == seen + 1);
}

TEST("Waker (threads): one notify wakes every sleeper") {
  Waker w;
  const uint64_t seen = w.epoch();
  std::atomic<int> ready{0};
  std::atomic<int> woke{0};
  std::vector<std::unique_ptr<Joined>> sleepers;
  for (int i = 0; i < 4; ++i) {
    sleepers.push_back(std::make_unique<Joined>([&] {
      ++ready;
      while (w.epoch() == seen) w.wait(seen, Deadline::forever());
      ++woke;
    }));
  }
  while (ready < 4) sleep_for_ms(1);
  sleep_for_ms(20);  // most likely asleep by now; either way none may miss the notify
  w.notify();
  for (auto &s : sleepers) s->join();
  CHECK(woke == 4);
}

TEST("Waker (threads): ping-pong between two threads loses no wakeup") {
  Waker to_b, to_a;
  constexpr int kRounds = 5000;
  std::atomic<int> ball{0};  // even: A's turn, odd: B's
  Joined b([&] {
    for (int i = 0; i < kRounds; ++i) {
      for (;;) {
        const uint64_t seen = to_b.epoch();
        if (ball.load() == 2 * i + 1) break;
        to_b.wait(seen, Deadline::forever());
      }
      ball.store(2 * i + 2);
      to_a.notify();
    }
  });
  for (int i = 0; i < kRounds; ++i) {
    ball.store(2 * i + 1);
    to_b.notify();
    for (;;) {
      const uint64_t seen = to_a.epoch();
      if (ball.load() == 2 * i + 2) break;
      to_a.wait(seen, Deadline::forever());
    }
  }
  b.join();
  CHECK(ball.load() == 2 * kRounds);
}
