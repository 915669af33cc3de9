#include <spear.h>

// User stream echo: wait for a client to connect stream 1, then answer every SSF DATA frame
// with a DATA frame carrying the same payload, until the session closes.

enum { STREAM_ID = 1 };

static int32_t send_frame(int32_t fd, uint16_t msg_type, uint64_t seq, const char *meta, const uint8_t *data,
                          uint32_t data_len) {
    uint32_t meta_len = (uint32_t)strlen(meta);
    uint32_t total = SPEAR_SSF_V1_HEADER_LEN + meta_len + data_len;
    uint8_t *frame = (uint8_t *)malloc(total);
    if (!frame) {
        return -SPEAR_ENOMEM;
    }
    sp_ssf_v1_build_header(frame, STREAM_ID, msg_type, 0, seq, meta_len, data_len);
    memcpy(frame + SPEAR_SSF_V1_HEADER_LEN, meta, meta_len);
    memcpy(frame + SPEAR_SSF_V1_HEADER_LEN + meta_len, data, data_len);
    int32_t rc = sp_user_stream_write(fd, (int32_t)(uintptr_t)frame, (int32_t)total);
    free(frame);
    return rc;
}

int main(void) {
    int32_t epfd = sp_ep_create();
    int32_t ctl = sp_user_stream_ctl_open();
    if (epfd < 0 || ctl < 0) {
        sp_errorf("user stream setup failed: epfd=%d ctl=%d", epfd, ctl);
        return 1;
    }
    sp_ep_ctl(epfd, SPEAR_EP_CTL_ADD, ctl, SPEAR_EPOLLIN);

    int32_t stream = -1;
    uint64_t seq = 1;
    for (;;) {
        sp_epoll_event_t ready[4];
        uint32_t len = (uint32_t)sizeof ready;
        int32_t n = sp_ep_wait(epfd, (int32_t)(uintptr_t)ready, (int32_t)(uintptr_t)&len, -1);
        if (n < 0) {
            break;
        }
        for (int32_t i = 0; i < n; i++) {
            if (ready[i].fd == ctl) {
                sp_user_stream_ctl_event_t evt;
                if (sp_user_stream_ctl_read_event(ctl, &evt) < 0 ||
                    evt.kind == SPEAR_USER_STREAM_CTL_EVENT_SESSION_CLOSED) {
                    goto out;
                }
                if (evt.kind == SPEAR_USER_STREAM_CTL_EVENT_STREAM_CONNECTED && evt.stream_id == STREAM_ID && stream < 0) {
                    stream = sp_user_stream_open(STREAM_ID, SPEAR_USER_STREAM_DIR_BIDIRECTIONAL);
                    if (stream >= 0) {
                        sp_ep_ctl(epfd, SPEAR_EP_CTL_ADD, stream, SPEAR_EPOLLIN);
                    }
                }
                continue;
            }
            if (ready[i].fd != stream || !(ready[i].events & SPEAR_EPOLLIN)) {
                continue;
            }
            uint32_t frame_len = 0;
            uint8_t *frame = sp_user_stream_read_alloc(stream, &frame_len);
            if (!frame) {
                continue;
            }
            sp_ssf_v1_frame_view_t view;
            if (sp_ssf_v1_split(frame, frame_len, &view)) {
                if (view.hdr.msg_type == SPEAR_SSF_MSG_TYPE_DATA) {
                    send_frame(stream, SPEAR_SSF_MSG_TYPE_DATA, seq++, "{\"v\":1}", view.data, view.hdr.data_len);
                } else if (view.hdr.msg_type == SPEAR_SSF_MSG_TYPE_CTRL &&
                           sp_ssf_meta_contains(view.meta, view.hdr.meta_len, "\"kind\":\"close\"")) {
                    free(frame);
                    goto out;
                }
            }
            free(frame);
        }
    }
out:
    if (stream >= 0) {
        sp_user_stream_close(stream);
    }
    sp_user_stream_close(ctl);
    sp_ep_close(epfd);
    return 0;
}
