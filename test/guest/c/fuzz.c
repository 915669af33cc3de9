// Hostcall fuzzer: calls every hostcall with arguments from a seeded PRNG, CALLS times in all
// (argv: SEED CALLS), then prints what it did. The host audits every result against the
// errnos the IDL documents; this guest only has to survive its own calls:
//
// - pointers the host may WRITE to are in SCRATCH, in the last memory page (grown at start
//   and never used otherwise), straddle the end of memory, or lie beyond it; never elsewhere;
// - pointers the host only READS may be anything;
// - no call may block for good: epoll timeouts are 0 or 1 ms, stream fds are O_NONBLOCK from
//   their creation (SET_FLAGS is only ever sent with "set"), chat responses complete on their
//   own (the stub backend), and callbacks run inside whichever blocking call comes next.
// Results go to stdout, not to the host log (SPEAR's header redirects stdio there by default).
#define SPEAR_DISABLE_STDIO_REDIRECT_TO_LOG
#include <spear.h>

#define POOL 48
#define SCRATCH_BYTES 16384

static uint8_t SCRATCH[SCRATCH_BYTES];
static uint8_t TOOL_ARENA[8192];
static uint32_t LEN_SLOT;
static uint64_t STATE;
static uint32_t LAST_PAGE;  // first byte of the page this guest owns at the end of memory
static int32_t FDS[POOL];    // fds seen (open, closed or made up)
static uint32_t CALLS;
static uint32_t TOOL_RUNS;

static uint64_t next(void) {
    // xorshift64*
    STATE ^= STATE >> 12;
    STATE ^= STATE << 25;
    STATE ^= STATE >> 27;
    return STATE * 2685821657736338717ull;
}

static uint32_t below(uint32_t n) { return (uint32_t)(next() % n); }
static int chance(uint32_t percent) { return below(100) < percent; }

static uint32_t mem_bytes(void) { return (uint32_t)__builtin_wasm_memory_size(0) * 65536u; }

// fds by the kind of the call that made them; KINDS[k][...] for kind k, FDS for any.
enum { K_SESSION, K_RESPONSE, K_EPOLL, K_RTASR, K_MIC, K_OTHER, K_COUNT };
#define KIND_POOL 8
static int32_t KINDS[K_COUNT][KIND_POOL];

static void remember_as(int kind, int32_t fd) {
    if (fd >= 0) {
        FDS[below(POOL)] = fd;
        KINDS[kind][below(KIND_POOL)] = fd;
    }
}
#define remember(fd) remember_as(K_OTHER, fd)

static int32_t any_fd(void) {
    switch (below(12)) {
    case 0: return -1;
    case 1: return 0;
    case 2: return 999;
    case 3: return (int32_t)(1000 + below(5000));
    case 4: return (int32_t)next();
    default: return FDS[below(POOL)];
    }
}

// Mostly an fd of `kind` (open or since closed), sometimes any.
static int32_t fd_of(int kind) { return chance(75) ? KINDS[kind][below(KIND_POOL)] : any_fd(); }

// A range the host may only read.
static void any_input(int32_t *ptr, int32_t *len) {
    switch (below(6)) {
    case 0: *ptr = (int32_t)next(); *len = (int32_t)below(64); return;
    case 1: *ptr = (int32_t)(mem_bytes() - below(32)); *len = (int32_t)below(64); return;
    case 2: *ptr = (int32_t)(uintptr_t)SCRATCH; *len = (int32_t)next(); return;
    default: *ptr = (int32_t)below(mem_bytes()); *len = (int32_t)below(256); return;
    }
}

// A range the host may write: (out_ptr, out_len_ptr) with the capacity stored at out_len_ptr.
static void any_output(int32_t *ptr, int32_t *len_ptr) {
    uint32_t cap;
    switch (below(8)) {
    case 0:  // straddles the end of memory
        *ptr = (int32_t)(mem_bytes() - 1 - below(16));
        cap = 17 + below(64);
        break;
    case 1:  // beyond memory
        *ptr = (int32_t)(mem_bytes() + below(1u << 20));
        cap = below(64);
        break;
    case 2:  // the length slot beyond memory
        *ptr = (int32_t)(uintptr_t)SCRATCH;
        *len_ptr = (int32_t)(mem_bytes() - below(4));
        return;
    case 3:  // inside the last page
        cap = below(4096);
        *ptr = (int32_t)(LAST_PAGE + below(65536 - cap));
        break;
    default:  // in SCRATCH, often too small
        cap = chance(30) ? below(16) : below(SCRATCH_BYTES);
        *ptr = (int32_t)(uintptr_t)(SCRATCH + below(SCRATCH_BYTES - cap + 1));
        break;
    }
    LEN_SLOT = cap;
    *len_ptr = (int32_t)(uintptr_t)&LEN_SLOT;
}

