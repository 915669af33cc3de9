// Unit tests of the native core without Node: the generated C++ record codecs against the
// IDL's golden vectors (generated/cpp/vectors.hpp), the errno table, AbortToken, the
// Output, and Session without a peer. The other *_tests.cc files test the
// rest of the core; this file has main(). Built by the hostwire_core_tests target;
// native/scripts/sanitize.sh runs it under ASan/UBSan and valgrind.
#include <atomic>
#include <cstdint>
#include <cstring>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "check.hpp"
#include "core/guest_instance.hpp"
#include "core/session.hpp"
#include "cpp/hostwire_abi.hpp"
#include "cpp/vectors.hpp"

using namespace hostwire;
using abi::DecodeStatus;

namespace {

/** A heap copy of exactly `n` bytes, so that ASan flags any read past the end. */
std::unique_ptr<uint8_t[]> exact(const uint8_t *p, size_t n) {
  std::unique_ptr<uint8_t[]> out(new uint8_t[n == 0 ? 1 : n]);
  if (n) std::memcpy(out.get(), p, n);
  return out;
}

std::string name_of(const abi::vectors::Vector &v) { return std::string(v.record) + "/" + v.name; }

/** A small deterministic PRNG (xorshift64*). */
struct Rng {
  uint64_t s;
  uint64_t next() {
    s ^= s >> 12;
    s ^= s << 25;
    s ^= s >> 27;
    return s * UINT64_C(2685821657736338717);
  }
};

}  // namespace

// ---- record codecs on the golden vectors --------------------------------------------------

TEST("every golden vector decodes to its expected status") {
  CHECK(sizeof(abi::vectors::kVectors) > 0);
  for (const auto &v : abi::vectors::kVectors) {
    const abi::RecordInfo *r = abi::find_record(v.record);
    CHECK_MSG(r != nullptr, "no record " + std::string(v.record));
    if (!r) continue;
    auto in = exact(v.bytes, v.size);
    std::vector<uint8_t> out(r->size, 0xee);
    const DecodeStatus s = r->round_trip(in.get(), v.size, out.data());
    CHECK_MSG(s == v.expect, name_of(v) + ": got " + abi::decode_status_name(s) + ", expected " +
                                 abi::decode_status_name(v.expect));
  }
}

TEST("value vectors: decode gives the IDL's value; encode and round trip give the bytes back") {
  for (const auto &v : abi::vectors::kVectors) {
    if (v.expect != DecodeStatus::kOk) continue;
    const abi::RecordInfo *r = abi::find_record(v.record);
    CHECK_MSG(v.size == r->size, name_of(v) + ": vector length differs from the record size");
    auto in = exact(v.bytes, v.size);
    CHECK_MSG(v.decodes_to_value(in.get(), v.size), name_of(v) + ": decoded value differs from the IDL's");

    std::vector<uint8_t> encoded(r->size, 0xee);
    v.encode_value(encoded.data());
    CHECK_MSG(std::memcmp(encoded.data(), v.bytes, r->size) == 0, name_of(v) + ": encode(value) differs");

    std::vector<uint8_t> again(r->size, 0xee);
    CHECK(r->round_trip(in.get(), v.size, again.data()) == DecodeStatus::kOk);
    CHECK_MSG(std::memcmp(again.data(), v.bytes, r->size) == 0, name_of(v) + ": round trip changed the bytes");
  }
}

TEST("every shorter prefix of a value vector is truncated") {
  for (const auto &v : abi::vectors::kVectors) {
    if (v.expect != DecodeStatus::kOk) continue;
    const abi::RecordInfo *r = abi::find_record(v.record);
    for (size_t n = 0; n < v.size; ++n) {
      auto in = exact(v.bytes, n);
      std::vector<uint8_t> out(r->size);
      CHECK_MSG(r->round_trip(in.get(), n, out.data()) == DecodeStatus::kTruncated,
                name_of(v) + ": prefix of " + std::to_string(n) + " bytes");
    }
  }
}

TEST("decoding random bytes never reads past them, and what decodes re-encodes stably") {
  Rng rng{UINT64_C(0x9e3779b97f4a7c15)};
  for (const abi::RecordInfo &r : abi::kRecordTable) {
    for (int i = 0; i < 20000; ++i) {
      // Mostly small bytes, so that enum values and ranges are hit, not only rejected.
      std::vector<uint8_t> bytes(r.size);
      for (auto &b : bytes) b = static_cast<uint8_t>(rng.next() % 4 == 0 ? rng.next() : rng.next() % 3);
      auto in = exact(bytes.data(), bytes.size());
      std::vector<uint8_t> once(r.size), twice(r.size);
      if (r.round_trip(in.get(), r.size, once.data()) != DecodeStatus::kOk) continue;
      CHECK_MSG(r.round_trip(once.data(), r.size, twice.data()) == DecodeStatus::kOk, std::string(r.name));
      CHECK_MSG(once == twice, std::string(r.name) + ": encode(decode(x)) is not stable");
    }
  }
}

