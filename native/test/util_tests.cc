// The utility hostcalls and helpers: clocks, Deadline, random, log, sleep, UTF-8, JSON input.
#include <ctime>
#include <set>
#include <string>

#include "core/util/clock.hpp"
#include "core/util/utf8.hpp"
#include "support.hpp"

using namespace hostwire;
using namespace hostwire::test;

// SPEAR host_api/core.rs time_now_ms: SystemTime::now() since UNIX_EPOCH, in ms.
TEST("time_now_ms is Unix-epoch milliseconds on the wall clock, as SPEAR; wall_time_s the Unix time") {
  auto g = new_instance();
  const int64_t before =
      std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch()).count();
  const int64_t a = g->time_now_ms();
  const int64_t after =
      std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch()).count();
  CHECK(a >= before && a <= after);
  CHECK(a > INT64_C(1600000000000));  // after September 2020: not a boot-relative clock
  const int64_t wall = g->wall_time_s();
  const int64_t now = static_cast<int64_t>(std::time(nullptr));
  CHECK(wall >= now - 2 && wall <= now + 2);
}

TEST("random_i64: 64 bits from getrandom (no repeats in 64 draws, high and low bits vary)") {
  auto g = new_instance();
  std::set<int64_t> seen;
  uint64_t ored = 0, anded = ~UINT64_C(0);
  for (int i = 0; i < 64; ++i) {
    const int64_t v = g->random_i64();
    seen.insert(v);
    ored |= static_cast<uint64_t>(v);
    anded &= static_cast<uint64_t>(v);
  }
  CHECK(seen.size() == 64);
  CHECK(ored == ~UINT64_C(0) && anded == 0);
}

TEST("log: levels 0..4 print `[guest LEVEL] msg`; others are -EINVAL") {
  auto g = new_instance();
  const std::string m = "core test log line (expected on stderr)";
  CHECK(g->log(abi::LogLevel::kINFO, bytes_of(m), m.size()) == 0);
  CHECK(g->log(abi::LogLevel::kTRACE, nullptr, 0) == 0);
  CHECK(g->log(-1, bytes_of(m), m.size()) == -abi::kEINVAL);
  CHECK(g->log(5, bytes_of(m), m.size()) == -abi::kEINVAL);
}

TEST("sleep_ms: sleeps (negative sleeps 0); a queued callback or an abort interrupts it") {
  auto g = new_instance();
  auto t0 = std::chrono::steady_clock::now();
  CHECK(g->sleep_ms(0) == 0);
  CHECK(g->sleep_ms(-5) == 0);
  CHECK(g->sleep_ms(30) == 0);
  CHECK(ms_since(t0) >= 30);

  int32_t rc = 1;
  t0 = std::chrono::steady_clock::now();
  Joined sleeper([&] { rc = g->sleep_ms(60000); });
  sleep_for_ms(20);
  CHECK(g->post_callback(9, "{}") == 0);
  sleeper.join();
  CHECK(rc == core::kCallbackPending);
  CHECK(ms_since(t0) < 30000);
  CHECK(g->sleep_ms(0) == core::kCallbackPending);  // until the callbacks are taken
  CHECK(g->take_callbacks().size() == 1);
  CHECK(g->sleep_ms(1) == 0);

  Joined sleeper2([&] { rc = g->sleep_ms(-1 + 0x7fffffff); });
  sleep_for_ms(20);
  CHECK(g->abort() == 0);
  sleeper2.join();
  CHECK(rc == core::kAborted);
  CHECK(g->sleep_ms(0) == core::kAborted);
}

TEST("Deadline: < 0 forever, 0 already expired, > 0 bounded on the monotonic clock") {
  const core::Deadline forever = core::Deadline::from_timeout_ms(-1);
  CHECK(forever.is_forever() && !forever.expired() && forever.remaining_ms() == -1);
  const core::Deadline poll = core::Deadline::from_timeout_ms(0);
  CHECK(!poll.is_forever() && poll.is_poll() && poll.expired() && poll.remaining_ms() == 0);
  CHECK(core::Deadline::poll().is_poll() && core::Deadline::poll().expired());
  CHECK(!forever.is_poll());
  const core::Deadline later = core::Deadline::from_timeout_ms(10000);
  CHECK(!later.is_poll() && !later.expired() && later.remaining_ms() > 9000 && later.remaining_ms() <= 10000);
}

TEST("valid_utf8: RFC 3629") {
  const auto ok = [](const std::string &s) { return core::valid_utf8(bytes_of(s), s.size()); };
  CHECK(ok("") && ok("ascii") && ok(std::string("nul\0inside", 10)));
  CHECK(ok("\xc2\x80") && ok("\xdf\xbf") && ok("\xe0\xa0\x80") && ok("\xef\xbf\xbf") && ok("\xf0\x90\x80\x80") &&
        ok("\xf4\x8f\xbf\xbf") && ok("\xed\x9f\xbf"));
  for (const char *bad : {"\x80", "\xc0\x80", "\xc1\xbf", "\xe0\x80\x80", "\xed\xa0\x80", "\xed\xbf\xbf", "\xf0\x80\x80\x80",
                          "\xf4\x90\x80\x80", "\xf5\x80\x80\x80", "\xff", "\xc2", "\xe2\x82", "\xc2\x41"}) {
    CHECK_MSG(!ok(bad), "accepted an invalid sequence");
  }
}

TEST("parse_json: trailing NULs ignored; malformed, non-UTF-8 and too deep input refused") {
  const auto parse = [](const std::string &s) { return core::parse_json(bytes_of(s), s.size()); };
  CHECK(parse(R"({"a":1})") && parse(std::string("{\"a\":1}\0\0", 9)));
  CHECK(!parse("") && !parse(std::string("\0", 1)) && !parse("{") && !parse("{} x") && !parse("\"\xff\""));
  CHECK(parse(std::string(64, '[') + std::string(64, ']')));
  CHECK(!parse(std::string(65, '[') + std::string(65, ']')));
  CHECK(!parse(std::string(100000, '[')));
  CHECK(parse(R"({"s":"[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[["})"));
  CHECK(core::errno_string(-abi::kETIMEDOUT) == "ETIMEDOUT" && core::errno_string(-4000) == "E4000");
}
