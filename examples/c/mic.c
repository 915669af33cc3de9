#include <spear.h>

// Microphone sample: a `stub` source (a looped PCM16 pattern, one 20 ms frame at 16 kHz =
// 640 bytes every 20 ms), read frame by frame as epoll reports EPOLLIN. Reads never wait:
// with no frame queued, mic_read is -EAGAIN.

int main(void) {
    int32_t mic = sp_mic_create();
    if (mic < 0) {
        sp_errorf("mic_create failed: %d", mic);
        return 1;
    }

    // Flat JSON, as SPEAR reads it. "AQACAA==" is the samples 1, 2 (16-bit little-endian).
    const char *params = "{\"source\":\"stub\",\"sample_rate_hz\":16000,\"channels\":1,"
                         "\"format\":\"pcm16\",\"frame_ms\":20,\"stub_pcm16_base64\":\"AQACAA==\"}";
    int32_t rc = sp_mic_set_param_json(mic, params, (uint32_t)strlen(params));
    if (rc != 0) {
        sp_errorf("mic SET_PARAM failed: %d", rc);
        return 1;
    }

    int32_t ep = sp_epoll_create();
    sp_epoll_ctl(ep, SPEAR_EPOLL_CTL_ADD, mic, SPEAR_EPOLLIN | SPEAR_EPOLLERR | SPEAR_EPOLLHUP);

    uint32_t total = 0;
    for (int frames = 0; frames < 5;) {
        sp_epoll_event_t ev[4];
        uint32_t ev_len = sizeof ev;
        int32_t n = sp_epoll_wait(ep, (int32_t)(uintptr_t)ev, (int32_t)(uintptr_t)&ev_len, 1000);
        if (n <= 0) {
            sp_errorf("epoll_wait: %d", n);
            break;
        }
        uint32_t len = 0;
        uint8_t *audio = sp_mic_read_alloc(mic, &len);
        if (audio) {
            total += len;
            frames++;
            free(audio);
        }
    }
    sp_infof("mic: read %u bytes", total);

    uint32_t status_len = 0;
    uint8_t *status = sp_mic_get_status_alloc(mic, &status_len);
    if (status) {
        sp_infof("mic status: %s", (const char *)status);
        free(status);
    }
    sp_epoll_close(ep);
    sp_mic_close(mic);
    return 0;
}
