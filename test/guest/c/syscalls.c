// The hostcalls as SPEAR-ABI.md specifies them, one printed line per check: fds, epoll
// (SPEAR's ADD/MOD/DEL rules, EINVAL/EBADF, timeouts, ENOSPC write-back, EFAULT, rotation,
// only the requested bits, HUP of closed fds, ERR),
// fd_ctl, chat (route B responses, O_NONBLOCK/EAGAIN, end of stream, failures, tool calls
// run inside blocking calls), rtasr (SPEAR's queues and ctl commands, the stub's timed
// events, autoflush) and the utilities.
//
// The host's chat backend is scripted by the test: a last user message "slow" is answered
// only after the guest logs "release", "fail" fails with ETIMEDOUT, anything else is the stub.
#define _POSIX_C_SOURCE 200809L
// Results go to stdout, not to the host log (SPEAR's header redirects stdio there by default).
#define SPEAR_DISABLE_STDIO_REDIRECT_TO_LOG
#include <spear.h>
#include <time.h>

static uint8_t BUF[65536];
static uint32_t LEN;
static uint8_t TOOL_ARENA[4096];
static int32_t CLOSE_ON_TOOL = -1;  // an epoll fd the tool closes

#define P(label, value) printf("%s: %d\n", label, (int)(value))

static int32_t buf_ptr(void) { return (int32_t)(uintptr_t)BUF; }
static int32_t len_ptr(uint32_t capacity) {
    LEN = capacity;
    return (int32_t)(uintptr_t)&LEN;
}
static int32_t beyond_memory(void) { return (int32_t)(__builtin_wasm_memory_size(0) * 65536u); }

