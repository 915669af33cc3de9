#include "core/transfer/channel.hpp"

#include <linux/sockios.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include "core/transfer/socket.hpp"
#include "core/util/clock.hpp"

namespace hostwire::core::transfer {

namespace {

constexpr size_t kHeader = abi::FrameHeader::kSize;
/**
 * Bytes read from one channel per readiness event before the loop serves the others (and
 * releases the engine's lock, which API calls on the JS thread wait for).
 */
constexpr size_t kReadBudget = size_t{2} << 20;
/** The receive staging buffer. */
constexpr size_t kStage = 64 * 1024;
/** Payloads up to this size are small: the bytes behind them are read ahead into the stage. */
constexpr size_t kSmall = 16 * 1024;
/** Where dropped payload bytes go (only ever read into, never looked at). */
thread_local uint8_t g_discard[64 * 1024];

}  // namespace

Channel::Channel(Loop &loop, int fd, uint32_t index, ChannelOwner *owner, bool connecting,
                 std::vector<Channel *> *dirty, int lowat_max)
    : loop_(loop), fd_(fd), index_(index), owner_(owner), connecting_(connecting), dirty_(dirty),
      stage_(new uint8_t[kStage]), lowat_max_(std::max(lowat_max, 1)) {
  created_ms = mono_now_ms();
  last_send_ms_ = last_recv_ms_ = created_ms;
}

Channel::~Channel() { close(); }

int32_t Channel::start() {
  out_armed_ = connecting_;
  return loop_.add(fd_, EPOLLIN | (connecting_ ? EPOLLOUT : 0u), this);
}

void Channel::close() {
  if (fd_ < 0) return;
  loop_.remove(fd_);
  ::close(fd_);
  fd_ = -1;
  out_.clear();
  queued_chunks_ = 0;
  rx_op_.reset();
  rx_buf_.clear();
}

void Channel::fail(int32_t err, const char *why) {
  if (fd_ < 0) return;
  ChannelOwner *owner = owner_;
  close();
  owner->on_channel_error(*this, err, why);
}

uint32_t Channel::events() const { return (paused_ ? 0u : EPOLLIN) | (out_armed_ ? EPOLLOUT : 0u); }

void Channel::want_out(bool on) {
  if (on == out_armed_ || fd_ < 0) return;
  out_armed_ = on;
  loop_.modify(fd_, events(), this);
}

void Channel::pause() {
  if (paused_ || fd_ < 0) return;
  paused_ = true;
  loop_.modify(fd_, events(), this);
}

void Channel::resume() {
  if (!paused_ || fd_ < 0) return;
  paused_ = false;
  loop_.modify(fd_, events(), this);
  read_some();  // what was staged first; the socket's readiness brings the rest
}

void Channel::on_event(uint32_t events) {
  if (fd_ < 0) return;  // closed earlier in this batch of events
  if (connecting_) {
    if ((events & (EPOLLOUT | EPOLLERR | EPOLLHUP)) == 0) return;
    int32_t err = socket_error(fd_);
    connecting_ = false;
    if (err != 0) {
      fail(err, "connect failed");
      return;
    }
    want_out(!out_.empty());
    owner_->on_connected(*this, 0);
    if (fd_ >= 0 && !out_.empty()) flush(kLoopWriteBudget);
    return;
  }
  if ((events & EPOLLOUT) != 0) flush(kLoopWriteBudget);
  if (fd_ >= 0 && paused_) {
    // Not reading: a hang-up or error would be reported again and again (level-triggered).
    if ((events & (EPOLLHUP | EPOLLERR)) != 0) fail(-abi::kECONNRESET, "the connection closed during the handshake");
    return;
  }
  if (fd_ >= 0 && (events & (EPOLLIN | EPOLLHUP | EPOLLERR)) != 0) read_some();
}

void Channel::send(const Frame &f, const uint8_t *payload, std::shared_ptr<Op> keep, bool chunk) {
  if (fd_ < 0) return;
  out_.emplace_back();
  OutFrame &o = out_.back();
  encode_frame(f, o.hdr);
  o.payload = payload;
  o.length = payload ? f.length : 0;
  o.keep = std::move(keep);
  o.chunk = chunk;
  if (chunk) ++queued_chunks_;
  ++frames_sent_;
  if (!in_dirty_ && !flushing_) {
    in_dirty_ = true;
    dirty_->push_back(this);
  }
}

void Channel::send_owned(const Frame &f, std::shared_ptr<const std::vector<uint8_t>> payload) {
  if (fd_ < 0) return;
  const uint8_t *bytes = payload->empty() ? nullptr : payload->data();
  send(f, bytes);
  if (!out_.empty()) out_.back().owned = std::move(payload);
}

void Channel::flush_all(std::vector<Channel *> &dirty, size_t budget) {
  // flush() may queue more frames (chunk callbacks), on this or other channels: loop.
  while (!dirty.empty()) {
    std::vector<Channel *> now;
    now.swap(dirty);
    for (Channel *ch : now) {
      ch->in_dirty_ = false;
      if (!ch->out_armed_) ch->flush(budget);
    }
  }
}

void Channel::flush(size_t budget) {
  if (fd_ < 0 || connecting_ || flushing_) return;
  flushing_ = true;
  constexpr int kMaxIov = 256;
  while (fd_ >= 0 && !out_.empty()) {
    if (budget == 0) {
      // The rest when the socket says it is writable, from the loop thread.
      flushing_ = false;
      want_out(true);
      return;
    }
    iovec iov[kMaxIov];
    int n_iov = 0;
    size_t bytes = 0;
    const size_t limit = budget;
    for (auto it = out_.begin(); it != out_.end() && n_iov + 2 <= kMaxIov && bytes < limit; ++it) {
      if (it->done < kHeader) {
        iov[n_iov++] = {it->hdr + it->done, kHeader - it->done};
        bytes += kHeader - it->done;
      }
      if (it->length > 0) {
        const size_t pd = it->done > kHeader ? it->done - kHeader : 0;
        iov[n_iov++] = {const_cast<uint8_t *>(it->payload) + pd, it->length - pd};
        bytes += it->length - pd;
      }
    }
    msghdr m{};
    m.msg_iov = iov;
    m.msg_iovlen = static_cast<size_t>(n_iov);
    const ssize_t n = sendmsg(fd_, &m, MSG_NOSIGNAL | MSG_DONTWAIT);
    if (n < 0) {
      if (errno == EINTR) continue;
      if (errno == EAGAIN || errno == EWOULDBLOCK) {
        flushing_ = false;
        want_out(true);
        return;
      }
      flushing_ = false;
      fail(errno == EPIPE || errno == ECONNRESET ? -abi::kECONNRESET : -errno, "send failed");
      return;
    }
    last_send_ms_ = mono_now_ms();
    bytes_written_ += static_cast<uint64_t>(n);
    budget -= std::min(budget, static_cast<size_t>(n));
    size_t left = static_cast<size_t>(n);
    while (left > 0 && !out_.empty()) {
      OutFrame &o = out_.front();
      const size_t rest = kHeader + o.length - o.done;
      if (left < rest) {
        o.done += left;
        left = 0;
        break;
      }
      left -= rest;
      std::shared_ptr<Op> op = std::move(o.keep);
      const bool chunk = o.chunk;
      const uint32_t length = o.length;
      out_.pop_front();
      if (chunk) {
        --queued_chunks_;
        owner_->on_chunk_written(*this, op, length);  // may queue more (appended behind)
        if (fd_ < 0) {
          flushing_ = false;
          return;
        }
      }
    }
  }
  flushing_ = false;
  want_out(false);
}

uint64_t Channel::unacked_bytes() const {
  if (fd_ < 0) return 0;
  int n = 0;
  if (ioctl(fd_, SIOCOUTQ, &n) != 0 || n < 0) return 0;
  return static_cast<uint64_t>(n);
}

void Channel::expect_direct(uint8_t *dest, std::shared_ptr<Op> op) {
  plan_ = Plan::kDirect;
  rx_dest_ = dest;
  rx_op_ = std::move(op);
}

void Channel::expect_buffer() {
  plan_ = Plan::kBuffer;
  rx_buf_.assign(rx_frame_.length, 0);
}

void Channel::read_some() {
  // The budget bounds socket reads only: frames already staged are always handled, since
  // no readiness event would come back for them.
  size_t budget = kReadBudget;
  while (fd_ >= 0 && !paused_) {
    if (rx_ == Rx::kHeader) {
      if (stage_len_ - stage_pos_ >= kHeader) {
        got_header();
        continue;
      }
      if (budget == 0) break;
      if (stage_pos_ > 0) {
        std::memmove(stage_.get(), stage_.get() + stage_pos_, stage_len_ - stage_pos_);
        stage_len_ -= stage_pos_;
        stage_pos_ = 0;
      }
      // After a bulk chunk, read exactly the header: its payload goes straight to its place.
      const size_t want = bulk_ ? kHeader - stage_len_ : kStage - stage_len_;
      const ssize_t n = ::recv(fd_, stage_.get() + stage_len_, want, MSG_DONTWAIT);
      const ReadStep step = after_read(n);
      if (step == ReadStep::kRetry) continue;
      if (step == ReadStep::kStop) return;
      last_recv_ms_ = mono_now_ms();
      stage_len_ += static_cast<size_t>(n);
      budget -= std::min(budget, static_cast<size_t>(n));
      continue;
    }
    if (plan_ == Plan::kDirect && (!rx_op_ || rx_op_->finished)) {
      plan_ = Plan::kDiscard;  // its operation ended (cancelled, failed): nothing lands any more
      rx_op_.reset();
    }
    uint8_t *dest = nullptr;
    switch (plan_) {
      case Plan::kDirect: dest = rx_dest_ + rx_done_; break;
      case Plan::kBuffer: dest = rx_buf_.data() + rx_done_; break;
      case Plan::kDiscard: dest = nullptr; break;
    }
    // Payload bytes already staged (small frames, read ahead): copied out.
    if (stage_len_ > stage_pos_) {
      const size_t take = std::min(stage_len_ - stage_pos_, rx_left_);
      if (dest != nullptr) std::memcpy(dest, stage_.get() + stage_pos_, take);
      stage_pos_ += take;
      payload_read_ += take;
      rx_done_ += take;
      rx_left_ -= take;
      if (rx_left_ == 0) payload_done();
      continue;
    }
    stage_pos_ = stage_len_ = 0;
    if (budget == 0) break;
    // The rest straight from the socket into its destination, and what follows it into
    // the stage: the next header only behind a bulk chunk, more frames behind a small one.
    iovec iov[2];
    size_t want = rx_left_;
    if (dest == nullptr) {
      want = std::min(want, sizeof g_discard);
      dest = g_discard;
    }
    iov[0] = {dest, want};
    int n_iov = 1;
    if (want == rx_left_) iov[n_iov++] = {stage_.get(), rx_frame_.length > kSmall ? kHeader : kStage};
    const ssize_t n = ::readv(fd_, iov, n_iov);
    const ReadStep step = after_read(n);
    if (step == ReadStep::kRetry) continue;
    if (step == ReadStep::kStop) return;
    last_recv_ms_ = mono_now_ms();
    const size_t got = static_cast<size_t>(n);
    const size_t take = std::min(got, want);
    payload_read_ += take;
    rx_done_ += take;
    rx_left_ -= take;
    budget -= std::min(budget, got);
    stage_len_ = got - take;
    if (rx_left_ == 0) payload_done();
  }
  // Out of budget with more to read: the loop comes back (level-triggered) once the
  // low-water mark, brought down to what is certainly coming, is reached.
  if (fd_ >= 0 && !paused_) park();
}

Channel::ReadStep Channel::after_read(ssize_t n) {
  if (n > 0) return ReadStep::kGot;
  if (n == 0) {
    fail(-abi::kECONNRESET, "the peer closed the connection");
  } else if (errno == EINTR) {
    return ReadStep::kRetry;
  } else if (errno == EAGAIN || errno == EWOULDBLOCK) {
    park();
  } else {
    fail(errno == ECONNRESET ? -abi::kECONNRESET : -errno, "receive failed");
  }
  return ReadStep::kStop;
}

void Channel::park() {
  // Nothing more to read now, or out of budget. In the middle of a bulk chunk, wake up when
  // the rest of it (at most lowat_max_) is there rather than for every segment: fewer
  // wake-ups and larger reads for both processes. Nonblocking reads still return whatever
  // has arrived, and EOF, errors and heartbeats (read_parked) are not held back.
  const size_t want = rx_ == Rx::kPayload && rx_frame_.length > kSmall ? std::min(rx_left_, static_cast<size_t>(lowat_max_)) : 1;
  const int lowat = static_cast<int>(std::max<size_t>(want, 1));
  if (lowat == lowat_ || fd_ < 0) return;
  if (set_rcvlowat(fd_, lowat) == 0) lowat_ = lowat;
}

void Channel::got_header() {
  const char *why = "";
  Frame f;
  const int32_t err = parse_frame(stage_.get() + stage_pos_, f, &why);
  stage_pos_ += kHeader;
  if (err != 0) return fail(-abi::kEPROTO, why);
  bulk_ = f.type == abi::FrameType::kDATA && f.length > kSmall;
  rx_frame_ = f;
  plan_ = Plan::kDiscard;
  rx_op_.reset();
  owner_->on_frame(*this, f);
  if (fd_ < 0) return;
  if (f.length > 0) {
    rx_ = Rx::kPayload;
    rx_done_ = 0;
    rx_left_ = f.length;
  } else {
    plan_ = Plan::kDiscard;
    rx_op_.reset();
  }
}

void Channel::payload_done() {
  rx_ = Rx::kHeader;
  const Plan plan = plan_;
  plan_ = Plan::kDiscard;
  std::shared_ptr<Op> op = std::move(rx_op_);
  if (plan == Plan::kDiscard) return;
  owner_->on_payload(*this, rx_frame_, plan == Plan::kBuffer);
}

}  // namespace hostwire::core::transfer