TEST("decode checks fields in order: the first broken field decides the error") {
  // conn_info with a bad magic and an absurd channel count: the magic comes first.
  std::vector<uint8_t> b(abi::ConnInfo::kSize, 0);
  b[offsetof(abi::ConnInfo, channel_count)] = 0xff;
  b[offsetof(abi::ConnInfo, channel_count) + 1] = 0xff;
  abi::ConnInfo out{};
  CHECK(abi::decode(b.data(), b.size(), out) == DecodeStatus::kConst);
  abi::detail::store_le32(b.data(), abi::kCONN_INFO_MAGIC);
  CHECK(abi::decode(b.data(), b.size(), out) == DecodeStatus::kRange);
  abi::detail::store_le16(b.data() + offsetof(abi::ConnInfo, channel_count), 8);
  CHECK(abi::decode(b.data(), b.size(), out) == DecodeStatus::kRange);  // the address count, next, is 0
  abi::detail::store_le16(b.data() + offsetof(abi::ConnInfo, addr_count), 1);
  CHECK(abi::decode(b.data(), b.size(), out) == DecodeStatus::kOk);
  CHECK(out.channel_count == 8);
  // Longer input is fine: the bytes past the record are ignored.
  b.push_back(0xaa);
  CHECK(abi::decode(b.data(), b.size(), out) == DecodeStatus::kOk);
}

TEST("encode writes little-endian bytes and zeroes padding") {
  abi::SsfV1Header h{};
  h.msg_type = 0x0102;
  h.seq = UINT64_C(0x0807060504030201);
  h.header_len = 32;
  std::vector<uint8_t> out(abi::SsfV1Header::kSize, 0xee);
  abi::encode(h, out.data());
  CHECK(out[0] == 0x02 && out[1] == 0x01);
  for (int i = 0; i < 8; ++i) CHECK(out[8 + static_cast<size_t>(i)] == i + 1);
  for (size_t i = 26; i < out.size(); ++i) CHECK(out[i] == 0);
}

// ---- errno, enums, flags ------------------------------------------------------------------

TEST("errno_name and errno_doc: every code, either sign; nullptr outside the table") {
  for (const abi::ErrnoInfo &e : abi::kErrnoTable) {
    CHECK(std::strcmp(abi::errno_name(e.value), e.name) == 0);
    CHECK(std::strcmp(abi::errno_name(-e.value), e.name) == 0);
    CHECK(abi::errno_doc(-e.value) == e.doc);
  }
  CHECK(std::strcmp(abi::errno_name(-abi::kENOSYS), "ENOSYS") == 0);
  CHECK(abi::errno_name(0) == nullptr);
  CHECK(abi::errno_name(-1000) == nullptr);
  CHECK(abi::errno_name(INT32_MIN) == nullptr);
  static_assert(abi::errno_name(9) != nullptr, "errno_name is constexpr");
}

TEST("enum and flag helpers") {
  CHECK(abi::EpollOp::valid(abi::EpollOp::kDEL));
  CHECK(!abi::EpollOp::valid(0));
  CHECK(std::strcmp(abi::EpollOp::name(abi::EpollOp::kMOD), "MOD") == 0);
  CHECK(abi::EpollOp::name(99) == nullptr);
  CHECK(abi::EpollEvents::valid(abi::EpollEvents::kIN | abi::EpollEvents::kHUP));
  CHECK(!abi::EpollEvents::valid(1u << 1));
}

// ---- AbortToken ----------------------------------------------------------------------------

TEST("AbortToken runs each callback once, at once when already aborted, not after remove") {
  core::AbortToken t;
  int a = 0, b = 0;
  t.on_abort([&] { ++a; });
  const uint64_t id = t.on_abort([&] { ++b; });
  t.remove(id);
  CHECK(!t.aborted());
  t.abort();
  t.abort();
  CHECK(t.aborted());
  CHECK(a == 1 && b == 0);
  int c = 0;
  t.on_abort([&] { ++c; });
  CHECK(c == 1);
}

TEST("AbortToken is safe across threads") {
  core::AbortToken t;
  std::atomic<int> runs{0};
  std::vector<std::thread> threads;
  for (int i = 0; i < 4; ++i) {
    threads.emplace_back([&] {
      for (int j = 0; j < 100; ++j) t.on_abort([&] { runs.fetch_add(1); });
    });
  }
  threads.emplace_back([&] { t.abort(); });
  for (auto &th : threads) th.join();
  CHECK(runs.load() == 400);
}

// ---- Output ---------------------------------------------------------------------------------

