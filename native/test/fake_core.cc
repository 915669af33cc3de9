// A fake native core for testing the generated N-API glue: hostwire_glue_test.node is the
// glue linked against this instead of native/core/, so that the glue paths the real core
// cannot reach yet (objects made by the core, memory both ways, dictionaries, arrays, abort
// signals, completions from other threads, dropped completions) are exercised by
// test/native/glue.test.ts. None of it is hostwire behaviour.
#include <chrono>
#include <cstring>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "cpp/hostwire_abi.hpp"
#include "napi/guest_instance_core.hpp"
#include "napi/memory_region_core.hpp"
#include "napi/session_core.hpp"
#include "napi/transfer_core.hpp"

namespace hostwire::core {

namespace {

/**
 * Threads that complete async calls, joined when the process's last fake object goes (the
 * test addon is only loaded on the main thread, which never unloads it).
 */
class Threads {
 public:
  static Threads &get() {
    static Threads t;
    return t;
  }
  template <class F> void run(F &&f) {
    std::lock_guard<std::mutex> lock(mu_);
    threads_.emplace_back(std::forward<F>(f));
  }
  ~Threads() {
    for (auto &t : threads_) t.join();
  }

 private:
  std::mutex mu_;
  std::vector<std::thread> threads_;
};

/** Engine-owned memory. */
class Heap final : public MemoryOwner {
 public:
  explicit Heap(size_t n) : bytes(n, 0) {}
  std::vector<uint8_t> bytes;
};

class FakeRegion final : public MemoryRegionApi {
 public:
  FakeRegion(uint32_t id, Memory memory, RegisterOptions options)
      : id_(id), memory_(std::move(memory)), options_(options) {}

  int32_t id(uint32_t &result) override {
    result = id_;
    return 0;
  }
  int32_t size(uint64_t &result) override {
    // A size past 2^53 for the region made with allocMemory(0): the glue must refuse it.
    result = memory_.size ? memory_.size : (UINT64_C(1) << 53);
    return 0;
  }
  int32_t view(Memory &result) override {
    result = memory_;
    return 0;
  }
  int32_t descriptor(std::vector<uint8_t> &result) override {
    abi::MemoryDescriptor d{};
    d.base_addr = reinterpret_cast<uintptr_t>(memory_.data);
    d.size = memory_.size;
    d.kind = abi::MemKind::kHOST;
    d.region_id = id_;
    d.rkey = options_.recv ? 1 : 2;
    result.resize(abi::MemoryDescriptor::kSize);
    abi::encode(d, result.data());
    return 0;
  }

