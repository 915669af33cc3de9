// hostwire native core: GuestInstance, one guest's native state (its fd table, later).
//
// Not implemented yet: every hostcall returns -ENOSYS. The hostcalls the IDL marks
// `implemented: false` (mic_*, user_stream_*) keep the generated -ENOSYS default.
#pragma once

#include <cstddef>
#include <cstdint>

#include "napi/guest_instance_core.hpp"

namespace hostwire::core {

class GuestInstance final : public GuestInstanceApi {
 public:
  // chat
  int32_t cchat_create() override;
  int32_t cchat_write_msg(int32_t fd, const uint8_t *role, size_t role_len, const uint8_t *content,
                          size_t content_len) override;
  int32_t cchat_write_fn(int32_t fd, int32_t fn_offset, const uint8_t *fn, size_t fn_len) override;
  int32_t cchat_ctl(int32_t fd, int32_t cmd, const uint8_t *arg, size_t arg_len, size_t arg_capacity,
                    Output &arg_out) override;
  int32_t cchat_send(int32_t fd, uint32_t flags) override;
  int32_t cchat_recv(int32_t response_fd, size_t out_capacity, Output &out) override;
  int32_t cchat_close(int32_t fd) override;

  // epoll
  int32_t spear_epoll_create() override;
  int32_t spear_epoll_ctl(int32_t epfd, int32_t op, int32_t fd, uint32_t events) override;
  int32_t spear_epoll_wait(int32_t epfd, size_t out_capacity, Output &out, int32_t timeout_ms) override;
  int32_t spear_epoll_close(int32_t epfd) override;

  // fd
  int32_t spear_fd_ctl(int32_t fd, int32_t cmd, const uint8_t *arg, size_t arg_len, size_t arg_capacity,
                       Output &arg_out) override;

  // realtime ASR
  int32_t rtasr_create() override;
  int32_t rtasr_ctl(int32_t fd, int32_t cmd, const uint8_t *arg, size_t arg_len, size_t arg_capacity,
                    Output &arg_out) override;
  int32_t rtasr_write(int32_t fd, const uint8_t *buf, size_t buf_len) override;
  int32_t rtasr_read(int32_t fd, size_t out_capacity, Output &out) override;
  int32_t rtasr_close(int32_t fd) override;

  // util
  int64_t time_now_ms() override;
  int64_t wall_time_s() override;
  int64_t random_i64() override;
  int32_t log(int32_t level, const uint8_t *msg, size_t msg_len) override;
  int32_t sleep_ms(int32_t ms) override;
};

}  // namespace hostwire::core
