// A realtime-ASR stream over the host's WebSocket transport, as SPEAR's
// host_api/tests.rs test_rtasr_websocket_transport_receives_events and
// test_rtasr_websocket_flush_sends_commit drive it: transport "websocket", CONNECT, write
// "abc", FLUSH, then every event until the stream reports EPOLLERR or EPOLLHUP, then
// GET_STATUS. One printed line per step. argv[1] "fill": keep writing until the send queue
// is full (-EAGAIN) instead of flushing once.
// Results go to stdout, not to the host log (SPEAR's header redirects stdio there by default).
#define SPEAR_DISABLE_STDIO_REDIRECT_TO_LOG
#include <spear.h>
#include <string.h>

static uint8_t BUF[65536];
static uint32_t LEN;

#define P(label, value) printf("%s: %d\n", label, (int)(value))

static int32_t len_ptr(uint32_t capacity) {
    LEN = capacity;
    return (int32_t)(uintptr_t)&LEN;
}

int main(int argc, char **argv) {
    int fill = argc > 1 && strcmp(argv[1], "fill") == 0;
    int32_t ep = sp_ep_create();
    int32_t fd = sp_rtasr_create();
    P("SET_PARAM transport", sp_rtasr_set_param_string(fd, "transport", "websocket"));
    P("SET_PARAM model", sp_rtasr_set_param_string(fd, "model", "m1"));
    P("SET_PARAM ws_url (not used)", sp_rtasr_set_param_string(fd, "ws_url", "ws://127.0.0.1:1/"));
    P("ADD", sp_ep_ctl(ep, SPEAR_EP_CTL_ADD, fd, SPEAR_EPOLLIN));
    P("CONNECT", sp_rtasr_connect(fd));
    P("write abc", sp_rtasr_write(fd, (int32_t)(uintptr_t)"abc", 3));
    P("FLUSH", sp_rtasr_flush(fd));
    if (fill) {
        P("SET_PARAM max_send_queue_bytes", sp_rtasr_set_param_u32(fd, "max_send_queue_bytes", 4096));
        int32_t r;
        do {
            r = sp_rtasr_write(fd, (int32_t)(uintptr_t)BUF, 1000);
        } while (r == 1000);
        P("write until full", r);
    }
    for (;;) {
        int32_t n = sp_epoll_wait(ep, (int32_t)(uintptr_t)BUF, len_ptr(64), -1);
        if (n != 1) {
            P("epoll_wait", n);
            break;
        }
        uint32_t events = ((sp_epoll_event_t *)BUF)->events;
        if (events & SPEAR_EPOLLIN) {
            for (;;) {
                int32_t r = sp_rtasr_read(fd, (int32_t)(uintptr_t)BUF, len_ptr(sizeof BUF));
                if (r < 0) break;
                printf("event: %.*s\n", (int)LEN, (const char *)BUF);
            }
        }
        if (events & (SPEAR_EPOLLERR | SPEAR_EPOLLHUP)) {
            printf("events: 0x%x\n", events & ~(uint32_t)SPEAR_EPOLLIN);
            break;
        }
    }
    P("read at the end", sp_rtasr_read(fd, (int32_t)(uintptr_t)BUF, len_ptr(sizeof BUF)));
    int32_t r = sp_rtasr_ctl(fd, SPEAR_RTA_CTL_GET_STATUS, (int32_t)(uintptr_t)BUF, len_ptr(sizeof BUF));
    printf("GET_STATUS: %d %.*s\n", r, r > 0 ? (int)LEN : 0, (const char *)BUF);
    P("write at the end", sp_rtasr_write(fd, (int32_t)(uintptr_t)"abc", 3));
    P("close", sp_rtasr_close(fd));
    return 0;
}
