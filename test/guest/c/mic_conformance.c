// Conformance of mic fds with SPEAR's own tests and source, one printed line per check.
// Each section names where the behaviour comes from in lfedgeai/SPEAR:
//   host_api/tests.rs          (test_mic_read_epollin_and_close_hup,
//                               test_mic_stub_pcm16_base64_loops)
//   host_api/mic/mod.rs        (mic_ctl SET_PARAM and GET_STATUS, mic_read)
//   host_api/mic/source_stub.rs, mic/readiness.rs, mic/source_device.rs (without mic-device)
//   runtime/wasm_hostcalls.rs  (mic_ctl and mic_read: payload length 0, output too small)
// Results go to stdout, not to the host log (SPEAR's header redirects stdio there by default).
#define SPEAR_DISABLE_STDIO_REDIRECT_TO_LOG
#include <spear.h>

static uint8_t BUF[8192];
static uint32_t LEN;

#define P(label, value) printf("%s: %d\n", label, (int)(value))

static int32_t buf_ptr(void) { return (int32_t)(uintptr_t)BUF; }
static int32_t len_ptr(uint32_t capacity) {
    LEN = capacity;
    return (int32_t)(uintptr_t)&LEN;
}

static int32_t set_param(int32_t fd, const char *json) {
    memcpy(BUF, json, strlen(json));
    return sp_mic_ctl(fd, SPEAR_MIC_CTL_SET_PARAM, buf_ptr(), len_ptr((uint32_t)strlen(json)));
}

static void status_print(const char *label, int32_t fd) {
    int32_t rc = sp_mic_ctl(fd, SPEAR_MIC_CTL_GET_STATUS, buf_ptr(), len_ptr(sizeof BUF));
    if (rc >= 0) {
        printf("%s: %d %.*s\n", label, rc, (int)LEN, (const char *)BUF);
    } else {
        printf("%s: %d\n", label, rc);
    }
}

// One epoll_wait, printing "<label>: n [events=0xE]..." with the events of `shown` only
static void wait_print_only(const char *label, int32_t ep, int32_t timeout, uint32_t shown) {
    sp_epoll_event_t ev[8];
    uint32_t len = sizeof ev;
    int32_t n = sp_epoll_wait(ep, (int32_t)(uintptr_t)ev, (int32_t)(uintptr_t)&len, timeout);
    printf("%s: %d", label, n);
    for (int32_t i = 0; i < n; i++) printf(" events=0x%x", ev[i].events & shown);
    printf("\n");
}

static void wait_print(const char *label, int32_t ep, int32_t timeout) { wait_print_only(label, ep, timeout, 0xffffffffu); }

static void read_print(const char *label, int32_t fd, uint32_t capacity) {
    memset(BUF, 0xee, sizeof BUF);
    int32_t rc = sp_mic_read(fd, buf_ptr(), len_ptr(capacity));
    printf("%s: %d len=%u", label, rc, LEN);
    if (rc > 0) {
        printf(" bytes=");
        for (int32_t i = 0; i < rc && i < 24; i++) printf("%02x", BUF[i]);
    }
    printf("\n");
}