static const char *const JSON_INPUTS[] = {
    "{\"key\":\"model\",\"value\":\"fuzz-model\"}",
    "{\"key\":\"max_tokens\",\"value\":16}",
    "{\"key\":\"max_tokens\",\"value\":-3}",
    "{\"key\":\"temperature\",\"value\":0.5}",
    "{\"key\":\"temperature\",\"value\":\"hot\"}",
    "{\"key\":\"timeout_ms\",\"value\":1000}",
    "{\"key\":\"max_iterations\",\"value\":2}",
    "{\"key\":\"max_total_tool_calls\",\"value\":1}",
    "{\"key\":\"tool_arena_len\",\"value\":8192}",
    "{\"key\":\"tool_arena_ptr\",\"value\":4294967280}",
    "{\"key\":\"backend\",\"value\":\"stub\"}",
    "{\"key\":\"backend\",\"value\":\"nope\"}",
    "{\"key\":\"unknown_key\",\"value\":[1,2,3]}",
    "{\"key\":\"transport\",\"value\":\"stub\"}",
    "{\"key\":\"sample_rate\",\"value\":16000}",
    "{\"strategy\":\"none\"}",
    "{\"type\":\"input_audio_buffer.commit\"}",
    "{\"set\":[\"O_NONBLOCK\"],\"clear\":[]}",
    "{\"set\":[\"O_NOTHING\"]}",
    "{\"set\":\"O_NONBLOCK\"}",
    "{\"key\":",
    "null",
    "[]",
    "",
    "{\"key\":\"model\"}",
};

// A ctl argument: JSON (or garbage) placed where the host may also write output.
static void any_ctl_arg(int32_t *ptr, int32_t *len_ptr) {
    if (chance(25)) {
        any_output(ptr, len_ptr);
        return;
    }
    uint32_t n;
    uint8_t *at = SCRATCH + below(SCRATCH_BYTES / 2);
    if (chance(80)) {
        const char *j = JSON_INPUTS[below(sizeof JSON_INPUTS / sizeof JSON_INPUTS[0])];
        n = (uint32_t)strlen(j);
        memcpy(at, j, n);
    } else {
        n = below(64);
        for (uint32_t i = 0; i < n; i++) {
            at[i] = (uint8_t)next();
        }
    }
    if (chance(30)) {
        n += below(SCRATCH_BYTES / 4);  // capacity beyond the input: room for output
    }
    LEN_SLOT = n;
    *ptr = (int32_t)(uintptr_t)at;
    *len_ptr = (int32_t)(uintptr_t)&LEN_SLOT;
}

static int32_t nonblock(int32_t fd) {
    const char *j = "{\"set\":[\"O_NONBLOCK\"],\"clear\":[]}";
    CALLS++;
    return sp_fd_set_flags_json(fd, j, (uint32_t)strlen(j));
}

// The tool the fuzzer registers: the output-buffer rule, random outcomes.
int32_t fuzz_tool(int32_t args_ptr, int32_t args_len, int32_t out_ptr, int32_t out_len_ptr) {
    (void)args_ptr;
    TOOL_RUNS++;
    uint32_t *cap = (uint32_t *)(uintptr_t)out_len_ptr;
    uint32_t want = (uint32_t)args_len + below(64);
    if (chance(10)) {
        return -SPEAR_EIO;
    }
    if (*cap < want) {
        *cap = want;
        return -SPEAR_ENOSPC;
    }
    memset((void *)(uintptr_t)out_ptr, 'r', want);
    *cap = want;
    return (int32_t)want;
}

static const char *const TOOL_JSON =
    "{\"type\":\"function\",\"function\":{\"name\":\"fuzz\",\"parameters\":{\"type\":\"object\"}}}";

