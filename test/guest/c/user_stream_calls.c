// Every user_stream_* call and its errors with no client connected, as SPEAR's
// host_api/user_stream.rs answers them (DefaultHostApi::user_stream_open/read/write/close,
// user_stream_ctl_open/ctl_read) and as its tests check the SSF header
// (user_stream.rs tests: test_parse_ssf_v1_header_ok, _rejects_bad_magic, _rejects_bad_version,
// _rejects_short_frame, _rejects_invalid_header_len, _rejects_len_mismatch). One printed line
// per call: "label: result".
// Results go to stdout, not to the host log (SPEAR's header redirects stdio there by default).
#define SPEAR_DISABLE_STDIO_REDIRECT_TO_LOG
#include <spear.h>
#include <spear_ssf.h>
#include <string.h>

static uint8_t BUF[4096];
static uint32_t LEN;

#define P(label, value) printf("%s: %d\n", label, (int)(value))

static int32_t ptr(const void *p) { return (int32_t)(uintptr_t)p; }

static int32_t len_ptr(uint32_t capacity) {
    LEN = capacity;
    return ptr(&LEN);
}

/** An SSF v1 DATA frame for `stream_id` with meta "{}" and data "hello" (SPEAR's test frame): its length. */
static uint32_t frame(uint8_t *out, uint32_t stream_id) {
    sp_ssf_v1_build_header(out, stream_id, SPEAR_SSF_MSG_TYPE_DATA, 0, 1, 2, 5);
    memcpy(out + 32, "{}hello", 7);
    return 39;
}

/** spear_fd_ctl's output ("label: JSON", its length checked), or "label: rc". */
static void show(const char *label, int32_t fd, int32_t cmd) {
    int32_t r = sp_fd_ctl(fd, cmd, ptr(BUF), len_ptr(sizeof BUF));
    if (r < 0 || (uint32_t)r != LEN) printf("%s: %d\n", label, (int)r);
    else printf("%s: %.*s\n", label, (int)LEN, (const char *)BUF);
}

