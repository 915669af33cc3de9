#include "core/transfer/peer.hpp"

#include <algorithm>
#include <cstring>

#include "core/transfer/engine.hpp"
#include "core/util/clock.hpp"

namespace hostwire::core::transfer {

namespace {

using T = abi::FrameType;

/** A frame about operation `op` (tag, one-sided flags). */
Frame op_frame(const Op &op, uint8_t type, uint64_t msg_id, uint64_t offset = 0, uint64_t rkey = 0, uint32_t length = 0) {
  Frame f = make_frame(type, op.tag, msg_id, offset, rkey, length);
  f.flags = space_flags(op.space);
  return f;
}

}  // namespace

Peer::Peer(Engine &engine, uint64_t id, std::vector<std::unique_ptr<Channel>> channels)
    : engine_(engine), id_(id), stats_(std::make_shared<PeerStats>()), channels_(std::move(channels)),
      drain_(channels_.size()) {
  for (auto &ch : channels_) ch->set_owner(this);
  stats_->channels = static_cast<uint32_t>(channels_.size());
  stats_->state = "connected";
  if (!channels_.empty()) stats_->congestion = channels_[0]->congestion;
}

Peer::~Peer() {
  for (auto &ch : channels_) {
    if (ch) ch->close();
  }
}

void Peer::set_name(const std::string &name, std::shared_ptr<PeerStats> stats) {
  name_ = name;
  // Counters gathered before the peer had a name (frames that came before accept()).
  stats->bytes_sent += stats_->bytes_sent;
  stats->bytes_received += stats_->bytes_received;
  stats->frames_sent += stats_->frames_sent;
  stats->frames_received += stats_->frames_received;
  stats->one_sided_served += stats_->one_sided_served;
  stats->one_sided_refused += stats_->one_sided_refused;
  stats->notifs_received += stats_->notifs_received;
  stats->notifs_dropped += stats_->notifs_dropped;
  stats->channels = stats_->channels;
  stats->state = stats_->state;
  stats->congestion = stats_->congestion;
  stats->address = stats_->address;
  stats->announced = stats_->announced;
  stats_ = std::move(stats);
}

void Peer::control(const Frame &f, const uint8_t *payload, std::shared_ptr<Op> keep) {
  if (!alive_) return;
  ++stats_->frames_sent;
  channels_[0]->send(f, payload, std::move(keep), false);
}

void Peer::finish(const std::shared_ptr<Op> &op, int32_t err) {
  if (op->finished) return;
  tags(op->space).remove(*op);
  if (op->eager_credit) {
    eager_out_ -= std::min(eager_out_, op->size + kEagerEntryBytes);
    op->eager_credit = false;
  }
  const bool rtr_back = op->rtr_out;
  if (rtr_back) {
    op->rtr_out = false;
    --rtrs_out_;
  }
  if (!op->is_recv && op->send_phase == SendPhase::kStreaming) {
    auto it = std::find(streams_.begin(), streams_.end(), op);
    if (it != streams_.end()) streams_.erase(it);
  }
  if (op->is_recv && op->recv_phase == RecvPhase::kData && recvs_streaming_ > 0) --recvs_streaming_;
  if (err == 0) {
    if (op->is_recv) {
      ++stats_->recvs_completed;
    } else {
      ++stats_->sends_completed;
    }
  } else {
    ++stats_->ops_failed;
  }
  const bool request_back = op->request_out;
  if (request_back) {
    op->request_out = false;
    --one_sided_out_;
  }
  engine_.finish_op(*op, err);
  if (op->notify) {
    // The batch's notification goes once its last WRITE is ACKed: every byte is in place there.
    std::shared_ptr<BatchNotify> n = std::move(op->notify);
    if (err != 0) n->failed = true;
    if (n->remaining > 0 && --n->remaining == 0 && !n->failed) {
      send_notif(std::make_shared<const std::vector<uint8_t>>(std::move(n->msg)));
    }
  }
  if (rtr_back) announce_held();
  if (request_back) start_held_one_sided();
}

// ---- posting -----------------------------------------------------------------------------

bool Peer::eager_fits(uint64_t size) const {
  // Each eager message costs the receiver its bytes and an entry (kEagerEntryBytes) while it
  // is unexpected there: the credit counts both, as the receiver's budget does.
  return size <= engine_.options().eager_max_bytes && eager_out_ + size + kEagerEntryBytes <= kEagerCreditBytes;
}

void Peer::send_eager(const std::shared_ptr<Op> &op) {
  op->send_phase = SendPhase::kEagerSent;
  // Eager credit bounds what the receiver may have to buffer unexpected. A one-sided WRITE's
  // EAGER frame never is: its request, right before it on channel 0, made the receive.
  if (op->space == Space::kTwoSided) {
    op->eager_credit = true;
    eager_out_ += op->size + kEagerEntryBytes;
  }
  stats_->bytes_sent += op->size;
  control(op_frame(*op, T::kEAGER, op->id, 0, 0, static_cast<uint32_t>(op->size)), op->size ? op->base() : nullptr, op);
}

void Peer::post(const std::shared_ptr<Op> &op) {
  TagTable &table = tags(op->space);
  table.add(op);
  if (op->space == Space::kInitiator) {
    if (one_sided_out_ >= kMaxOneSidedActive) {
      held_one_sided_.push_back(op);  // its request goes once an earlier one finishes
      return;
    }
    return start_one_sided(op);
  }
  if (op->is_recv) {
    UnexpectedEager m;
    if (table.take_eager(op->tag, m)) return deliver_buffered(op, m);
    if (rtrs_out_ >= kMaxStoredRtrs) {
      held_rtrs_.push_back(op);  // announced once an earlier receive finishes
      return;
    }
    return announce(op);
  }
  StoredRtr r;
  if (table.take_rtr(op->tag, r)) return match_send(op, r);
  if (eager_fits(op->size)) return send_eager(op);
  op->send_phase = SendPhase::kWaitRtr;
}

void Peer::start_one_sided(const std::shared_ptr<Op> &op) {
  op->request_out = true;
  ++one_sided_out_;
  const bool eager = !op->is_recv && op->size <= engine_.options().eager_max_bytes;
  abi::RemoteAccess a{};
  a.region_id = op->remote_region;
  a.flags = eager ? kAccessEager : 0;
  a.size = op->size;
  a.reply_rkey = op->is_recv ? op->region->rkey : 0;
  abi::encode(a, op->request);
  control(make_frame(op->is_recv ? T::kREAD_REQ : T::kWRITE_REQ, op->tag, op->id, op->remote_offset, op->remote_rkey,
                     static_cast<uint32_t>(abi::RemoteAccess::kSize)),
          op->request, op);
  if (op->is_recv) return;  // a READ: the target streams into the receive, as if matched by an RTR
  if (eager) return send_eager(op);
  op->send_phase = SendPhase::kWaitRtr;  // the target's RTR says it accepted the request
}

void Peer::start_held_one_sided() {
  while (alive_ && one_sided_out_ < kMaxOneSidedActive && !held_one_sided_.empty()) {
    std::shared_ptr<Op> op = std::move(held_one_sided_.front());
    held_one_sided_.pop_front();
    if (!op->finished) start_one_sided(op);
  }
}

void Peer::serve(const Frame &f, const std::vector<uint8_t> &payload) {
  abi::RemoteAccess a{};
  if (abi::decode(payload.data(), payload.size(), a) != abi::DecodeStatus::kOk) {
    return fail(-abi::kEPROTO, "a malformed remote_access record");
  }
  const bool write = f.type == T::kWRITE_REQ;
  // Our part: a WRITE is a receive (id S | bit 63), a READ a send (id R without it).
  const uint64_t id = write ? (f.msg_id | kRecvIdBit) : (f.msg_id & ~kRecvIdBit);
  TagTable &table = tags(Space::kTarget);
  if (table.has(write, f.tag) || (write && table.recv_by_id(id))) {
    return fail(-abi::kEPROTO, "a second one-sided request with one tag or id");
  }
  auto refuse = [&](int32_t err) {
    Frame e = make_frame(T::kERROR, f.tag, id, static_cast<uint64_t>(-err));
    e.flags = kFlagTarget;
    ++stats_->one_sided_refused;
    control(e);
  };
  if (table.active() >= kMaxOneSidedActive) return refuse(-abi::kEBUSY);
  std::shared_ptr<RegionState> region;
  if (const int32_t err = engine_.check_served(a.region_id, f.rkey, f.offset, a.size, write, region); err != 0) {
    return refuse(err);
  }
  auto op = std::make_shared<Op>();
  op->space = Space::kTarget;
  op->is_recv = write;
  op->id = id;
  op->tag = f.tag;
  op->region = std::move(region);
  op->offset = f.offset;
  op->size = a.size;
  op->peer_id = id_;
  table.add(op);
  ++stats_->one_sided_served;
  if (write) {
    // The bytes follow: in one EAGER frame (right behind the request on channel 0), or, once
    // our RTR is there, as DATA chunks on every channel.
    if ((a.flags & kAccessEager) == 0) control(op_frame(*op, T::kRTR, op->id, op->size, op->region->rkey));
    return;
  }
  StoredRtr r;
  r.recv_id = f.msg_id;
  r.capacity = a.size;
  r.rkey = a.reply_rkey;
  match_send(op, r);
}

void Peer::drop_served(const RegionState *region, int32_t err) {
  for (auto &op : tags(Space::kTarget).on_region(region)) {
    if (op->finished) continue;
    fail_op(op, err);  // no ERROR frame once the peer is gone (control)
  }
}

void Peer::send_notif(std::shared_ptr<const std::vector<uint8_t>> msg) {
  if (!alive_) return;
  ++stats_->frames_sent;
  const Frame f = make_frame(T::kNOTIF, 0, 0, 0, 0, static_cast<uint32_t>(msg->size()));
  channels_[0]->send_owned(f, std::move(msg));
}

void Peer::announce(const std::shared_ptr<Op> &op) {
  op->rtr_out = true;
  ++rtrs_out_;
  control(op_frame(*op, T::kRTR, op->id, op->size, op->region->rkey));
}

void Peer::announce_held() {
  while (alive_ && rtrs_out_ < kMaxStoredRtrs && !held_rtrs_.empty()) {
    std::shared_ptr<Op> op = std::move(held_rtrs_.front());
    held_rtrs_.pop_front();
    // Finished meanwhile, or matched by an EAGER frame (no RTR needed any more).
    if (op->finished || op->recv_phase != RecvPhase::kWaitData) continue;
    announce(op);
  }
}

void Peer::cancel(const std::shared_ptr<Op> &op, int32_t err) {
  if (op->finished) return;
  if (alive_) control(op_frame(*op, T::kCANCEL, op->id));
  finish(op, err);
}

void Peer::match_send(const std::shared_ptr<Op> &op, const StoredRtr &r) {
  op->matched_recv = r.recv_id;
  if (op->size > r.capacity) {
    return fail_op(op, -abi::kEMSGSIZE);
  }
  op->rkey = r.rkey;
  op->send_phase = SendPhase::kStreaming;
  op->next_offset = 0;
  streams_.push_back(op);
  pump();
}

void Peer::pump() {
  if (pumping_ || !alive_) return;
  pumping_ = true;
  const uint64_t chunk = engine_.options().chunk_bytes;
  const uint32_t window = engine_.options().window_chunks;
  const size_t n = channels_.size();
  while (alive_ && !streams_.empty()) {
    bool progress = false;
    for (size_t i = 0; i < n && !streams_.empty(); ++i) {
      Channel &ch = *channels_[(next_channel_ + i) % n];
      if (ch.queued_chunks() >= window) continue;
      std::shared_ptr<Op> op = streams_.front();
      const uint64_t len = std::min(chunk, op->size - op->next_offset);
      if (len > 0) {
        ++stats_->frames_sent;
        ch.send(op_frame(*op, T::kDATA, op->matched_recv, op->next_offset, op->rkey, static_cast<uint32_t>(len)),
                op->base() + op->next_offset, op, true);
        op->next_offset += len;
      }
      if (!alive_) break;
      if (op->next_offset == op->size && !op->finished && op->send_phase == SendPhase::kStreaming) {
        // The end marker: the real length, behind the last chunk on the same channel.
        ++stats_->frames_sent;
        ch.send(op_frame(*op, T::kDATA, op->matched_recv, op->size, op->rkey, 0));
        if (op->space == Space::kTarget) {
          finish(op, 0);  // a READ served: its bytes are queued, and its receive sends no ACK
        } else {
          op->send_phase = SendPhase::kAwaitAck;
          await_ack(op);
          auto it = std::find(streams_.begin(), streams_.end(), op);
          if (it != streams_.end()) streams_.erase(it);
        }
      }
      next_channel_ = (next_channel_ + i + 1) % n;
      progress = true;
      break;
    }
    if (!progress) break;
  }
  pumping_ = false;
}

// ---- receiving -----------------------------------------------------------------------------

void Peer::deliver_buffered(const std::shared_ptr<Op> &op, UnexpectedEager &m) {
  op->bound_send = m.send_id;
  op->recv_phase = RecvPhase::kEager;
  if (m.data.size() > op->size) {
    return fail_op(op, -abi::kEMSGSIZE);
  }
  if (!m.data.empty()) std::memcpy(op->base(), m.data.data(), m.data.size());  // small messages only
  op->received = m.data.size();
  complete_recv(op, m.send_id);
}

void Peer::complete_recv(const std::shared_ptr<Op> &op, uint64_t ack_id) {
  // A READ's receive is not ACKed: its target finished when it queued the last byte.
  if (op->space != Space::kInitiator) control(op_frame(*op, T::kACK, ack_id, op->received));
  finish(op, 0);
}

void Peer::fail_op(const std::shared_ptr<Op> &op, int32_t err) {
  control(op_frame(*op, T::kERROR, op->id, static_cast<uint64_t>(-err)));
  finish(op, err);
}

void Peer::check_recv_done(const std::shared_ptr<Op> &op) {
  if (op->total == UINT64_MAX) return;
  if (op->received > op->total) return fail(-abi::kEPROTO, "more DATA bytes than the message's length");
  if (op->received == op->total) complete_recv(op, op->id);
}

void Peer::on_frame(Channel &ch, const Frame &f) {
  ++stats_->frames_received;
  switch (f.type) {
    case T::kHEARTBEAT: return;
    case T::kCLOSE: return fail(-abi::kECONNRESET, "the peer closed the session");
    case T::kHELLO: return fail(-abi::kEPROTO, "HELLO on an established channel");
    case T::kREADY: return fail(-abi::kEPROTO, "READY on an established channel");
    case T::kEAGER: return on_eager(ch, f);
    case T::kRTR: return on_rtr(f);
    case T::kDATA: return on_data(ch, f);
    case T::kACK: return on_ack(f);
    case T::kERROR: {
      const int32_t e = -static_cast<int32_t>(f.offset);
      return on_failure(f, abi::errno_name(e) ? e : -abi::kEPROTO, false);
    }
    case T::kCANCEL: return on_failure(f, -abi::kECANCELED, true);
    case T::kWRITE_REQ:
    case T::kREAD_REQ: return ch.expect_buffer();  // served once its remote_access record is in
    case T::kNOTIF:
      if (f.length == 0) return engine_.on_notif(*this, std::vector<uint8_t>());
      return ch.expect_buffer();
    default: return fail(-abi::kEPROTO, "unexpected frame type");
  }
}

void Peer::on_eager(Channel &ch, const Frame &f) {
  const Space space = frame_space(f.flags);
  TagTable &table = tags(space);
  std::shared_ptr<Op> op = table.recv(f.tag);
  if (op) {
    if (op->recv_phase != RecvPhase::kWaitData || op->received != 0) {
      return fail(-abi::kEPROTO, "EAGER for a receive that is already matched");
    }
    op->bound_send = f.msg_id;
    op->recv_phase = RecvPhase::kEager;
    // A one-sided operation moves exactly its size; the payload is read and dropped.
    if (space != Space::kTwoSided && f.length != op->size) return fail_op(op, -abi::kEPROTO);
    if (f.length > op->size) return fail_op(op, -abi::kEMSGSIZE);
    if (f.length == 0) return complete_recv(op, f.msg_id);
    ch.expect_direct(op->base(), op);
    return;
  }
  // A one-sided operation that ended (refused, cancelled): its bytes are read and dropped.
  if (space != Space::kTwoSided) return;
  if (table.has_eager(f.tag)) return fail(-abi::kEPROTO, "a second unexpected EAGER for one tag");
  if (!table.eager_fits(f.length)) return fail(-abi::kEPROTO, "unexpected EAGER messages beyond the eager credit");
  if (f.length == 0) {
    UnexpectedEager m;
    m.send_id = f.msg_id;
    table.store_eager(f.tag, std::move(m));
    return;
  }
  ch.expect_buffer();
}

void Peer::on_payload(Channel &ch, const Frame &f, bool buffered) {
  stats_->bytes_received += f.length;
  if (f.type == T::kWRITE_REQ || f.type == T::kREAD_REQ) return serve(f, ch.take_buffer());
  if (f.type == T::kNOTIF) return engine_.on_notif(*this, ch.take_buffer());
  TagTable &table = tags(frame_space(f.flags));
  if (f.type == T::kEAGER) {
    if (buffered) {  // two-sided only (on_eager)
      UnexpectedEager m;
      m.send_id = f.msg_id;
      m.data = ch.take_buffer();
      std::shared_ptr<Op> op = table.recv(f.tag);
      if (op && op->recv_phase == RecvPhase::kWaitData && op->received == 0) return deliver_buffered(op, m);
      if (!table.store_eager(f.tag, std::move(m))) {
        return fail(-abi::kEPROTO, "unexpected EAGER messages beyond the eager credit");
      }
      return;
    }
    std::shared_ptr<Op> op = table.recv(f.tag);
    if (!op || op->bound_send != f.msg_id || op->finished) return;
    op->received = f.length;
    return complete_recv(op, f.msg_id);
  }
  if (f.type == T::kDATA) {
    std::shared_ptr<Op> op = table.recv_by_id(f.msg_id);
    if (!op || op->finished) return;
    op->received += f.length;
    check_recv_done(op);
  }
}

void Peer::on_rtr(const Frame &f) {
  StoredRtr r;
  r.recv_id = f.msg_id;
  r.capacity = f.offset;
  r.rkey = f.rkey;
  const Space space = frame_space(f.flags);
  // Only a one-sided operation's target sends RTRs for it, and only for a WRITE it accepted.
  if (space == Space::kTarget) return fail(-abi::kEPROTO, "RTR from the initiator of a one-sided operation");
  TagTable &table = tags(space);
  std::shared_ptr<Op> op = table.send(f.tag);
  if (space == Space::kInitiator) {
    if (!op) return;  // a WRITE that ended (cancelled): nothing to stream
    if (op->send_phase != SendPhase::kWaitRtr || op->matched_recv != f.msg_id) {
      return fail(-abi::kEPROTO, "RTR that does not answer a WRITE request");
    }
    return match_send(op, r);
  }
  if (op) {
    switch (op->send_phase) {
      case SendPhase::kWaitRtr: return match_send(op, r);
      case SendPhase::kEagerSent:  // crossed our EAGER frame: the receiver will place that
        op->matched_recv = r.recv_id;
        await_ack(op);  // its receive is posted: the ACK is due once the EAGER frame is there
        return;
      default: return fail(-abi::kEPROTO, "RTR for a send that is already matched");
    }
  }
  if (!table.rtr_fits()) return fail(-abi::kEPROTO, "more stored RTRs than kMaxStoredRtrs");
  if (!table.store_rtr(f.tag, r)) fail(-abi::kEPROTO, "a second RTR for one tag");
}

void Peer::on_data(Channel &ch, const Frame &f) {
  std::shared_ptr<Op> op = tags(frame_space(f.flags)).recv_by_id(f.msg_id);
  if (!op) return;  // a receive that ended (cancelled, failed): its late chunks are dropped
  if (op->tag != f.tag) return fail(-abi::kEPROTO, "DATA tag does not match its receive");
  if (f.rkey != op->region->rkey) return fail(-abi::kEPROTO, "DATA with a wrong rkey");
  if (op->recv_phase == RecvPhase::kEager) return fail(-abi::kEPROTO, "DATA for a receive matched by EAGER");
  if (op->recv_phase != RecvPhase::kData) {
    op->recv_phase = RecvPhase::kData;
    ++recvs_streaming_;
  }
  if (f.length == 0) {
    // A one-sided operation moves exactly its size (a READ's reply cut short fails it alone).
    if (op->space != Space::kTwoSided && f.offset != op->size) return fail_op(op, -abi::kEPROTO);
    if (f.offset > op->size) return fail(-abi::kEPROTO, "message longer than the posted receive");
    if (op->total != UINT64_MAX) return fail(-abi::kEPROTO, "a second end of message");
    op->total = f.offset;
    return check_recv_done(op);
  }
  if (f.offset > op->size || f.length > op->size - f.offset) {
    return fail(-abi::kEPROTO, "DATA outside the posted range");
  }
  if (op->total != UINT64_MAX && f.offset + f.length > op->total) {
    return fail(-abi::kEPROTO, "DATA past the message's length");
  }
  ch.expect_direct(op->base() + f.offset, op);
}

void Peer::on_ack(const Frame &f) {
  std::shared_ptr<Op> op = tags(frame_space(f.flags)).send(f.tag);
  if (!op) return;  // stale: the send ended already
  const bool by_recv_id = (f.msg_id & kRecvIdBit) != 0;
  if (by_recv_id ? op->matched_recv != f.msg_id : op->id != f.msg_id) return;
  if (op->send_phase == SendPhase::kWaitRtr || op->send_phase == SendPhase::kStreaming) {
    return fail(-abi::kEPROTO, "ACK for a send that is not all sent");
  }
  if (f.offset != op->size) return fail(-abi::kEPROTO, "ACK with a wrong length");
  finish(op, 0);
}

void Peer::on_failure(const Frame &f, int32_t err, bool cancel) {
  TagTable &table = tags(frame_space(f.flags));
  if ((f.msg_id & kRecvIdBit) != 0) {
    // The peer's receive failed: our send with that tag.
    if (cancel) table.drop_rtr(f.tag, f.msg_id);
    std::shared_ptr<Op> op = table.send(f.tag);
    if (!op) return;
    if (op->matched_recv == f.msg_id || (op->send_phase == SendPhase::kEagerSent && op->matched_recv == 0)) {
      finish(op, err);
    }
    return;
  }
  // The peer's send failed: our receive with that tag.
  if (cancel) table.drop_eager(f.tag, f.msg_id);
  std::shared_ptr<Op> op = table.recv(f.tag);
  if (op && (op->bound_send == 0 || op->bound_send == f.msg_id)) finish(op, err);
}

void Peer::on_chunk_written(Channel &, const std::shared_ptr<Op> &, uint32_t length) {
  stats_->bytes_sent += length;
  pump();
}

void Peer::on_connected(Channel &, int32_t) {}

void Peer::on_channel_error(Channel &, int32_t err, const char *why) { fail(err, why); }

// ---- the link ------------------------------------------------------------------------------

void Peer::fail(int32_t err, const char *why) {
  if (!alive_) return;
  alive_ = false;
  engine_.peer_gone(id_);
  (void)why;
  stats_->state = err == -abi::kEPROTO ? "protocol-error" : err == -abi::kETIMEDOUT ? "timed-out" : "closed";
  engine_.retire_channels(channels_);
  streams_.clear();
  held_rtrs_.clear();
  rtrs_out_ = 0;
  held_one_sided_.clear();
  one_sided_out_ = 0;
  acks_due_.clear();
  recvs_streaming_ = 0;
  eager_out_ = 0;
  for (TagTable &table : tags_) {
    table.clear_unexpected();
    for (auto &op : table.take_all()) {
      op->eager_credit = false;
      op->request_out = false;
      op->notify.reset();
      if (op->finished) continue;
      ++stats_->ops_failed;
      engine_.finish_op(*op, err);
    }
  }
}

void Peer::await_ack(const std::shared_ptr<Op> &op) {
  op->ack_wait_ms = mono_now_ms();
  acks_due_.push_back(op);
}

void Peer::check_progress(int64_t now_ms) {
  const int64_t limit = engine_.options().peer_timeout_ms;
  // Signs of life are not progress: a peer that heartbeats can still take nothing, ACK
  // nothing, or trickle. Each channel's delivered bytes (written, less what the peer's TCP has
  // not acknowledged: SIOCOUTQ) and payload bytes read say what really moved.
  bool drained = true;
  bool busy = recvs_streaming_ > 0 || !streams_.empty();
  uint64_t moved = 0;
  for (size_t i = 0; i < channels_.size(); ++i) {
    const Channel &ch = *channels_[i];
    const uint64_t written = ch.bytes_written();
    const uint64_t delivered = written - std::min(written, ch.unacked_bytes());
    const bool pending = !ch.idle_out() || delivered < written;
    Drain &d = drain_[i];
    if (!pending || !d.pending || delivered != d.delivered) {
      d.delivered = delivered;
      d.since_ms = now_ms;
    } else if (now_ms - d.since_ms >= limit) {
      // 1. Queued bytes that do not drain at all: the peer takes nothing from this channel.
      return fail(-abi::kETIMEDOUT, "queued bytes not taken by the peer within peer_timeout_ms");
    }
    d.pending = pending;
    if (pending) drained = false;
    busy = busy || pending || ch.mid_frame();
    moved += delivered + ch.payload_read();
  }
  // Our own heartbeats are no progress of the peer's (they go out whatever it does).
  moved = moved > heartbeat_bytes_ ? moved - heartbeat_bytes_ : 0;
  // 2. While an operation is in progress, at least min_progress_bytes per peer_timeout_ms.
  const uint64_t floor = engine_.options().min_progress_bytes;
  if (!busy || !busy_ || moved >= window_base_ + floor) {
    window_ms_ = now_ms;
    window_base_ = moved;
  } else if (now_ms - window_ms_ >= limit) {
    return fail(-abi::kETIMEDOUT, "less than min_progress_bytes moved in peer_timeout_ms");
  }
  busy_ = busy;
  // 3. A send whose receive is posted (its RTR came) and whose bytes have all been taken by
  // the peer's TCP is owed an ACK: peer_timeout_ms after both, it fails (ERROR to the peer).
  // An eager send whose receive is not posted yet waits for the application over there.
  drained_since_ms_ = drained ? (drained_since_ms_ != 0 ? drained_since_ms_ : now_ms) : 0;
  if (acks_due_.empty()) return;
  std::vector<std::shared_ptr<Op>> late;
  std::deque<std::shared_ptr<Op>> due;  // the ones still waiting (finished ones drop out here)
  for (auto &op : acks_due_) {
    if (op->finished) continue;
    if (drained_since_ms_ != 0 && now_ms - std::max(op->ack_wait_ms, drained_since_ms_) >= limit) late.push_back(op);
    due.push_back(std::move(op));
  }
  acks_due_.swap(due);
  for (const auto &op : late) {
    if (op->finished || !alive_) continue;
    fail_op(op, -abi::kETIMEDOUT);
  }
}

void Peer::disconnect(int32_t err) {
  if (!alive_) return;
  control(make_frame(T::kCLOSE));
  channels_[0]->flush_now();  // best effort: the peer sees CLOSE, or the connection closing
  fail(err, "disconnected");
}

void Peer::tick(int64_t now_ms) {
  if (!alive_) return;
  for (auto &ch : channels_) {
    ch->read_parked();
    if (!alive_) return;
  }
  int64_t last_recv = 0;
  for (auto &ch : channels_) last_recv = std::max(last_recv, ch->last_recv_ms());
  if (now_ms - last_recv >= static_cast<int64_t>(engine_.options().peer_timeout_ms)) {
    return fail(-abi::kETIMEDOUT, "no frame from the peer within peer_timeout_ms");
  }
  check_progress(now_ms);
  if (!alive_) return;
  for (auto &ch : channels_) {
    if (ch->idle_out() && now_ms - ch->last_send_ms() >= static_cast<int64_t>(engine_.options().heartbeat_ms)) {
      ++stats_->frames_sent;
      heartbeat_bytes_ += abi::FrameHeader::kSize;
      ch->send(make_frame(T::kHEARTBEAT));
      if (!alive_) return;
    }
  }
}

}  // namespace hostwire::core::transfer