TEST("Output (allocated on write): write fits or asks with -ENOSPC; an empty result is still written") {
  core::Output none(8);
  CHECK(none.capacity() == 8 && !none.written() && none.length() == 0 && none.needed() == 0);
  core::Output fits(8);
  CHECK(fits.write(std::string("abcdefgh")) == 0);
  CHECK(fits.written() && fits.length() == 8 && fits.needed() == 0);
  CHECK(std::memcmp(fits.bytes(), "abcdefgh", 8) == 0);
  core::Output over(8);
  CHECK(over.write(std::string("abcdefghi")) == -abi::kENOSPC);
  CHECK(!over.written() && over.length() == 0 && over.needed() == 9);
  core::Output empty(0);
  CHECK(empty.write(std::vector<uint8_t>()) == 0 && empty.written() && empty.length() == 0);
  core::Output asked(4);
  CHECK(asked.need(100) == -abi::kENOSPC && asked.needed() == 100 && !asked.written());
  core::Output encoded(16);
  uint8_t *room = encoded.room(3);
  std::memcpy(room, "xyz", 3);
  CHECK(!encoded.written());  // not before commit
  encoded.commit(3);
  CHECK(encoded.written() && encoded.length() == 3 && std::memcmp(encoded.bytes(), "xyz", 3) == 0);
}

TEST("Output over guest memory: the result lands in place; -ENOSPC leaves the memory as it was") {
  std::vector<uint8_t> mem(8, 0xee);
  core::Output out(mem.data(), 6);
  CHECK(out.capacity() == 6);
  CHECK(out.write(std::string("abcd")) == 0);
  CHECK(out.written() && out.length() == 4 && out.bytes() == mem.data());
  CHECK(mem == (std::vector<uint8_t>{'a', 'b', 'c', 'd', 0xee, 0xee, 0xee, 0xee}));
  std::vector<uint8_t> mem2(8, 0xee);
  core::Output small(mem2.data(), 6);
  CHECK(small.write(std::string("abcdefg")) == -abi::kENOSPC && small.needed() == 7 && !small.written());
  CHECK(mem2 == std::vector<uint8_t>(8, 0xee));
  core::Output encoded(mem2.data(), 6);
  CHECK(encoded.room(2) == mem2.data());
  mem2[0] = 'o';
  mem2[1] = 'k';
  encoded.commit(2);
  CHECK(encoded.written() && encoded.length() == 2 && encoded.bytes() == mem2.data());
}

TEST("make_session stores the options and rejects out-of-range ones with -EINVAL") {
  core::SessionOptions o;
  o.channels = 4;
  o.host = "0.0.0.0";
  std::shared_ptr<core::SessionApi> s;
  CHECK(core::make_session(o, s) == 0 && s);
  auto *session = dynamic_cast<core::Session *>(s.get());
  CHECK(session && session->options().channels == 4 && session->options().host == "0.0.0.0");
  CHECK(session && session->options().chunk_bytes == 2097152u);  // the IDL default
  CHECK(session && session->options().congestion == "auto");

  for (auto breaks : std::vector<void (*)(core::SessionOptions &)>{
           [](core::SessionOptions &x) { x.channels = 0; },
           [](core::SessionOptions &x) { x.channels = 9; },
           [](core::SessionOptions &x) { x.chunk_bytes = 4095; },
           [](core::SessionOptions &x) { x.window_chunks = 1025; },
           [](core::SessionOptions &x) { x.eager_max_bytes = 1048577; },
           [](core::SessionOptions &x) { x.heartbeat_ms = 9; },
           [](core::SessionOptions &x) { x.peer_timeout_ms = 3600001; },
           [](core::SessionOptions &x) { x.congestion = "no-such-algorithm"; },
           [](core::SessionOptions &x) { x.congestion = ""; },
       }) {
    core::SessionOptions bad;
    breaks(bad);
    std::shared_ptr<core::SessionApi> none;
    CHECK(core::make_session(bad, none) == -abi::kEINVAL && !none);
  }
}

TEST("Session without a peer: a bad blob is -EINVAL, an unknown peer -ENOENT, metrics are empty") {
  std::shared_ptr<core::SessionApi> s;
  CHECK(core::make_session(core::SessionOptions{}, s) == 0);
  const uint8_t blob[1] = {0};
  std::shared_ptr<core::TransferApi> transfer;
  std::string metrics;
  CHECK(s->load_remote_conn_info("peer", blob, 1) == -abi::kEINVAL);
  CHECK(s->create_transfer("peer", transfer) == -abi::kENOENT && !transfer);
  CHECK(s->metrics(metrics) == 0 && metrics.find("\"peers\":{}") != std::string::npos);
  // The engine's behaviour with peers is tested in transfer_tests.cc and test/transfer/.
}

int main() { return hostwire::test::run_all(); }