 private:
  uint32_t id_;
  Memory memory_;
  RegisterOptions options_;
};

class FakeTransfer final : public TransferApi {
 public:
  int32_t post_send(const std::shared_ptr<MemoryRegionApi> &region, uint64_t offset, uint64_t size,
                    uint64_t tag) override {
    return record(region, offset, size, tag);
  }
  int32_t post_recv(const std::shared_ptr<MemoryRegionApi> &region, uint64_t offset, uint64_t size,
                    uint64_t tag) override {
    return record(region, offset, size, tag);
  }
  int32_t post_send_batch(const std::vector<PostOp> &ops) override {
    for (const PostOp &op : ops) record(op.region, op.offset, op.size, op.tag);
    return 0;
  }
  int32_t post_recv_batch(const std::vector<PostOp> &ops) override {
    return ops.empty() ? -abi::kEINVAL : post_send_batch(ops);
  }
  /** One-sided posts record (region, offset, size) with the remote region id as the tag. */
  int32_t post_write(const std::shared_ptr<MemoryRegionApi> &region, uint64_t offset, uint64_t size,
                     const abi::MemoryDescriptor &remote, uint64_t /*remote_offset*/) override {
    return record(region, offset, size, remote.region_id);
  }
  int32_t post_read(const std::shared_ptr<MemoryRegionApi> &region, uint64_t offset, uint64_t size,
                    const abi::MemoryDescriptor &remote, uint64_t remote_offset) override {
    return post_write(region, offset, size, remote, remote_offset);
  }
  /** EINVAL for an empty list; a notification longer than 3 bytes is EINVAL too. */
  int32_t post_write_batch(const std::vector<RemoteOp> &ops, const WriteBatchOptions &options) override {
    if (ops.empty() || (options.notify && options.notify->size() > 3)) return -abi::kEINVAL;
    for (const RemoteOp &op : ops) record(op.region, op.offset, op.size, op.remote.region_id);
    return 0;
  }
  int32_t post_read_batch(const std::vector<RemoteOp> &ops) override {
    return post_write_batch(ops, WriteBatchOptions{});
  }
  /** Completes from another thread: ECANCELED once `signal` aborts, ETIMEDOUT after the timeout. */
  void wait(const WaitOptions &options, DoneVoid done) override {
    std::shared_ptr<AbortToken> signal = options.signal;
    const int32_t timeout = options.timeout_ms;
    Threads::get().run([signal, timeout, done] {
      for (int waited = 0;; ++waited) {
        if (signal && signal->aborted()) return done(-abi::kECANCELED);
        if ((timeout >= 0 && waited >= timeout) || waited >= 10000) return done(-abi::kETIMEDOUT);
        std::this_thread::sleep_for(std::chrono::milliseconds(1));
      }
    });
  }
  int32_t is_complete(bool &result) override {
    result = tags_.empty();
    return 0;
  }
  /** The sum offset + size of the posts with `tag` (the test's way to see what arrived). */
  int32_t received_bytes(uint64_t tag, uint64_t &result) override {
    result = 0;
    bool found = false;
    for (size_t i = 0; i < tags_.size(); ++i) {
      if (tags_[i] == tag) {
        result += sums_[i];
        found = true;
      }
    }
    return found ? 0 : -abi::kENOENT;
  }
  int32_t release() override {
    tags_.clear();
    sums_.clear();
    return 0;
  }

 private:
  int32_t record(const std::shared_ptr<MemoryRegionApi> &region, uint64_t offset, uint64_t size, uint64_t tag) {
    if (!region) return -abi::kEINVAL;
    tags_.push_back(tag);
    sums_.push_back(offset + size);
    return 0;
  }
  std::vector<uint64_t> tags_;
  std::vector<uint64_t> sums_;
};

class FakeSession final : public SessionApi {
 public:
  explicit FakeSession(SessionOptions options) : options_(std::move(options)) {}