int main(void) {
    puts("== host_api/tests.rs test_mic_read_epollin_and_close_hup");
    int32_t ep = sp_epoll_create();
    int32_t mic = sp_mic_create();
    P("mic_create is an fd", mic >= SPEAR_FD_FIRST);
    P("ADD IN|HUP|ERR", sp_epoll_ctl(ep, SPEAR_EPOLL_CTL_ADD, mic, SPEAR_EPOLLIN | SPEAR_EPOLLHUP | SPEAR_EPOLLERR));
    P("SET_PARAM stub", set_param(mic, "{\"sample_rate_hz\":24000,\"channels\":1,\"format\":\"pcm16\",\"frame_ms\":20,\"source\":\"stub\"}"));
    wait_print("EPOLLIN", ep, -1);
    read_print("read a frame (24000 Hz * 20 ms * 2 bytes, silence)", mic, 4096);
    P("mic_close", sp_mic_close(mic));
    wait_print_only("EPOLLHUP (a frame may have come too)", ep, 0, SPEAR_EPOLLHUP);
    P("mic_close again", sp_mic_close(mic));
    read_print("read after close", mic, 4096);
    status_print("GET_STATUS after close", mic);
    P("SET_PARAM after close, malformed", set_param(mic, "{"));
    P("SET_PARAM after close", set_param(mic, "{}"));
    sp_epoll_close(ep);

    puts("== host_api/tests.rs test_mic_stub_pcm16_base64_loops");
    ep = sp_epoll_create();
    mic = sp_mic_create();
    P("ADD IN", sp_epoll_ctl(ep, SPEAR_EPOLL_CTL_ADD, mic, SPEAR_EPOLLIN));
    // pattern 01 00 02 00 03 00 04 00; 1000 Hz * 10 ms = 10 samples = 20 bytes a frame
    P("SET_PARAM", set_param(mic, "{\"sample_rate_hz\":1000,\"channels\":1,\"format\":\"pcm16\",\"frame_ms\":10,\"source\":\"stub\",\"stub_pcm16_base64\":\"AQACAAMABAA=\"}"));
    wait_print("EPOLLIN", ep, -1);
    read_print("frame 1 (from offset 0)", mic, 64);
    wait_print("EPOLLIN", ep, -1);
    read_print("frame 2 (from offset 4)", mic, 64);
    P("mic_close", sp_mic_close(mic));
    sp_epoll_close(ep);

    puts("== mic/mod.rs mic_create and GET_STATUS");
    mic = sp_mic_create();
    status_print("GET_STATUS of a new fd", mic);
    read_print("read with nothing queued", mic, 64);
    P("GET_STATUS, 8 bytes of room", sp_mic_ctl(mic, SPEAR_MIC_CTL_GET_STATUS, buf_ptr(), len_ptr(8)));
    P("needed length", LEN);
    P("GET_STATUS, no room", sp_mic_ctl(mic, SPEAR_MIC_CTL_GET_STATUS, buf_ptr(), len_ptr(0)));
    P("needed length", LEN);

    puts("== mic/mod.rs SET_PARAM: defaults, casts, kept fields, errors");
    P("SET_PARAM with no payload (wasm_hostcalls.rs: length 0)", sp_mic_ctl(mic, SPEAR_MIC_CTL_SET_PARAM, buf_ptr(), len_ptr(0)));
    P("SET_PARAM malformed", set_param(mic, "{\"source\":"));
    P("unknown command", sp_mic_ctl(mic, 3, buf_ptr(), len_ptr(0)));
    P("unknown fd", set_param(123456, "{}"));
    P("SET_PARAM float frame_ms (default), rate and channels cut to u32 and u8", set_param(mic, "{\"source\":\"stub\",\"frame_ms\":30.0,\"sample_rate_hz\":4294967301,\"channels\":257,\"format\":\"s16\",\"max_queue_bytes\":64}"));
    status_print("GET_STATUS", mic);
    P("SET_PARAM without max_queue_bytes", set_param(mic, "{\"source\":\"stub\",\"frame_ms\":100000000}"));
    status_print("GET_STATUS (max_queue_bytes kept)", mic);
    P("SET_PARAM bad base64", set_param(mic, "{\"source\":\"stub\",\"stub_pcm16_base64\":\"AQI\"}"));
    status_print("GET_STATUS (reset, left stopped)", mic);
    int32_t other = sp_rtasr_create();
    P("SET_PARAM on an rtasr fd", set_param(other, "{}"));
    P("SET_PARAM on an rtasr fd, malformed", set_param(other, "{"));
    P("GET_STATUS on an rtasr fd", sp_mic_ctl(other, SPEAR_MIC_CTL_GET_STATUS, buf_ptr(), len_ptr(sizeof BUF)));
    P("unknown command on an rtasr fd", sp_mic_ctl(other, 7, buf_ptr(), len_ptr(0)));
    read_print("read on an rtasr fd", other, 64);
    sp_rtasr_close(other);

    puts("== mic/source_stub.rs and mic/mod.rs mic_read: one frame per read, room too small");
    ep = sp_epoll_create();
    sp_epoll_ctl(ep, SPEAR_EPOLL_CTL_ADD, mic, SPEAR_EPOLLIN);
    P("SET_PARAM 8000 Hz, 2 channels, 5 ms", set_param(mic, "{\"source\":\"stub\",\"sample_rate_hz\":8000,\"channels\":2,\"frame_ms\":5,\"max_queue_bytes\":524288,\"stub_pcm16_base64\":\"\"}"));
    wait_print("EPOLLIN", ep, -1);
    read_print("read with 10 bytes of room (frame left queued)", mic, 10);
    read_print("read with room (80 samples * 2 channels * 2 bytes)", mic, 4096);
    sp_epoll_close(ep);

    puts("== mic/source_device.rs without mic-device: source \"device\"");
    ep = sp_epoll_create();
    sp_epoll_ctl(ep, SPEAR_EPOLL_CTL_ADD, mic, SPEAR_EPOLLIN | SPEAR_EPOLLERR);
    P("device, fallback.to_stub false", set_param(mic, "{\"sample_rate_hz\":24000,\"channels\":1,\"format\":\"pcm16\",\"frame_ms\":20,\"source\":\"device\",\"fallback\":{\"to_stub\":false}}"));
    status_print("GET_STATUS", mic);
    wait_print("EPOLLERR", ep, 0);
    read_print("read", mic, 4096);
    P("device, fallback by default", set_param(mic, "{\"sample_rate_hz\":1000,\"frame_ms\":10,\"source\":\"device\"}"));
    wait_print("EPOLLIN (the stub)", ep, -1);
    read_print("read", mic, 4096);
    P("mic_close", sp_mic_close(mic));
    sp_epoll_close(ep);

    puts("== hostcall/fd_table.rs fd_ctl on a mic fd");
    mic = sp_mic_create();
    P("GET_KIND", sp_fd_ctl(mic, SPEAR_FD_CTL_GET_KIND, buf_ptr(), len_ptr(sizeof BUF)));
    printf("kind: %.*s\n", (int)LEN, (const char *)BUF);
    P("GET_METRICS", sp_fd_ctl(mic, SPEAR_FD_CTL_GET_METRICS, buf_ptr(), len_ptr(sizeof BUF)));
    printf("metrics: %.*s\n", (int)LEN, (const char *)BUF);
    sp_mic_close(mic);
    P("GET_STATUS after close", sp_fd_ctl(mic, SPEAR_FD_CTL_GET_STATUS, buf_ptr(), len_ptr(sizeof BUF)));
    printf("status: %.*s\n", (int)LEN, (const char *)BUF);
    return 0;
}
