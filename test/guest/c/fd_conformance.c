// Conformance of fds and epoll with SPEAR's own tests and source, one printed line per check.
// Each section names where the behaviour comes from in lfedgeai/SPEAR:
//   hostcall/fd_table.rs  (its unit tests and FdTable::close, ep_ctl, ep_wait_ready, fd_ctl)
//   hostcall/types.rs     (its unit tests, PollEvents, FdEntry::effective_poll_mask)
//   host_api/tests.rs     (test_cchat_response_fd_is_epollin, test_close_makes_epollhup)
//   runtime/wasm_hostcalls.rs (spear_ep_wait, spear_fd_ctl) and host_api/core.rs (time_now_ms)
// Results go to stdout, not to the host log (SPEAR's header redirects stdio there by default).
#define SPEAR_DISABLE_STDIO_REDIRECT_TO_LOG
#include <spear.h>

static uint8_t BUF[4096];
static uint32_t LEN;
static int32_t FDS[SPEAR_FD_MAX_OPEN];

#define P(label, value) printf("%s: %d\n", label, (int)(value))

static int32_t buf_ptr(void) { return (int32_t)(uintptr_t)BUF; }
static int32_t len_ptr(uint32_t capacity) {
    LEN = capacity;
    return (int32_t)(uintptr_t)&LEN;
}

// epoll_wait printing "<label>: n [fd=F events=0xE]... len=L"
static int32_t wait_print(const char *label, int32_t ep, uint32_t capacity, int32_t timeout) {
    int32_t n = sp_epoll_wait(ep, buf_ptr(), len_ptr(capacity), timeout);
    printf("%s: %d", label, n);
    for (int32_t i = 0; i < n; i++) {
        const sp_epoll_event_t *ev = (const sp_epoll_event_t *)BUF + i;
        printf(" fd=%d events=0x%x", ev->fd, ev->events);
    }
    printf(" len=%u\n", LEN);
    return n;
}

// spear_fd_ctl with output printed as "<label>: rc <text>"
static void fd_ctl_print(const char *label, int32_t fd, int32_t cmd) {
    int32_t rc = sp_fd_ctl(fd, cmd, buf_ptr(), len_ptr(sizeof BUF));
    if (rc >= 0) {
        printf("%s: %d %.*s\n", label, rc, (int)LEN, (const char *)BUF);
    } else {
        printf("%s: %d len=%u\n", label, rc, LEN);
    }
}

static int32_t set_flags(int32_t fd, const char *json) {
    memcpy(BUF, json, strlen(json));
    return sp_fd_ctl(fd, SPEAR_FD_CTL_SET_FLAGS, buf_ptr(), len_ptr((uint32_t)strlen(json)));
}

// A chat response, waited for until it is readable (route B: it may not be at once).
static int32_t ready_response(void) {
    int32_t s = sp_cchat_create();
    sp_cchat_write_msg_str(s, "user", "hello");
    int32_t r = sp_cchat_send(s, 0);
    int32_t ep = sp_epoll_create();
    sp_epoll_ctl(ep, SPEAR_EPOLL_CTL_ADD, r, SPEAR_EPOLLIN);
    sp_epoll_wait(ep, buf_ptr(), len_ptr(8), -1);
    sp_epoll_close(ep);
    sp_cchat_close(s);
    return r;
}