  /** Resolves from another thread with a conn_info blob whose channel count is the option's. */
  void listen(const ListenOptions &options, Done<std::vector<uint8_t>> done) override {
    if (options.signal && options.signal->aborted()) return done(-abi::kECANCELED, {});
    abi::ConnInfo info{};
    info.magic = abi::kCONN_INFO_MAGIC;
    info.version_major = 2;
    info.channel_count = static_cast<uint16_t>(options_.channels);
    info.addr_count = 1;
    std::vector<uint8_t> blob(abi::ConnInfo::kSize);
    abi::encode(info, blob.data());
    Threads::get().run([done, blob] { done(0, blob); });
  }
  int32_t load_remote_conn_info(const std::string &, const uint8_t *blob, size_t blob_len) override {
    abi::ConnInfo info{};
    return abi::decode(blob, blob_len, info) == abi::DecodeStatus::kOk ? 0 : -abi::kEPROTO;
  }
  /**
   * "drop": the completion is destroyed without a call. "later": fails from another thread.
   * "abortable": ECANCELED when the signal aborts (at once if it has). "cancelled": ECANCELED
   * at once, whatever the signal.
   */
  void connect(const std::string &name, const ConnectOptions &options, DoneVoid done) override {
    if (name == "drop") return;
    if (name == "cancelled") return done(-abi::kECANCELED);
    if (name == "abortable" && options.signal) {
      options.signal->on_abort([done] { done(-abi::kECANCELED); });
      return;
    }
    if (name == "later") {
      Threads::get().run([done] { done(-abi::kECONNRESET); });
      return;
    }
    done(0);
  }
  void accept(const std::string &, const AcceptOptions &, DoneVoid done) override { done(0); }
  void disconnect(const std::string &, DoneVoid done) override { done(-abi::kENOENT); }
  int32_t register_memory(const Memory &memory, const RegisterOptions &options,
                          std::shared_ptr<MemoryRegionApi> &result) override {
    if (!options.recv && !options.send) return -abi::kEINVAL;
    result = std::make_shared<FakeRegion>(++last_id_, memory, options);
    regions_.push_back(result);  // held until deregistered, like the real one
    return 0;
  }
  int32_t alloc_memory(uint64_t size, const RegisterOptions &options,
                       std::shared_ptr<MemoryRegionApi> &result) override {
    auto heap = std::make_shared<Heap>(static_cast<size_t>(size));
    for (size_t i = 0; i < heap->bytes.size(); ++i) heap->bytes[i] = static_cast<uint8_t>(i);
    Memory m;
    m.data = heap->bytes.data();
    m.size = heap->bytes.size();
    m.owner = heap;
    result = std::make_shared<FakeRegion>(++last_id_, m, options);
    return 0;
  }
  /**
   * Lets go of the region last, on another thread, once every other owner (the JS object) is
   * gone: the glue must then release the JS memory on the JS thread.
   */
  int32_t deregister_memory(const std::shared_ptr<MemoryRegionApi> &region) override {
    for (auto it = regions_.begin(); it != regions_.end(); ++it) {
      if (*it == region) {
        std::shared_ptr<MemoryRegionApi> held = std::move(*it);
        regions_.erase(it);
        Threads::get().run([held = std::move(held)]() mutable {
          for (int i = 0; i < 5000 && held.use_count() > 1; ++i) {
            std::this_thread::sleep_for(std::chrono::milliseconds(1));
          }
          held.reset();
        });
        return 0;
      }
    }
    return -abi::kEINVAL;
  }
  int32_t create_transfer(const std::string &name, std::shared_ptr<TransferApi> &result) override {
    if (name == "nobody") return -abi::kENOENT;
    result = std::make_shared<FakeTransfer>();
    return 0;
  }
  /** Notifications "sent" come back from get_notifs, with the name as the peer. */
  int32_t gen_notif(const std::string &name, const uint8_t *msg, size_t msg_len) override {
    if (name.empty()) return -abi::kENOENT;
    Notif n;
    n.peer = name;
    n.msg.assign(msg, msg + msg_len);
    std::lock_guard<std::mutex> lock(mu_);
    notifs_.push_back(std::move(n));
    return 0;
  }
  int32_t get_notifs(std::vector<Notif> &result) override {
    std::lock_guard<std::mutex> lock(mu_);
    result.swap(notifs_);
    notifs_.clear();
    return 0;
  }
  /** Resolves from another thread with {peer: the option's peer or "any", msg: [1, 2, 3]}; ETIMEDOUT for timeout 0. */
  void wait_notif(const WaitNotifOptions &options, Done<Notif> done) override {
    Notif n;
    n.peer = options.peer.value_or("any");
    n.msg = {1, 2, 3};
    const bool timeout = options.timeout_ms == 0;
    Threads::get().run([done, n, timeout] { done(timeout ? -abi::kETIMEDOUT : 0, timeout ? Notif{} : n); });
  }
  int32_t metrics(std::string &result) override {
    result = "{\"channels\":" + std::to_string(options_.channels) + ",\"host\":\"" + options_.host + "\"}";
    return 0;
  }
  void close(DoneVoid done) override { done(0); }

