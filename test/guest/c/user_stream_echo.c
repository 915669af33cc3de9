// An echo guest over user streams, in the manner of SPEAR's samples/wasm-c/user_stream_echo.c:
// it waits on a control fd (user_stream_ctl_open + epoll), opens each stream a client connects
// (BIDIRECTIONAL) and writes every inbound frame back. Streams 100 and above are left
// unopened: their frames wait for the guest. On SESSION_CLOSED it reports what its streams
// say and ends. One log line (INFO) per event, so that a host sees them as they happen:
//   "connected S", "echo S N" (an N-byte frame of stream S written back), "hup S", "err S",
//   "session closed", then per open stream "S write after close: R", "S read after close: R".
// The first control event and the first frame are first read with too little room (-ENOSPC:
// nothing is consumed), "enospc ctl: R" and "enospc frame: R (need N)".
#include <spear.h>
#include <string.h>

#define MAX_STREAMS 16

static uint8_t BUF[300 * 1024];
static uint32_t LEN;
static uint8_t EVENTS[8 * 32];

static int32_t ptr(const void *p) { return (int32_t)(uintptr_t)p; }

static int32_t len_ptr(uint32_t capacity) {
    LEN = capacity;
    return ptr(&LEN);
}

static struct {
    uint32_t stream_id;
    int32_t fd;
} streams[MAX_STREAMS];
static int nstreams;

static int find_fd(int32_t fd) {
    for (int i = 0; i < nstreams; i++)
        if (streams[i].fd == fd) return i;
    return -1;
}

static int find_stream(uint32_t id) {
    for (int i = 0; i < nstreams; i++)
        if (streams[i].stream_id == id) return i;
    return -1;
}

int main(void) {
    int32_t ep = sp_ep_create();
    int32_t ctl = sp_user_stream_ctl_open();
    sp_ep_ctl(ep, SPEAR_EP_CTL_ADD, ctl, SPEAR_EPOLLIN | SPEAR_EPOLLERR | SPEAR_EPOLLHUP);
    sp_log_str(SP_LOG_INFO, "ready");
    int first_ctl = 1, first_frame = 1;
    for (;;) {
        int32_t n = sp_ep_wait(ep, ptr(EVENTS), len_ptr(sizeof EVENTS), -1);
        if (n < 0) {
            sp_infof("epoll_wait: %d", (int)n);
            return 1;
        }
        for (int i = 0; i < n; i++) {
            sp_epoll_event_t ev;
            memcpy(&ev, EVENTS + 8 * i, 8);
            if (ev.fd == ctl) {
                if (first_ctl) {
                    first_ctl = 0;
                    sp_infof("enospc ctl: %d", (int)sp_user_stream_ctl_read(ctl, ptr(BUF), len_ptr(4)));
                }
                sp_user_stream_ctl_event_t e;
                while (sp_user_stream_ctl_read_event(ctl, &e) >= 0) {
                    if (e.kind == SPEAR_USER_STREAM_CTL_EVENT_SESSION_CLOSED) {
                        sp_infof("session closed");
                        for (int k = 0; k < nstreams; k++) {
                            uint8_t hdr[32];
                            sp_ssf_v1_build_header(hdr, streams[k].stream_id, SPEAR_SSF_MSG_TYPE_DATA, 0, 1, 0, 0);
                            sp_infof("%u write after close: %d", (unsigned)streams[k].stream_id,
                                   (int)sp_user_stream_write(streams[k].fd, ptr(hdr), 32));
                            sp_infof("%u read after close: %d", (unsigned)streams[k].stream_id,
                                   (int)sp_user_stream_read(streams[k].fd, ptr(BUF), len_ptr(sizeof BUF)));
                        }
                        return 0;
                    }
                    if (e.stream_id >= 100 || find_stream(e.stream_id) >= 0 || nstreams == MAX_STREAMS) continue;
                    int32_t fd = sp_user_stream_open((int32_t)e.stream_id, SPEAR_USER_STREAM_DIR_BIDIRECTIONAL);
                    streams[nstreams].stream_id = e.stream_id;
                    streams[nstreams].fd = fd;
                    nstreams++;
                    sp_ep_ctl(ep, SPEAR_EP_CTL_ADD, fd, SPEAR_EPOLLIN | SPEAR_EPOLLERR | SPEAR_EPOLLHUP);
                    sp_infof("connected %u", (unsigned)e.stream_id);
                }
                continue;
            }
            int k = find_fd(ev.fd);
            if (k < 0) continue;
            if (ev.events & SPEAR_EPOLLIN) {
                if (first_frame) {
                    first_frame = 0;
                    int32_t r = sp_user_stream_read(ev.fd, ptr(BUF), len_ptr(8));
                    sp_infof("enospc frame: %d (need %u)", (int)r, (unsigned)LEN);
                }
                for (;;) {
                    int32_t r = sp_user_stream_read(ev.fd, ptr(BUF), len_ptr(sizeof BUF));
                    if (r < 0) break;
                    uint32_t len = LEN;
                    int32_t w = sp_user_stream_write(ev.fd, ptr(BUF), (int32_t)len);
                    if (w == 0) sp_infof("echo %u %u", (unsigned)streams[k].stream_id, (unsigned)len);
                    else sp_infof("echo %u failed: %d", (unsigned)streams[k].stream_id, (int)w);
                }
            }
            if (ev.events & (SPEAR_EPOLLERR | SPEAR_EPOLLHUP)) sp_ep_ctl(ep, SPEAR_EP_CTL_DEL, ev.fd, 0);
            if (ev.events & SPEAR_EPOLLERR) sp_infof("err %u", (unsigned)streams[k].stream_id);
            if (ev.events & SPEAR_EPOLLHUP) sp_infof("hup %u", (unsigned)streams[k].stream_id);
        }
    }
}