int main(void) {
    puts("== fd_table.rs test_ep_wait_sorted_dedup");
    int32_t ep = sp_epoll_create();
    int32_t fd1 = ready_response();
    int32_t fd2 = ready_response();
    P("ADD fd2", sp_epoll_ctl(ep, SPEAR_EPOLL_CTL_ADD, fd2, SPEAR_EPOLLIN));
    P("ADD fd1", sp_epoll_ctl(ep, SPEAR_EPOLL_CTL_ADD, fd1, SPEAR_EPOLLIN));
    P("fd1 < fd2", fd1 < fd2);
    int32_t n = sp_epoll_wait(ep, buf_ptr(), len_ptr(64), 0);
    const sp_epoll_event_t *ev = (const sp_epoll_event_t *)BUF;
    P("records", n);
    P("ascending: first is fd1", n == 2 && ev[0].fd == fd1 && ev[1].fd == fd2);
    P("ADD fd1 again (re-registered)", sp_epoll_ctl(ep, SPEAR_EPOLL_CTL_ADD, fd1, SPEAR_EPOLLIN));
    P("one record per fd", sp_epoll_wait(ep, buf_ptr(), len_ptr(64), 0));

    puts("== fd_table.rs test_ep_wait_timeout_empty");
    int32_t ep2 = sp_epoll_create();
    int32_t idle = sp_cchat_create();  // a chat session is never ready
    P("ADD IN", sp_epoll_ctl(ep2, SPEAR_EPOLL_CTL_ADD, idle, SPEAR_EPOLLIN));
    wait_print("wait 5", ep2, 64, 5);

    puts("== host_api/tests.rs test_cchat_response_fd_is_epollin");
    int32_t ep3 = sp_epoll_create();
    P("ADD IN", sp_epoll_ctl(ep3, SPEAR_EPOLL_CTL_ADD, fd1, SPEAR_EPOLLIN));
    n = sp_epoll_wait(ep3, buf_ptr(), len_ptr(64), 0);
    P("response is EPOLLIN", n == 1 && ev[0].fd == fd1 && ev[0].events == SPEAR_EPOLLIN);

    puts("== types.rs poll_events_from_bits_truncate_masks_unknown_bits");
    P("MOD with every bit", sp_epoll_ctl(ep3, SPEAR_EPOLL_CTL_MOD, fd1, (int32_t)0xffffffff));
    n = sp_epoll_wait(ep3, buf_ptr(), len_ptr(64), 0);
    printf("reported: 0x%x\n", n == 1 ? ev[0].events : 0xdeadu);
    P("MOD with bit 1 only (no event)", sp_epoll_ctl(ep3, SPEAR_EPOLL_CTL_MOD, fd1, 0x2));
    wait_print("nothing requested, nothing reported", ep3, 64, 0);

    puts("== host_api/tests.rs test_close_makes_epollhup, types.rs fd_entry_effective_poll_mask_adds_hup_when_closed");
    P("MOD IN|HUP", sp_epoll_ctl(ep3, SPEAR_EPOLL_CTL_MOD, fd1, SPEAR_EPOLLIN | SPEAR_EPOLLHUP));
    P("cchat_close", sp_cchat_close(fd1));
    n = sp_epoll_wait(ep3, buf_ptr(), len_ptr(64), 0);
    printf("closed fd reported: %d events=0x%x\n", n, n == 1 ? ev[0].events : 0u);
    P("MOD IN only", sp_epoll_ctl(ep3, SPEAR_EPOLL_CTL_MOD, fd1, SPEAR_EPOLLIN));
    n = sp_epoll_wait(ep3, buf_ptr(), len_ptr(64), 0);
    printf("HUP only where requested: %d events=0x%x\n", n, n == 1 ? ev[0].events : 0u);

    puts("== fd_table.rs close and fd_ctl: a closed fd stays known");
    P("cchat_close again", sp_cchat_close(fd1));
    fd_ctl_print("GET_STATUS", fd1, SPEAR_FD_CTL_GET_STATUS);
    fd_ctl_print("GET_KIND", fd1, SPEAR_FD_CTL_GET_KIND);
    fd_ctl_print("GET_METRICS", fd1, SPEAR_FD_CTL_GET_METRICS);
    P("SET_FLAGS on it", set_flags(fd1, "{\"set\":[\"O_NONBLOCK\"]}"));
    fd_ctl_print("GET_FLAGS", fd1, SPEAR_FD_CTL_GET_FLAGS);
    P("DEL it", sp_epoll_ctl(ep3, SPEAR_EPOLL_CTL_DEL, fd1, 0));
    P("recv on it", sp_cchat_recv(fd1, buf_ptr(), len_ptr(64)));
    P("close a number never handed out", sp_cchat_close(999999));
    P("cchat_close of an epoll fd closes it", sp_cchat_close(ep2));
    wait_print("wait on it", ep2, 64, 0);

    puts("== fd_table.rs test_ep_close_unregisters_watchers");
    P("spear_epoll_close", sp_epoll_close(ep));
    P("spear_epoll_close again", sp_epoll_close(ep));
    P("ADD to a closed set", sp_epoll_ctl(ep, SPEAR_EPOLL_CTL_ADD, fd2, SPEAR_EPOLLIN));
    wait_print("wait on a closed set", ep, 64, 0);
    fd_ctl_print("GET_STATUS of the set", ep, SPEAR_FD_CTL_GET_STATUS);

    puts("== fd_table.rs ep_ctl");
    int32_t ep4 = sp_epoll_create();
    P("MOD of an unwatched fd (watches it)", sp_epoll_ctl(ep4, SPEAR_EPOLL_CTL_MOD, fd2, SPEAR_EPOLLIN));
    wait_print("now reported", ep4, 64, 0);
    P("DEL", sp_epoll_ctl(ep4, SPEAR_EPOLL_CTL_DEL, fd2, 0));
    P("DEL of an unwatched fd", sp_epoll_ctl(ep4, SPEAR_EPOLL_CTL_DEL, fd2, 0));
    P("epfd == fd (never opened)", sp_epoll_ctl(4242, SPEAR_EPOLL_CTL_ADD, 4242, SPEAR_EPOLLIN));
    P("unknown epfd, bad op", sp_epoll_ctl(4242, 9, fd2, SPEAR_EPOLLIN));
    P("unknown fd, bad op", sp_epoll_ctl(ep4, 9, 4242, SPEAR_EPOLLIN));
    P("epfd not an epoll fd", sp_epoll_ctl(fd2, SPEAR_EPOLL_CTL_ADD, ep4, SPEAR_EPOLLIN));
    P("an epoll fd watched", sp_epoll_ctl(ep4, SPEAR_EPOLL_CTL_ADD, ep3, SPEAR_EPOLLIN));
    P("bad op", sp_epoll_ctl(ep4, 9, fd2, SPEAR_EPOLLIN));

    puts("== wasm_hostcalls.rs spear_ep_wait and spear_fd_ctl: what is checked first");
    wait_print("capacity 4, unknown epfd", 4242, 4, 0);
    wait_print("unknown epfd", 4242, 64, 0);
    fd_ctl_print("unknown command, unknown fd", 4242, 99);
    fd_ctl_print("unknown fd", 4242, SPEAR_FD_CTL_GET_KIND);

    puts("== fd_table.rs fd_ctl");
    int32_t s = sp_cchat_create();
    fd_ctl_print("GET_STATUS", s, SPEAR_FD_CTL_GET_STATUS);
    fd_ctl_print("GET_STATUS of a ready response", fd2, SPEAR_FD_CTL_GET_STATUS);
    fd_ctl_print("GET_METRICS of an epoll fd", ep4, SPEAR_FD_CTL_GET_METRICS);
    P("SET_FLAGS unknown name (ignored)", set_flags(s, "{\"set\":[\"O_APPEND\"]}"));
    P("SET_FLAGS not an object (ignored)", set_flags(s, "[1,2]"));
    P("SET_FLAGS set then clear", set_flags(s, "{\"set\":[\"O_NONBLOCK\"],\"clear\":[\"O_NONBLOCK\"]}"));
    fd_ctl_print("GET_FLAGS", s, SPEAR_FD_CTL_GET_FLAGS);
    P("SET_FLAGS malformed", set_flags(s, "{\"set\":"));
    P("SET_FLAGS", set_flags(s, "{\"set\":[\"O_NONBLOCK\"],\"clear\":[]}"));
    fd_ctl_print("GET_STATUS", s, SPEAR_FD_CTL_GET_STATUS);

    puts("== core.rs time_now_ms: Unix-epoch milliseconds");
    int64_t ms = sp_time_now_ms();
    int64_t wall = sp_wall_time_s();
    P("after 2020", ms > INT64_C(1600000000000));
    P("within 2 s of wall_time_s", ms / 1000 >= wall - 2 && ms / 1000 <= wall + 2);

    puts("== the fd cap (Linux: EMFILE at RLIMIT_NOFILE; SPEAR has none)");
    int32_t open_now = 5;  // still open above: fd2, idle, ep3, ep4, s
    int32_t made = 0;
    int32_t err = 0;
    for (;;) {
        int32_t fd = sp_epoll_create();
        if (fd < 0) {
            err = fd;
            break;
        }
        FDS[made++] = fd;
    }
    P("open fds at the cap", made + open_now);
    P("one more", err);
    P("cchat_create at the cap", sp_cchat_create());
    int32_t closed_ok = 0;
    for (int32_t i = 0; i < made; i++) {
        closed_ok += sp_epoll_close(FDS[i]) == 0;
    }
    P("closed them all", closed_ok == made);
    P("epoll_create after (a new number)", sp_epoll_create() > FDS[made - 1]);
    puts("== done");
    return 0;
}