 private:
  SessionOptions options_;
  uint32_t last_id_ = 0;
  std::vector<std::shared_ptr<MemoryRegionApi>> regions_;
  std::mutex mu_;
  std::vector<Notif> notifs_;
};

class FakeGuest final : public GuestInstanceApi {
 public:
  int32_t cchat_create() override { return 1000; }
  int32_t cchat_write_msg(int32_t, const uint8_t *, size_t role_len, const uint8_t *, size_t content_len) override {
    return static_cast<int32_t>(role_len + content_len);
  }
  int32_t cchat_write_fn(int32_t, int32_t fn_offset, const uint8_t *, size_t) override { return fn_offset; }
  /**
   * Echoes the input as output (cmd 2; -ENOSPC with its length when it does not fit), or
   * returns `cmd` as a number. The input is copied first: from a guest, it is the same bytes.
   */
  int32_t cchat_ctl(int32_t, int32_t cmd, const uint8_t *arg, size_t arg_len, Output &arg_out) override {
    if (cmd != 2) return cmd;
    const std::vector<uint8_t> input(arg, arg + arg_len);
    return arg_out.write(input);
  }
  int32_t cchat_send(int32_t, uint32_t flags) override { return static_cast<int32_t>(flags); }
  /** An empty result (the end of a response). */
  int32_t cchat_recv(int32_t, Output &out) override { return out.write(nullptr, 0); }
  int32_t cchat_close(int32_t) override { return 0; }
  int32_t spear_epoll_create() override { return 1001; }
  int32_t spear_epoll_ctl(int32_t, int32_t, int32_t, uint32_t) override { return 0; }
  /** One epoll_event {fd, IN} when it fits, else -ENOSPC asking for one record. */
  int32_t spear_epoll_wait(int32_t epfd, Output &out, int32_t) override {
    if (out.capacity() < abi::EpollEvent::kSize) return out.need(abi::EpollEvent::kSize);
    abi::EpollEvent e{};
    e.fd = epfd;
    e.events = abi::EpollEvents::kIN;
    abi::encode(e, out.room(abi::EpollEvent::kSize));
    out.commit(abi::EpollEvent::kSize);
    return 0;
  }
  int32_t spear_epoll_close(int32_t) override { return 0; }
  int32_t spear_fd_ctl(int32_t, int32_t, const uint8_t *, size_t, Output &) override { return 0; }
  int32_t rtasr_create() override { return 1002; }
  int32_t rtasr_ctl(int32_t, int32_t, const uint8_t *, size_t, Output &) override { return 0; }
  int32_t rtasr_write(int32_t, const uint8_t *, size_t buf_len) override { return static_cast<int32_t>(buf_len); }
  int32_t rtasr_read(int32_t, Output &) override { return -abi::kEAGAIN; }
  int32_t rtasr_close(int32_t) override { return 0; }
  int32_t mic_create() override { return 1003; }
  int32_t mic_ctl(int32_t, int32_t, const uint8_t *, size_t, Output &) override { return 0; }
  int32_t mic_read(int32_t, Output &) override { return -abi::kEAGAIN; }
  int32_t mic_close(int32_t) override { return 0; }
  int32_t user_stream_open(int32_t, int32_t) override { return 1003; }
  int32_t user_stream_read(int32_t, Output &) override { return -abi::kEAGAIN; }
  int32_t user_stream_write(int32_t, const uint8_t *, size_t) override { return 0; }
  int32_t user_stream_close(int32_t) override { return 0; }
  int32_t user_stream_ctl_open() override { return 1004; }
  int32_t user_stream_ctl_read(int32_t, Output &) override { return -abi::kEAGAIN; }
  int64_t time_now_ms() override { return INT64_C(1) << 40; }
  int64_t wall_time_s() override { return -1; }
  int64_t random_i64() override { return INT64_MIN; }
  int32_t log(int32_t, const uint8_t *, size_t) override { return 0; }
  int32_t sleep_ms(int32_t ms) override { return ms < 0 ? -abi::kEINVAL : 0; }
};

}  // namespace

int32_t make_session(const SessionOptions &options, std::shared_ptr<SessionApi> &out) {
  if (options.host == "fail") return -abi::kEINVAL;
  out = std::make_shared<FakeSession>(options);
  return 0;
}

int32_t make_guest_instance(std::shared_ptr<GuestInstanceApi> &out) {
  out = std::make_shared<FakeGuest>();
  return 0;
}

}  // namespace hostwire::core
