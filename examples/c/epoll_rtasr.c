#include <spear.h>

// Realtime ASR over epoll: write audio while the stream is writable, flush, and read event
// frames as they arrive, until the transcript completes or nothing happens for two seconds.
// With the stub transport, an event arrives every 100 ms and every 20th is the completed one.

enum { AUDIO_BYTES = 32000, CHUNK_BYTES = 3200, MAX_EVENTS = 8 };

static uint8_t AUDIO[AUDIO_BYTES]; // 1 s of 16 kHz pcm16 silence

int main(void) {
    int32_t epfd = sp_ep_create();
    int32_t asr = sp_rtasr_create();
    if (epfd < 0 || asr < 0) {
        printf("create failed: epfd=%d asr=%d\n", epfd, asr);
        return 1;
    }

    const char *autoflush = "{\"strategy\":\"manual\"}"; // commits only on FLUSH
    sp_rtasr_set_param_string(asr, "transport", "stub");
    sp_rtasr_set_param_u32(asr, "sample_rate", 16000);
    sp_rtasr_set_autoflush_json(asr, autoflush, (uint32_t)strlen(autoflush));

    // Reads and writes never wait (a full send queue, or no event yet, is -EAGAIN); the flag
    // says so explicitly.
    const char *nonblock = "{\"set\":[\"O_NONBLOCK\"],\"clear\":[]}";
    sp_fd_set_flags_json(asr, nonblock, (uint32_t)strlen(nonblock));

    int32_t rc = sp_rtasr_connect(asr);
    if (rc != 0) {
        printf("rtasr connect failed: %d\n", rc);
        return 1;
    }
    rc = sp_ep_ctl(epfd, SPEAR_EP_CTL_ADD, asr, SPEAR_EPOLLIN | SPEAR_EPOLLOUT | SPEAR_EPOLLERR | SPEAR_EPOLLHUP);
    if (rc != 0) {
        printf("ep_ctl failed: %d\n", rc);
        return 1;
    }

    uint32_t sent = 0;
    int done = 0;
    while (!done) {
        sp_epoll_event_t events[MAX_EVENTS];
        uint32_t len = (uint32_t)sizeof events;
        int32_t n = sp_ep_wait(epfd, (int32_t)(uintptr_t)events, (int32_t)(uintptr_t)&len, 2000);
        if (n <= 0) {
            printf("ep_wait: %d\n", n);
            break;
        }
        for (int32_t i = 0; i < n; i++) {
            uint32_t ev = events[i].events;
            if (ev & (SPEAR_EPOLLERR | SPEAR_EPOLLHUP)) {
                done = 1;
                break;
            }
            if ((ev & SPEAR_EPOLLOUT) && sent < AUDIO_BYTES) {
                int32_t w = sp_rtasr_write(asr, (int32_t)(uintptr_t)(AUDIO + sent), CHUNK_BYTES);
                if (w > 0) {
                    sent += (uint32_t)w;
                }
                if (sent == AUDIO_BYTES) {
                    sp_rtasr_flush(asr);
                    // Only reads are of interest now.
                    sp_ep_ctl(epfd, SPEAR_EP_CTL_MOD, asr, SPEAR_EPOLLIN);
                }
            }
            if (ev & SPEAR_EPOLLIN) {
                uint32_t frame_len = 0;
                uint8_t *frame = sp_rtasr_read_alloc(asr, &frame_len);
                if (frame) {
                    printf("event (%u bytes): %s\n", frame_len, (const char *)frame);
                    done = strstr((const char *)frame, "transcription.completed") != NULL;
                    free(frame);
                }
            }
        }
    }

    uint32_t status_len = 0;
    uint8_t *status = sp_rtasr_get_status_alloc(asr, &status_len);
    if (status) {
        printf("status: %s\n", (const char *)status);
        free(status);
    }
    uint8_t *kind = sp_fd_get_kind_alloc(asr, NULL);
    if (kind) {
        printf("kind: %s\n", (const char *)kind);
        free(kind);
    }

    sp_ep_ctl(epfd, SPEAR_EP_CTL_DEL, asr, 0);
    sp_rtasr_close(asr);
    sp_ep_close(epfd);
    return done ? 0 : 1;
}