static void one_call(void) {
    int32_t p, l, fd, r;
    CALLS++;
    switch (below(31)) {
    case 0: remember_as(K_SESSION, sp_cchat_create()); break;
    case 1: {
        static const char *const roles[] = {"user", "system", "assistant", "tool", "robot", ""};
        const char *role = roles[below(6)];
        if (chance(80)) {
            char msg[48];
            int n = snprintf(msg, sizeof msg, "add %d and %d", (int)below(100), (int)below(100));
            sp_cchat_write_msg(fd_of(K_SESSION), (int32_t)(uintptr_t)role, (int32_t)strlen(role), (int32_t)(uintptr_t)msg, n);
        } else {
            any_input(&p, &l);
            sp_cchat_write_msg(fd_of(K_SESSION), (int32_t)(uintptr_t)role, (int32_t)strlen(role), p, l);
        }
        break;
    }
    case 2:
        if (chance(70)) {
            int32_t index = chance(70) ? (int32_t)(uintptr_t)fuzz_tool : (int32_t)below(64);
            sp_cchat_write_fn(fd_of(K_SESSION), index, (int32_t)(uintptr_t)TOOL_JSON, (int32_t)strlen(TOOL_JSON));
        } else {
            any_input(&p, &l);
            sp_cchat_write_fn(fd_of(K_SESSION), (int32_t)next(), p, l);
        }
        break;
    case 3:
        if (chance(20)) {
            char j[64];
            int n = snprintf(j, sizeof j, "{\"key\":\"tool_arena_ptr\",\"value\":%lu}", (unsigned long)(uintptr_t)TOOL_ARENA);
            memcpy(SCRATCH, j, (size_t)n);
            LEN_SLOT = (uint32_t)n;
            sp_cchat_ctl(fd_of(K_SESSION), SPEAR_CCHAT_CTL_SET_PARAM, (int32_t)(uintptr_t)SCRATCH, (int32_t)(uintptr_t)&LEN_SLOT);
        } else {
            any_ctl_arg(&p, &l);
            sp_cchat_ctl(chance(50) ? fd_of(K_SESSION) : fd_of(K_RESPONSE), (int32_t)below(5), p, l);
        }
        break;
    case 4: {
        static const int32_t flags[] = {0, 1, 2, 3, 4, -1};
        fd = sp_cchat_send(fd_of(K_SESSION), flags[below(6)]);
        remember_as(K_RESPONSE, fd);
        break;
    }
    case 5: any_output(&p, &l); sp_cchat_recv(fd_of(K_RESPONSE), p, l); break;
    case 6: sp_cchat_close(chance(50) ? fd_of(K_SESSION) : fd_of(K_RESPONSE)); break;
    case 7: remember_as(K_EPOLL, sp_epoll_create()); break;
    case 8: {
        static const uint32_t masks[] = {SPEAR_EPOLLIN, SPEAR_EPOLLOUT, SPEAR_EPOLLIN | SPEAR_EPOLLOUT, 0, 0x1d, 0xffffffffu};
        sp_epoll_ctl(fd_of(K_EPOLL), (int32_t)below(5), fd_of((int)below(K_COUNT)), (int32_t)masks[below(6)]);
        break;
    }
    case 9: any_output(&p, &l); sp_epoll_wait(fd_of(K_EPOLL), p, l, chance(1) ? 1 : 0); break;
    case 10: sp_epoll_close(chance(30) ? fd_of(K_EPOLL) : any_fd()); break;
    case 11: any_ctl_arg(&p, &l); sp_fd_ctl(fd_of((int)below(K_COUNT)), (int32_t)below(7), p, l); break;
    case 12:
        fd = sp_mic_create();
        if (fd >= 0 && chance(5)) {  // a running stub source: 2-byte frames every 2 ms
            static const char cfg[] = "{\"source\":\"stub\",\"sample_rate_hz\":1000,\"frame_ms\":2}";
            CALLS++;
            sp_mic_set_param_json(fd, cfg, (uint32_t)(sizeof cfg - 1));
        }
        remember_as(K_MIC, fd);
        break;
    case 13: any_ctl_arg(&p, &l); sp_mic_ctl(chance(50) ? fd_of(K_MIC) : any_fd(), (int32_t)below(4), p, l); break;
    case 14: any_output(&p, &l); sp_mic_read(chance(50) ? fd_of(K_MIC) : any_fd(), p, l); break;
    case 15: sp_mic_close(chance(30) ? fd_of(K_MIC) : any_fd()); break;
    case 16:
        fd = sp_rtasr_create();
        if (fd >= 0) {
            nonblock(fd);
            if (chance(50)) {
                CALLS++;
                sp_rtasr_connect(fd);
            }
        }
        remember_as(K_RTASR, fd);
        break;
    case 17: any_ctl_arg(&p, &l); sp_rtasr_ctl(fd_of(K_RTASR), (int32_t)below(10), p, l); break;
    case 18:
        any_input(&p, &l);
        sp_rtasr_write(fd_of(K_RTASR), chance(50) ? (int32_t)(uintptr_t)SCRATCH : p, chance(50) ? (int32_t)below(8000) : l);
        break;
    case 19: any_output(&p, &l); sp_rtasr_read(fd_of(K_RTASR), p, l); break;
    case 20: sp_rtasr_close(chance(30) ? fd_of(K_RTASR) : any_fd()); break;
    case 21: {
        fd = sp_user_stream_open((int32_t)below(8), (int32_t)below(5));
        if (fd >= 0) {
            nonblock(fd);
        }
        remember(fd);
        break;
    }
    case 22: any_output(&p, &l); sp_user_stream_read(any_fd(), p, l); break;
    case 23: any_input(&p, &l); sp_user_stream_write(any_fd(), p, l); break;
    case 24: sp_user_stream_close(any_fd()); break;
    case 25:
        fd = sp_user_stream_ctl_open();
        if (fd >= 0) {
            nonblock(fd);
        }
        remember(fd);
        break;
    case 26: any_output(&p, &l); sp_user_stream_ctl_read(any_fd(), p, l); break;
    case 27:
        switch (below(3)) {
        case 0: (void)sp_time_now_ms(); break;
        case 1: (void)sp_wall_time_s(); break;
        default: (void)sp_random_i64(); break;
        }
        break;
    case 28: any_input(&p, &l); sp_log((int32_t)below(8) - 1, p, l); break;
    case 29: {
        static const int32_t ms[] = {0, -5, 1, INT32_MIN};
        if (chance(5)) {
            sp_sleep_ms(ms[below(4)]);
        } else {
            CALLS--;
        }
        break;
    }
    default:
        // A session able to run the tool loop (an arena, the tool, two integers), sent at once:
        // its response becomes readable, and the tool runs inside a later blocking call.
        r = sp_cchat_create();
        remember_as(K_SESSION, r);
        if (r >= 0) {
            CALLS += 5;
            sp_cchat_write_msg_str(r, "user", "what is 2 and 40");
            sp_cchat_set_param_u32(r, "tool_arena_ptr", (uint32_t)(uintptr_t)TOOL_ARENA);
            sp_cchat_set_param_u32(r, "tool_arena_len", (uint32_t)sizeof TOOL_ARENA);
            sp_cchat_write_fn_str(r, (int32_t)(uintptr_t)fuzz_tool, TOOL_JSON);
            fd = sp_cchat_send(r, chance(80) ? 3 : 0);
            remember_as(K_RESPONSE, fd);
        }
        break;
    }
}

