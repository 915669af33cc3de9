// Exercises the inline helpers against the scripted host of helpers.test.ts: each line of
// output is one observation the test compares exactly.
// Results go to stdout, not to the host log (SPEAR's header redirects stdio there by default).
#define SPEAR_DISABLE_STDIO_REDIRECT_TO_LOG
#include <spear.h>

static void show_alloc(const char *what, uint8_t *buf, uint32_t len) {
    if (!buf) {
        printf("%s: NULL\n", what);
        return;
    }
    printf("%s: len=%u nul=%d head=%.8s\n", what, len, buf[len] == 0, (const char *)buf);
    free(buf);
}

int main(void) {
    uint32_t len = 0;

    // The *_alloc pattern: one call, two calls, out of tries, an error.
    show_alloc("recv small", sp_cchat_recv_alloc(1001, &len), len);
    show_alloc("recv large", sp_cchat_recv_alloc(1002, &len), len);
    show_alloc("recv growing", sp_cchat_recv_alloc(1003, &len), len);
    show_alloc("recv error", sp_cchat_recv_alloc(1004, &len), len);
    show_alloc("fd kind", sp_fd_get_kind_alloc(1005, &len), len);
    uint8_t *records = sp_epoll_wait_alloc(1006, 0, &len);
    for (uint32_t i = 0; records && i < len / sizeof(sp_epoll_event_t); i++) {
        const sp_epoll_event_t *ev = (const sp_epoll_event_t *)records + i;
        printf("epoll record: fd=%d events=%u\n", ev->fd, ev->events);
    }
    free(records);

    // ctl helpers: JSON in, parameters, no argument.
    const char *json = "{\"set\":[\"O_NONBLOCK\"],\"clear\":[]}";
    printf("set flags: %d\n", sp_fd_set_flags_json(1005, json, (uint32_t)strlen(json)));
    printf("param string: %d\n", sp_cchat_set_param_string(1007, "model", "stub-model"));
    printf("param u32: %d\n", sp_rtasr_set_param_u32(1008, "sample_rate", 4294967295u));
    char key[600];
    memset(key, 'k', sizeof key - 1);
    key[sizeof key - 1] = 0;
    printf("param too long: %d\n", sp_cchat_set_param_string(1007, key, "v"));
    printf("param null: %d\n", sp_cchat_set_param_u32(1007, NULL, 1));
    printf("flush: %d\n", sp_rtasr_flush(1008));

    // _str helpers and the record helper.
    printf("write msg: %d\n", sp_cchat_write_msg_str(1007, "user", "two words"));
    sp_user_stream_ctl_event_t evt = {0, 0};
    int32_t rc = sp_user_stream_ctl_read_event(1009, &evt);
    printf("ctl event: rc=%d stream=%u kind=%u\n", rc, evt.stream_id, evt.kind);
    printf("ctl event null: %d\n", sp_user_stream_ctl_read_event(1009, NULL));

    // Log helpers: the cap, and a message longer than the stack buffer.
    static char big[20000];
    memset(big, 'x', sizeof big - 1);
    printf("log write: %d\n", sp_log_write(SP_LOG_INFO, big, sizeof big - 1));
    printf("log null: %d\n", sp_log_write(SP_LOG_INFO, NULL, 1));
    printf("warnf long: %d\n", sp_warnf("%s!", big + 18000));
    printf("fprintf stderr: %d\n", sp_fprintf(stderr, "e=%d", 5));
    printf("puts: %d\n", sp_puts_log("line"));

    // SSF: build, split, reject.
    uint8_t frame[SPEAR_SSF_V1_HEADER_LEN + 5];
    sp_ssf_v1_build_header(frame, 5, SPEAR_SSF_MSG_TYPE_DATA, 0, 9, 2, 3);
    memcpy(frame + SPEAR_SSF_V1_HEADER_LEN, "{}abc", 5);
    printf("ssf header: ");
    for (uint32_t i = 0; i < SPEAR_SSF_V1_HEADER_LEN; i++) {
        printf("%02x", frame[i]);
    }
    printf("\n");
    sp_ssf_v1_frame_view_t view;
    int ok = sp_ssf_v1_split(frame, sizeof frame, &view);
    printf("ssf split: ok=%d type=%u stream=%u seq=%llu meta=%.2s data=%.3s header_len=%u\n", ok, view.hdr.msg_type,
           view.hdr.stream_id, (unsigned long long)view.hdr.seq, (const char *)view.meta, (const char *)view.data,
           view.hdr.header_len);
    printf("ssf meta contains: %d %d\n", sp_ssf_meta_contains(view.meta, view.hdr.meta_len, "{}"),
           sp_ssf_meta_contains(view.meta, view.hdr.meta_len, "abc"));
    sp_ssf_v1_header_t hdr;
    printf("ssf short: %d\n", sp_ssf_v1_parse_header(frame, sizeof frame - 1, &hdr));
    frame[0] = 'X';
    printf("ssf bad magic: %d\n", sp_ssf_v1_parse_header(frame, sizeof frame, &hdr));
    return 0;
}
