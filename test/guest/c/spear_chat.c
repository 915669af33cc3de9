// Chat conformance with SPEAR: each check names the SPEAR source it comes from
// (lfedgeai/SPEAR, src/spearlet/execution/...). Prints one line per check.
// Results go to stdout, not to the host log (SPEAR's header redirects stdio there by default).
#define SPEAR_DISABLE_STDIO_REDIRECT_TO_LOG
#include <spear.h>

static uint8_t TOOL_ARENA[4096];
static uint8_t BUF[8192];
static uint32_t LEN;

static int tool_calls;
static char tool_args[128];

// Answers "tool_ok" with rc 0, as the closure of SPEAR's auto-tool-call test does.
int32_t sum_tool(int32_t args_ptr, int32_t args_len, int32_t out_ptr, int32_t out_len_ptr) {
    tool_calls++;
    int n = args_len < (int)sizeof tool_args - 1 ? args_len : (int)sizeof tool_args - 1;
    memcpy(tool_args, (const void *)(uintptr_t)args_ptr, (size_t)n);
    tool_args[n] = 0;
    const char *out = "tool_ok";
    uint32_t *cap = (uint32_t *)(uintptr_t)out_len_ptr;
    if (*cap < 7) {
        *cap = 7;
        return -SPEAR_ENOSPC;
    }
    memcpy((void *)(uintptr_t)out_ptr, out, 7);
    *cap = 7;
    return 0;
}

static const char *SUM = "{\"type\":\"function\",\"function\":{\"name\":\"sum\",\"parameters\":{\"type\":\"object\"}}}";

static int32_t session(const char *user) {
    int32_t s = sp_cchat_create();
    sp_cchat_write_msg_str(s, "user", user);
    return s;
}

static void arena(int32_t s) {
    sp_cchat_set_param_u32(s, "tool_arena_ptr", (uint32_t)(uintptr_t)TOOL_ARENA);
    sp_cchat_set_param_u32(s, "tool_arena_len", (uint32_t)sizeof TOOL_ARENA);
}

// cchat_recv into BUF; prints "<label>: rc <the message content, or the whole body>".
static void recv_print(const char *label, int32_t r) {
    LEN = sizeof BUF - 1;
    int32_t rc = sp_cchat_recv(r, (int32_t)(uintptr_t)BUF, (int32_t)(uintptr_t)&LEN);
    if (rc < 0) {
        printf("%s: %d\n", label, rc);
        return;
    }
    BUF[LEN] = 0;
    const char *c = strstr((const char *)BUF, "\"content\":\"");
    if (c != NULL) {
        c += 11;
        const char *end = strchr(c, '"');
        printf("%s: content %.*s\n", label, end ? (int)(end - c) : 0, c);
    } else {
        printf("%s: body %s\n", label, (const char *)BUF);
    }
}

static void metrics_print(const char *label, int32_t fd) {
    LEN = sizeof BUF - 1;
    int32_t rc = sp_cchat_ctl(fd, SPEAR_CCHAT_CTL_GET_METRICS, (int32_t)(uintptr_t)BUF, (int32_t)(uintptr_t)&LEN);
    printf("%s: %d %.*s\n", label, rc, rc >= 0 ? (int)LEN : 0, (const char *)BUF);
}

/** A "sum 1 2" session with the sum tool and its arena, `key` set to `value`, sent with AUTO_TOOL_CALL. */
static void tool_loop_limit(const char *label, const char *key, uint32_t value) {
    int32_t s = session("sum 1 2");
    arena(s);
    sp_cchat_write_fn_str(s, (int32_t)(uintptr_t)sum_tool, SUM);
    sp_cchat_set_param_u32(s, key, value);
    recv_print(label, sp_cchat_send(s, AUTO_TOOL_CALL));
    sp_cchat_close(s);
}

int main(void) {
    // host_api/tests.rs test_cchat_send_pipeline_stub_backend
    int32_t s = session("sum 7 35");
    recv_print("pipeline", sp_cchat_send(s, 0));
    sp_cchat_close(s);

    // runtime/wasm_hostcalls.rs test_call_cchat_write_fn
    s = session("sum 7 35");
    printf("write_fn: %d\n", sp_cchat_write_fn_str(s, (int32_t)(uintptr_t)sum_tool, SUM));

    // host_api/tests.rs test_cchat_send_auto_tool_call_loop_stub_backend
    arena(s);
    recv_print("auto tool call", sp_cchat_send(s, AUTO_TOOL_CALL));
    printf("tool calls: %d args %s\n", tool_calls, tool_args);

    // host_api/cchat.rs cchat_send_with_tools appends the assistant message, the tool message
    // and the final reply to the session: the next send sees 4 messages (cchat_send's usage).
    int32_t r = sp_cchat_send(s, SPEAR_CCHAT_SEND_FLAG_ENABLE_METRICS);
    recv_print("next send", r);
    metrics_print("GET_METRICS", r);
    sp_cchat_close(r);
    // host_api/cchat.rs cchat_ctl_get_metrics: {} without ENABLE_METRICS; a session is -EBADF.
    r = sp_cchat_send(s, 0);
    recv_print("plain send", r);
    metrics_print("GET_METRICS without ENABLE_METRICS", r);
    metrics_print("GET_METRICS on a session", s);
    sp_cchat_close(s);

    // host_api/cchat.rs cchat_send_with_tools: the max_iterations limit, then the
    // max_total_tool_calls limit (max_tool_calls).
    tool_loop_limit("max_iterations 1", "max_iterations", 1);
    tool_loop_limit("max_tool_calls 0", "max_tool_calls", 0);

    // runtime/wasm_hostcalls.rs call_wasm_tool_with_arena: no arena is -EFAULT, the tool
    // message says so, the loop goes on.
    s = session("sum 1 2");
    sp_cchat_write_fn_str(s, (int32_t)(uintptr_t)sum_tool, SUM);
    int before = tool_calls;
    recv_print("no arena", sp_cchat_send(s, AUTO_TOOL_CALL));
    printf("tool ran without an arena: %d\n", tool_calls - before);
    sp_cchat_close(s);

    // runtime/wasm_hostcalls.rs cchat_ctl: SET_PARAM of bad JSON or no key is -EIO.
    s = session("x");
    printf("SET_PARAM bad JSON: %d\n", sp_cchat_set_param_json(s, "{\"key\":", 7));
    printf("SET_PARAM no key: %d\n", sp_cchat_set_param_json(s, "{\"value\":1}", 11));
    printf("SET_PARAM any value: %d\n", sp_cchat_set_param_json(s, "{\"key\":\"temperature\",\"value\":\"hot\"}", 36));

    // host_api/tests.rs test_cchat_response_fd_is_epollin (route B: ready once answered)
    int32_t ep = sp_epoll_create();
    r = sp_cchat_send(s, 0);
    printf("ADD IN: %d\n", sp_ep_ctl(ep, SPEAR_EP_CTL_ADD, r, SPEAR_EPOLLIN));
    sp_epoll_event_t ev[4];
    uint32_t cap = sizeof ev;
    int32_t n = sp_epoll_wait(ep, (int32_t)(uintptr_t)ev, (int32_t)(uintptr_t)&cap, -1);
    printf("response ready: %d %s\n", n, n == 1 && ev[0].fd == r && (ev[0].events & SPEAR_EPOLLIN) ? "IN" : "-");
    sp_ep_ctl(ep, SPEAR_EP_CTL_DEL, r, 0);
    sp_cchat_close(r);
    sp_cchat_close(s);
    return 0;
}