static uint64_t now_ns(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

// epoll_wait printing "<label>: n [fd=F events=0xE]... len=L"
static int32_t wait_print(const char *label, int32_t ep, uint32_t capacity, int32_t timeout) {
    int32_t n = sp_epoll_wait(ep, buf_ptr(), len_ptr(capacity), timeout);
    printf("%s: %d", label, n);
    if (n > 0) {
        sp_epoll_event_t *ev = (sp_epoll_event_t *)BUF;
        for (int32_t i = 0; i < n; i++) {
            printf(" fd=%d events=0x%x", ev[i].fd, ev[i].events);
        }
    }
    printf(" len=%u\n", LEN);
    return n;
}

// ctl output printed as text: "<label>: rc <text>"
static void print_out(const char *label, int32_t rc) {
    if (rc >= 0) {
        printf("%s: %d %.*s\n", label, rc, (int)LEN, (const char *)BUF);
    } else {
        printf("%s: %d len=%u\n", label, rc, LEN);
    }
}

static int32_t set_flags(int32_t fd, const char *json) { return sp_fd_set_flags_json(fd, json, (uint32_t)strlen(json)); }

static void fd_ctl_print(const char *label, int32_t fd, int32_t cmd, uint32_t capacity) {
    print_out(label, sp_fd_ctl(fd, cmd, buf_ptr(), len_ptr(capacity)));
}

static int32_t recv_print(const char *label, int32_t fd, uint32_t capacity) {
    int32_t r = sp_cchat_recv(fd, buf_ptr(), len_ptr(capacity));
    print_out(label, r);
    return r;
}

static int32_t rtasr_read_print(const char *label, int32_t fd, uint32_t capacity) {
    int32_t r = sp_rtasr_read(fd, buf_ptr(), len_ptr(capacity));
    print_out(label, r);
    return r;
}

// "a b c" in ascending order (zeros left out).
static const char *sorted3(int32_t a, int32_t b, int32_t c) {
    static char text[48];
    int32_t v[3] = {a, b, c};
    for (int i = 0; i < 3; i++) {
        for (int j = i + 1; j < 3; j++) {
            if (v[j] < v[i]) {
                int32_t t = v[i];
                v[i] = v[j];
                v[j] = t;
            }
        }
    }
    text[0] = 0;
    for (int i = 0; i < 3; i++) {
        if (v[i] != 0) {
            snprintf(text + strlen(text), sizeof text - strlen(text), "%s%d", text[0] ? " " : "", v[i]);
        }
    }
    return text;
}

static int32_t session(const char *user) {
    int32_t fd = sp_cchat_create();
    sp_cchat_set_param_string(fd, "model", "syscalls-model");
    sp_cchat_write_msg_str(fd, "user", user);
    return fd;
}

// The guest's tool: {"sum": a + b} for {"a":A,"b":B}; closes CLOSE_ON_TOOL when it is set.
static int32_t json_int(const char *s, int32_t len, char key) {
    for (int32_t i = 0; i + 3 < len; i++) {
        if (s[i] == '"' && s[i + 1] == key && s[i + 2] == '"' && s[i + 3] == ':') {
            return (int32_t)strtol(s + i + 4, NULL, 10);
        }
    }
    return 0;
}

int32_t sum_tool(int32_t args_ptr, int32_t args_len, int32_t out_ptr, int32_t out_len_ptr) {
    const char *args = (const char *)(uintptr_t)args_ptr;
    char out[64];
    int n = snprintf(out, sizeof out, "{\"sum\":%d}", json_int(args, args_len, 'a') + json_int(args, args_len, 'b'));
    uint32_t *cap = (uint32_t *)(uintptr_t)out_len_ptr;
    if (CLOSE_ON_TOOL >= 0) {
        printf("tool closes epfd %d: %d\n", CLOSE_ON_TOOL, sp_ep_close(CLOSE_ON_TOOL));
        CLOSE_ON_TOOL = -1;
    }
    if (*cap < (uint32_t)n) {
        *cap = (uint32_t)n;
        return -SPEAR_ENOSPC;
    }
    memcpy((void *)(uintptr_t)out_ptr, out, (size_t)n);
    *cap = (uint32_t)n;
    return 0;
}

static const char *const SUM_JSON =
    "{\"type\":\"function\",\"function\":{\"name\":\"sum\",\"parameters\":{\"type\":\"object\"}}}";

static int32_t tool_session(const char *user) {
    int32_t fd = session(user);
    sp_cchat_set_param_u32(fd, "tool_arena_ptr", (uint32_t)(uintptr_t)TOOL_ARENA);
    sp_cchat_set_param_u32(fd, "tool_arena_len", (uint32_t)sizeof TOOL_ARENA);
    sp_cchat_write_fn_str(fd, (int32_t)(uintptr_t)sum_tool, SUM_JSON);
    return fd;
}

static void fds_and_epoll_ctl(int32_t *ep_out, int32_t *chat_out) {
    puts("== fds and epoll_ctl");
    int32_t ep = sp_ep_create();
    int32_t ep2 = sp_ep_create();
    int32_t chat = sp_cchat_create();
    int32_t asr = sp_rtasr_create();
    P("epoll_create", ep);
    P("epoll_create", ep2);
    P("cchat_create", chat);
    P("rtasr_create", asr);
    P("ADD chat", sp_ep_ctl(ep, SPEAR_EP_CTL_ADD, chat, SPEAR_EPOLLIN));
    P("ADD chat again", sp_ep_ctl(ep, SPEAR_EP_CTL_ADD, chat, SPEAR_EPOLLIN));
    P("MOD unwatched", sp_ep_ctl(ep, SPEAR_EP_CTL_MOD, asr, SPEAR_EPOLLIN));
    P("DEL unwatched", sp_ep_ctl(ep, SPEAR_EP_CTL_DEL, asr, 0));
    P("ADD the epfd to itself", sp_ep_ctl(ep, SPEAR_EP_CTL_ADD, ep, SPEAR_EPOLLIN));
    P("ADD an epoll fd", sp_ep_ctl(ep, SPEAR_EP_CTL_ADD, ep2, SPEAR_EPOLLIN));
    P("ADD fd 999", sp_ep_ctl(ep, SPEAR_EP_CTL_ADD, 999, SPEAR_EPOLLIN));
    P("ADD fd 5000 never opened", sp_ep_ctl(ep, SPEAR_EP_CTL_ADD, 5000, SPEAR_EPOLLIN));
    P("op 9", sp_ep_ctl(ep, 9, asr, SPEAR_EPOLLIN));
    P("unknown event bit 0x100", sp_ep_ctl(ep, SPEAR_EP_CTL_ADD, asr, 0x100));
    P("epfd that is a chat fd", sp_ep_ctl(chat, SPEAR_EP_CTL_ADD, asr, SPEAR_EPOLLIN));
    P("MOD chat", sp_ep_ctl(ep, SPEAR_EP_CTL_MOD, chat, SPEAR_EPOLLIN | SPEAR_EPOLLOUT));
    P("DEL chat", sp_ep_ctl(ep, SPEAR_EP_CTL_DEL, chat, 0));
    P("DEL chat again", sp_ep_ctl(ep, SPEAR_EP_CTL_DEL, chat, 0));
    P("close ep2", sp_ep_close(ep2));
    P("close ep2 again", sp_ep_close(ep2));
    P("epoll_close on an rtasr fd (closes any kind)", sp_ep_close(asr));
    P("rtasr_close of it again", sp_rtasr_close(asr));
    P("epoll_create after closes (never reused)", sp_ep_create());
    *ep_out = ep;
    *chat_out = chat;
}

static void epoll_wait_checks(int32_t ep, int32_t chat) {
    puts("== epoll_wait");
    P("ADD session (never ready)", sp_ep_ctl(ep, SPEAR_EP_CTL_ADD, chat, SPEAR_EPOLLIN | SPEAR_EPOLLOUT));
    wait_print("timeout 0", ep, 64, 0);
    uint64_t t0 = now_ns();
    wait_print("timeout 50", ep, 64, 50);
    P("waited >= 50 ms", now_ns() - t0 >= 50000000u);
    wait_print("capacity 4", ep, 4, 0);
    P("out_ptr beyond memory", sp_epoll_wait(ep, beyond_memory(), len_ptr(64), 0));
    P("out range past the end", sp_epoll_wait(ep, beyond_memory() - 8, len_ptr(64), 0));
    P("len_ptr beyond memory", sp_epoll_wait(ep, buf_ptr(), beyond_memory() - 2, 0));
    P("epfd 999", sp_epoll_wait(999, buf_ptr(), len_ptr(64), 0));
    P("epfd that is a chat fd", sp_epoll_wait(chat, buf_ptr(), len_ptr(64), 0));
    P("DEL session", sp_ep_ctl(ep, SPEAR_EP_CTL_DEL, chat, 0));
}

static void fd_ctl_checks(int32_t ep, int32_t chat) {
    puts("== fd_ctl");
    fd_ctl_print("GET_KIND session", chat, SPEAR_FD_CTL_GET_KIND, 64);
    fd_ctl_print("GET_KIND epoll", ep, SPEAR_FD_CTL_GET_KIND, 64);
    fd_ctl_print("GET_KIND capacity 4", chat, SPEAR_FD_CTL_GET_KIND, 4);
    fd_ctl_print("GET_FLAGS", chat, SPEAR_FD_CTL_GET_FLAGS, 64);
    P("SET_FLAGS set O_NONBLOCK", set_flags(chat, "{\"set\":[\"O_NONBLOCK\"],\"clear\":[]}"));
    fd_ctl_print("GET_FLAGS", chat, SPEAR_FD_CTL_GET_FLAGS, 64);
    P("SET_FLAGS clear O_NONBLOCK", set_flags(chat, "{\"clear\":[\"O_NONBLOCK\"]}"));
    fd_ctl_print("GET_FLAGS", chat, SPEAR_FD_CTL_GET_FLAGS, 64);
    P("SET_FLAGS unknown flag", set_flags(chat, "{\"set\":[\"O_APPEND\"]}"));
    P("SET_FLAGS malformed JSON", set_flags(chat, "{\"set\":[\"O_NONBLOCK\""));
    P("SET_FLAGS set and clear", set_flags(chat, "{\"set\":[\"O_NONBLOCK\"],\"clear\":[\"O_NONBLOCK\"]}"));
    fd_ctl_print("unknown command 99", chat, 99, 64);
    fd_ctl_print("fd 999", 999, SPEAR_FD_CTL_GET_KIND, 64);
    P("arg beyond memory", sp_fd_ctl(chat, SPEAR_FD_CTL_GET_KIND, beyond_memory(), len_ptr(64)));
    fd_ctl_print("GET_STATUS session", chat, SPEAR_FD_CTL_GET_STATUS, 512);
}

static void chat_checks(int32_t ep) {
    puts("== chat");
    int32_t s = sp_cchat_create();
    P("cchat_create", s);
    P("SET_PARAM model", sp_cchat_set_param_string(s, "model", "syscalls-model"));
    P("SET_PARAM temperature 9", sp_cchat_set_param_json(s, "{\"key\":\"temperature\",\"value\":9}", 33));
    P("SET_PARAM malformed", sp_cchat_set_param_json(s, "{\"key\":", 7));
    P("SET_PARAM unknown key", sp_cchat_set_param_json(s, "{\"key\":\"colour\",\"value\":\"blue\"}", 32));
    P("write_msg", sp_cchat_write_msg_str(s, "user", "hello"));
    P("write_msg empty role", sp_cchat_write_msg_str(s, "", "x"));
    P("write_msg fd 999", sp_cchat_write_msg_str(999, "user", "x"));
    P("write_msg on an epoll fd", sp_cchat_write_msg_str(ep, "user", "x"));
    P("write_msg content beyond memory", sp_cchat_write_msg(s, (int32_t)(uintptr_t) "user", 4, beyond_memory() - 2, 4));
    P("write_fn not a tool", sp_cchat_write_fn_str(s, 1, "{\"type\":\"function\"}"));
    P("send on an epoll fd", sp_cchat_send(ep, 0));
    int32_t r = sp_cchat_send(s, 4);
    P("send (flag bit 0x4 ignored)", r);
    P("ADD response IN", sp_ep_ctl(ep, SPEAR_EP_CTL_ADD, r, SPEAR_EPOLLIN));
    wait_print("wait -1", ep, 64, -1);
    fd_ctl_print("GET_KIND response", r, SPEAR_FD_CTL_GET_KIND, 64);
    recv_print("recv capacity 10", r, 10);
    recv_print("recv", r, sizeof BUF);
    recv_print("recv after the end", r, sizeof BUF);
    wait_print("still IN after the end", ep, 64, 0);
    P("SET_PARAM on a response", sp_cchat_set_param_string(r, "model", "x"));
    P("cchat_close response", sp_cchat_close(r));
    P("cchat_close response again", sp_cchat_close(r));
    wait_print("closed fd stays in the set", ep, 64, 0);
    fd_ctl_print("GET_STATUS closed fd", r, SPEAR_FD_CTL_GET_STATUS, 512);
    P("MOD closed fd to HUP", sp_ep_ctl(ep, SPEAR_EP_CTL_MOD, r, SPEAR_EPOLLHUP));
    wait_print("closed fd reports HUP", ep, 64, 0);
    P("DEL closed fd", sp_ep_ctl(ep, SPEAR_EP_CTL_DEL, r, 0));
    P("recv closed fd", sp_cchat_recv(r, buf_ptr(), len_ptr(64)));
    P("cchat_close fd 999", sp_cchat_close(999));

    puts("-- O_NONBLOCK and timeouts");
    int32_t slow = session("slow");
    r = sp_cchat_send(slow, 0);
    P("send slow", r);
    P("SET_FLAGS O_NONBLOCK", set_flags(r, "{\"set\":[\"O_NONBLOCK\"]}"));
    recv_print("recv before ready", r, sizeof BUF);
    P("ADD", sp_ep_ctl(ep, SPEAR_EP_CTL_ADD, r, SPEAR_EPOLLIN));
    wait_print("wait 30 before ready", ep, 64, 30);
    sp_log_str(SP_LOG_INFO, "release");
    wait_print("wait -1 after release", ep, 64, -1);
    recv_print("recv", r, sizeof BUF);
    P("DEL", sp_ep_ctl(ep, SPEAR_EP_CTL_DEL, r, 0));
    sp_cchat_close(r);

    puts("-- failure");
    int32_t fail = session("fail");
    r = sp_cchat_send(fail, 0);
    P("send fail", r);
    P("ADD IN only", sp_ep_ctl(ep, SPEAR_EP_CTL_ADD, r, SPEAR_EPOLLIN));
    wait_print("wait -1 (a failed request is readable)", ep, 64, -1);
    recv_print("recv", r, sizeof BUF);
    recv_print("recv again", r, sizeof BUF);
    P("DEL", sp_ep_ctl(ep, SPEAR_EP_CTL_DEL, r, 0));

    puts("-- rotation");
    int32_t rs[3];
    for (int i = 0; i < 3; i++) {
        rs[i] = sp_cchat_send(s, 0);
        sp_ep_ctl(ep, SPEAR_EP_CTL_ADD, rs[i], SPEAR_EPOLLIN);
    }
    printf("responses: %d %d %d\n", rs[0], rs[1], rs[2]);
    int32_t n = 0;
    while (n < 3) {
        n = sp_epoll_wait(ep, buf_ptr(), len_ptr(64), -1);
    }
    // A full scan is in ascending fd order. Where a scan starts depends on the scans before
    // (how many of the three were ready at each), so the one-record scans after it are
    // printed as positions in the full scan: they must visit the three in ascending order,
    // wrapping round, and then start over.
    sp_epoll_event_t all[3];
    P("all three ready", sp_epoll_wait(ep, (int32_t)(uintptr_t)all, len_ptr(sizeof all), 0));
    P("all three in ascending order", all[0].fd < all[1].fd && all[1].fd < all[2].fd);
    int pos[4] = {0, 0, 0, 0};
    for (int i = 0; i < 4; i++) {
        sp_epoll_event_t one;
        int32_t got = sp_epoll_wait(ep, (int32_t)(uintptr_t)&one, len_ptr(sizeof one), 0);
        for (int k = 0; k < 3; k++) {
            if (got == 1 && all[k].fd == one.fd) {
                pos[i] = k + 1;
            }
        }
    }
    int cyclic = pos[0] != 0 && pos[3] == pos[0];
    for (int i = 0; i < 3; i++) {
        cyclic = cyclic && pos[i + 1] == pos[i] % 3 + 1;
    }
    P("one record at a time visits each once, in ascending order round the set, then again", cyclic);
    P("close the first", sp_cchat_close(rs[0]));
    sp_epoll_event_t two[3];
    n = sp_epoll_wait(ep, (int32_t)(uintptr_t)two, len_ptr(sizeof two), 0);
    printf("the first closed (still watched, IN): %d, sorted: %s\n", n, sorted3(n > 0 ? two[0].fd : 0, n > 1 ? two[1].fd : 0, n > 2 ? two[2].fd : 0));
    for (int i = 0; i < 3; i++) {
        sp_ep_ctl(ep, SPEAR_EP_CTL_DEL, rs[i], 0);
        sp_cchat_close(rs[i]);
    }
    sp_cchat_close(s);
    sp_cchat_close(slow);
    sp_cchat_close(fail);
}

static void tool_checks(int32_t ep) {
    puts("== tools");
    int32_t s = tool_session("add 7 and 35");
    int32_t r = sp_cchat_send(s, AUTO_TOOL_CALL);
    P("send AUTO_TOOL_CALL", r);
    P("ADD", sp_ep_ctl(ep, SPEAR_EP_CTL_ADD, r, SPEAR_EPOLLIN));
    wait_print("wait -1 (the tool runs inside)", ep, 64, -1);
    recv_print("recv", r, sizeof BUF);
    sp_ep_ctl(ep, SPEAR_EP_CTL_DEL, r, 0);
    sp_cchat_close(r);
    sp_cchat_close(s);

    s = tool_session("add 19 and 23");
    r = sp_cchat_send(s, AUTO_TOOL_CALL | SPEAR_CCHAT_SEND_FLAG_ENABLE_METRICS);
    P("send AUTO_TOOL_CALL|ENABLE_METRICS", r);
    recv_print("blocking recv (the tool runs inside)", r, sizeof BUF);
    int32_t m = sp_cchat_ctl(r, SPEAR_CCHAT_CTL_GET_METRICS, buf_ptr(), len_ptr(sizeof BUF));
    P("GET_METRICS response", m > 0);
    sp_cchat_close(r);
    sp_cchat_close(s);

    int32_t ep2 = sp_ep_create();
    s = tool_session("add 1 and 2");
    r = sp_cchat_send(s, AUTO_TOOL_CALL);
    sp_ep_ctl(ep2, SPEAR_EP_CTL_ADD, r, SPEAR_EPOLLIN);
    CLOSE_ON_TOOL = ep2;
    P("wait on an epfd the tool closes", sp_epoll_wait(ep2, buf_ptr(), len_ptr(64), -1));
    recv_print("recv", r, sizeof BUF);
    sp_cchat_close(r);
    sp_cchat_close(s);

    s = session("add 5 and 6");
    sp_cchat_write_fn_str(s, (int32_t)(uintptr_t)sum_tool, SUM_JSON);
    r = sp_cchat_send(s, AUTO_TOOL_CALL);
    recv_print("no tool arena", r, sizeof BUF);
    sp_cchat_close(r);
    sp_cchat_close(s);
}

static const uint8_t ZEROS[3200];

static void rtasr_ctl_print(const char *label, int32_t fd, int32_t cmd, uint32_t capacity) {
    print_out(label, sp_rtasr_ctl(fd, cmd, buf_ptr(), len_ptr(capacity)));
}

// SPEAR's rtasr (host_api/rtasr.rs): writes queue before CONNECT, all or nothing; reads and
// writes never wait; the stub produces timed events without audio. After SPEAR's
// src/spearlet/execution/host_api/tests.rs: test_rtasr_write_backpressure_and_epollout (the
// full send queue), test_rtasr_read_epollin_and_eagain (stub events, EPOLLIN),
// test_rtasr_default_segmentation_is_server_vad, test_rtasr_autoflush_set_and_get and
// test_rtasr_autoflush_legacy_payload_is_accepted (the autoflush section).
static void rtasr_checks(int32_t ep) {
    puts("== rtasr");
    int32_t a = sp_rtasr_create();
    P("rtasr_create", a);
    rtasr_ctl_print("GET_STATUS", a, SPEAR_RTA_CTL_GET_STATUS, 1024);
    rtasr_ctl_print("GET_AUTOFLUSH", a, SPEAR_RTA_CTL_GET_AUTOFLUSH, 1024);
    rtasr_read_print("read before CONNECT (blocking fd)", a, 256);
    P("SET_PARAM max_send_queue_bytes 4000", sp_rtasr_set_param_u32(a, "max_send_queue_bytes", 4000));
    P("SET_PARAM no key", sp_rtasr_set_param_json(a, "{\"value\":1}", 11));
    P("unknown command 42", sp_rtasr_ctl(a, 42, buf_ptr(), len_ptr(0)));
    P("ADD IN|OUT", sp_ep_ctl(ep, SPEAR_EP_CTL_ADD, a, SPEAR_EPOLLIN | SPEAR_EPOLLOUT));
    wait_print("wait (writable)", ep, 64, 0);
    P("write before CONNECT", sp_rtasr_write(a, (int32_t)(uintptr_t)ZEROS, 3200));
    P("write 3200 (800 would fit: none queued)", sp_rtasr_write(a, (int32_t)(uintptr_t)ZEROS, 3200));
    P("write 800", sp_rtasr_write(a, (int32_t)(uintptr_t)ZEROS, 800));
    P("write from beyond memory", sp_rtasr_write(a, beyond_memory() - 10, 100));
    wait_print("wait (full: not writable)", ep, 64, 0);
    P("FLUSH (full)", sp_rtasr_flush(a));
    P("write 1 (full)", sp_rtasr_write(a, (int32_t)(uintptr_t)ZEROS, 1));
    rtasr_ctl_print("GET_STATUS", a, SPEAR_RTA_CTL_GET_STATUS, 1024);
    P("SET_PARAM stub_event_interval_ms 0", sp_rtasr_set_param_u32(a, "stub_event_interval_ms", 0));
    P("SET_PARAM stub_event_payload_bytes 90", sp_rtasr_set_param_u32(a, "stub_event_payload_bytes", 90));
    P("CONNECT", sp_rtasr_connect(a));
    P("CONNECT again", sp_rtasr_connect(a));
    P("MOD IN", sp_ep_ctl(ep, SPEAR_EP_CTL_MOD, a, SPEAR_EPOLLIN));
    wait_print("wait -1 (an event without audio)", ep, 64, -1);
    rtasr_read_print("read capacity 8", a, 8);
    rtasr_read_print("read", a, 256);
    fd_ctl_print("GET_KIND", a, SPEAR_FD_CTL_GET_KIND, 64);
    P("DEL", sp_ep_ctl(ep, SPEAR_EP_CTL_DEL, a, 0));
    P("ADD IN again", sp_ep_ctl(ep, SPEAR_EP_CTL_ADD, a, SPEAR_EPOLLIN));
    P("rtasr_close", sp_rtasr_close(a));
    P("rtasr_close again", sp_rtasr_close(a));
    P("write after close", sp_rtasr_write(a, (int32_t)(uintptr_t)ZEROS, 1));
    wait_print("closed fd, watched for IN only: nothing", ep, 64, 0);
    P("MOD closed fd to HUP", sp_ep_ctl(ep, SPEAR_EP_CTL_MOD, a, SPEAR_EPOLLHUP));
    wait_print("closed fd: HUP", ep, 64, 0);
    P("DEL closed fd", sp_ep_ctl(ep, SPEAR_EP_CTL_DEL, a, 0));

    puts("-- autoflush");
    int32_t b = sp_rtasr_create();
    const char *cc = "{\"strategy\":\"client_commit\",\"client_commit\":{\"max_buffer_bytes\":123,\"min_flush_gap_ms\":7}}";
    P("SET_AUTOFLUSH client_commit", sp_rtasr_set_autoflush_json(b, cc, (uint32_t)strlen(cc)));
    rtasr_ctl_print("GET_AUTOFLUSH", b, SPEAR_RTA_CTL_GET_AUTOFLUSH, 1024);
    const char *legacy = "{\"enabled\":true,\"mode\":\"silence\",\"silence_ms\":250}";
    P("SET_AUTOFLUSH legacy silence", sp_rtasr_set_autoflush_json(b, legacy, (uint32_t)strlen(legacy)));
    rtasr_ctl_print("GET_AUTOFLUSH", b, SPEAR_RTA_CTL_GET_AUTOFLUSH, 1024);
    P("SET_AUTOFLUSH unknown strategy", sp_rtasr_set_autoflush_json(b, "{\"strategy\":\"x\"}", 16));
    P("SEND_EVENT", sp_rtasr_send_event_json(b, "{\"type\":\"t\", \"b\":1}", 19));
    rtasr_ctl_print("GET_STATUS", b, SPEAR_RTA_CTL_GET_STATUS, 1024);
    sp_rtasr_close(b);
}

static void util_checks(void) {
    puts("== util");
    int64_t t0 = sp_time_now_ms();
    uint64_t n0 = now_ns();
    sp_sleep_ms(20);
    P("sleep_ms(20) slept >= 20 ms", now_ns() - n0 >= 20000000u);
    P("time_now_ms advanced", sp_time_now_ms() - t0 >= 20);
    P("wall_time_s after 2020", sp_wall_time_s() > 1577836800);
    P("random_i64 differs", sp_random_i64() != sp_random_i64());
    sp_sleep_ms(-5);
    puts("sleep_ms(-5): returned");
}

int main(void) {
    int32_t ep, chat;
    fds_and_epoll_ctl(&ep, &chat);
    epoll_wait_checks(ep, chat);
    fd_ctl_checks(ep, chat);
    chat_checks(ep);
    tool_checks(ep);
    rtasr_checks(ep);
    util_checks();
    puts("== done");
    return 0;
}