/*
 * The stub realtime transport gives its first event 100 ms after a connect: random calls read
 * one only when a connected stream happens to live that long, which a fast or a loaded run may
 * never do. One connected stream, waited on with epoll until readable and then read, makes the
 * successful side of rtasr_read certain.
 */
static void read_one_rtasr_event(void) {
    static uint8_t events[64];
    static uint8_t text[4096];
    uint32_t len;
    int32_t fd = sp_rtasr_create();
    int32_t ep = sp_epoll_create();
    CALLS += 2;
    if (fd < 0 || ep < 0) {
        return;
    }
    sp_rtasr_connect(fd);
    sp_epoll_ctl(ep, SPEAR_EPOLL_CTL_ADD, fd, SPEAR_EPOLLIN);
    len = sizeof events;
    sp_epoll_wait(ep, (int32_t)(uintptr_t)events, (int32_t)(uintptr_t)&len, 10000);
    len = sizeof text;
    sp_rtasr_read(fd, (int32_t)(uintptr_t)text, (int32_t)(uintptr_t)&len);
    sp_rtasr_close(fd);
    sp_epoll_close(ep);
    CALLS += 6;
}

int main(int argc, char **argv) {
    uint64_t seed = argc > 1 ? strtoull(argv[1], NULL, 10) : 1;
    uint32_t total = argc > 2 ? (uint32_t)strtoul(argv[2], NULL, 10) : 100000;
    STATE = seed * 0x9E3779B97F4A7C15ull + 1;
    int32_t old_pages = (int32_t)__builtin_wasm_memory_grow(0, 1);
    if (old_pages < 0) {
        printf("memory.grow failed\n");
        return 1;
    }
    LAST_PAGE = (uint32_t)old_pages * 65536u;
    for (int i = 0; i < POOL; i++) {
        FDS[i] = 1000 + i;
    }
    for (int k = 0; k < K_COUNT; k++) {
        for (int i = 0; i < KIND_POOL; i++) {
            KINDS[k][i] = 1000 + k * KIND_POOL + i;
        }
    }
    while (CALLS < total) {
        one_call();
    }
    read_one_rtasr_event();
    if (__builtin_wasm_memory_size(0) * 65536u != LAST_PAGE + 65536u) {
        printf("the memory grew during the run: the last page was not this guest's alone\n");
        return 1;
    }
    printf("seed=%llu calls>=%u tool_runs=%u\n", (unsigned long long)seed, total, TOOL_RUNS);
    return 0;
}