int main(void) {
    uint8_t f[64];
    uint32_t n;

    // user_stream_open: stream_id must fit u32, direction 1..3.
    P("open stream -1", sp_user_stream_open(-1, SPEAR_USER_STREAM_DIR_BIDIRECTIONAL));
    P("open direction 0", sp_user_stream_open(1, 0));
    P("open direction 4", sp_user_stream_open(1, 4));
    int32_t ep = sp_ep_create();
    int32_t ctl = sp_user_stream_ctl_open();
    int32_t in = sp_user_stream_open(1, SPEAR_USER_STREAM_DIR_INBOUND);
    int32_t out = sp_user_stream_open(1, SPEAR_USER_STREAM_DIR_OUTBOUND);
    int32_t bidi = sp_user_stream_open(2, SPEAR_USER_STREAM_DIR_BIDIRECTIONAL);
    P("fds in order", (ctl == ep + 1) && (in == ctl + 1) && (out == in + 1) && (bidi == out + 1));
    show("GET_KIND stream", in, SPEAR_FD_CTL_GET_KIND);
    show("GET_KIND ctl", ctl, SPEAR_FD_CTL_GET_KIND);
    show("GET_STATUS stream", bidi, SPEAR_FD_CTL_GET_STATUS);
    show("GET_METRICS stream", bidi, SPEAR_FD_CTL_GET_METRICS);
    show("GET_METRICS ctl", ctl, SPEAR_FD_CTL_GET_METRICS);

    // user_stream_read: nothing queued is -EAGAIN, whatever O_NONBLOCK; OUTBOUND reads -EINVAL.
    P("read in", sp_user_stream_read(in, ptr(BUF), len_ptr(sizeof BUF)));
    P("read bidi", sp_user_stream_read(bidi, ptr(BUF), len_ptr(sizeof BUF)));
    P("read out", sp_user_stream_read(out, ptr(BUF), len_ptr(sizeof BUF)));
    P("read ctl", sp_user_stream_read(ctl, ptr(BUF), len_ptr(sizeof BUF)));
    P("read epoll fd", sp_user_stream_read(ep, ptr(BUF), len_ptr(sizeof BUF)));
    P("read unknown fd", sp_user_stream_read(99999, ptr(BUF), len_ptr(sizeof BUF)));

    // user_stream_write: SPEAR's order of checks.
    n = frame(f, 1);
    P("write unknown fd, garbage", sp_user_stream_write(99999, ptr("xyz"), 3));
    P("write out before any client", sp_user_stream_write(out, ptr(f), (int32_t)n));
    P("write in (INBOUND)", sp_user_stream_write(in, ptr(f), (int32_t)n));
    P("write bidi, frame of stream 1", sp_user_stream_write(bidi, ptr(f), (int32_t)n));
    P("write ctl, valid frame", sp_user_stream_write(ctl, ptr(f), (int32_t)n));
    P("write ctl, garbage", sp_user_stream_write(ctl, ptr("xyz"), 3));
    P("write out, 31 bytes", sp_user_stream_write(out, ptr(f), 31));
    memcpy(f, "XPST", 4);
    P("write out, bad magic", sp_user_stream_write(out, ptr(f), (int32_t)n));
    n = frame(f, 1);
    f[4] = 2;
    P("write out, version 2", sp_user_stream_write(out, ptr(f), (int32_t)n));
    n = frame(f, 1);
    f[6] = 16;
    P("write out, header_len 16", sp_user_stream_write(out, ptr(f), (int32_t)n));
    n = frame(f, 1);
    f[6] = 64;
    P("write out, header_len past the end", sp_user_stream_write(out, ptr(f), (int32_t)n));
    n = frame(f, 1);
    f[24] = 0xd2; f[25] = 0x04;  // meta_len 1234
    P("write out, lengths do not add up", sp_user_stream_write(out, ptr(f), (int32_t)n));
    n = frame(f, 1);
    P("write out, one byte more", sp_user_stream_write(out, ptr(f), (int32_t)n + 1));
    n = frame(f, 1);
    f[8] = 9;  // a message type SPEAR does not know: carried
    P("write out, msg_type 9", sp_user_stream_write(out, ptr(f), (int32_t)n));
    // A 40-byte header (8 extension bytes) with the lengths after it: a valid frame.
    sp_ssf_v1_build_header(f, 1, SPEAR_SSF_MSG_TYPE_DATA, 0, 1, 0, 3);
    f[6] = 40;
    memset(f + 32, 0, 8);
    memcpy(f + 40, "abc", 3);
    P("write out, header_len 40", sp_user_stream_write(out, ptr(f), 43));
    P("write out, bad pointer", sp_user_stream_write(out, 0x7ffffff0, 64));

    // user_stream_ctl_read: nothing pending is -EAGAIN; only control fds.
    P("ctl_read ctl", sp_user_stream_ctl_read(ctl, ptr(BUF), len_ptr(sizeof BUF)));
    P("ctl_read ctl, room for 4", sp_user_stream_ctl_read(ctl, ptr(BUF), len_ptr(4)));
    P("ctl_read stream fd", sp_user_stream_ctl_read(in, ptr(BUF), len_ptr(sizeof BUF)));
    P("ctl_read unknown fd", sp_user_stream_ctl_read(99999, ptr(BUF), len_ptr(sizeof BUF)));

    // Readiness with no client: nothing (a stream is writable only once connected).
    P("ADD in", sp_ep_ctl(ep, SPEAR_EP_CTL_ADD, in, SPEAR_EPOLLIN | SPEAR_EPOLLOUT | SPEAR_EPOLLERR | SPEAR_EPOLLHUP));
    P("ADD bidi", sp_ep_ctl(ep, SPEAR_EP_CTL_ADD, bidi, SPEAR_EPOLLIN | SPEAR_EPOLLOUT | SPEAR_EPOLLERR | SPEAR_EPOLLHUP));
    P("ADD ctl", sp_ep_ctl(ep, SPEAR_EP_CTL_ADD, ctl, SPEAR_EPOLLIN | SPEAR_EPOLLHUP));
    P("epoll_wait", sp_ep_wait(ep, ptr(BUF), len_ptr(sizeof BUF), 0));

    // user_stream_close: any fd; a second close is 0; the closed fd is -EBADF to the calls.
    P("close in", sp_user_stream_close(in));
    P("close in again", sp_user_stream_close(in));
    P("close unknown fd", sp_user_stream_close(99999));
    P("read closed", sp_user_stream_read(in, ptr(BUF), len_ptr(sizeof BUF)));
    n = frame(f, 1);
    P("write closed, valid frame", sp_user_stream_write(in, ptr(f), (int32_t)n));
    P("write closed, garbage", sp_user_stream_write(in, ptr("xyz"), 3));
    show("GET_STATUS closed", in, SPEAR_FD_CTL_GET_STATUS);
    int32_t r = sp_ep_wait(ep, ptr(BUF), len_ptr(sizeof BUF), 0);
    printf("epoll_wait after close: %d fd+%d events 0x%x\n", (int)r, r > 0 ? (int)(((sp_epoll_event_t *)BUF)->fd - ep) : 0,
           r > 0 ? (unsigned)((sp_epoll_event_t *)BUF)->events : 0u);
    P("close ctl", sp_user_stream_close(ctl));
    P("ctl_read closed ctl", sp_user_stream_ctl_read(ctl, ptr(BUF), len_ptr(sizeof BUF)));
    P("close the epoll fd", sp_user_stream_close(ep));
    P("epoll_wait closed", sp_ep_wait(ep, ptr(BUF), len_ptr(sizeof BUF), 0));
    P("close out", sp_user_stream_close(out));
    P("close bidi", sp_user_stream_close(bidi));
    return 0;
}
