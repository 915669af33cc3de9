#include <spear.h>

// Microphone sample. The mic hostcalls are declared for drop-in compatibility and return
// -ENOSYS on this host for now: the sample reports that and exits cleanly.

int main(void) {
    int32_t mic = sp_mic_create();
    if (mic == -SPEAR_ENOSYS) {
        sp_warnf("mic: not implemented by this host");
        return 0;
    }
    if (mic < 0) {
        sp_errorf("mic_create failed: %d", mic);
        return 1;
    }

    const char *params = "{\"key\":\"sample_rate\",\"value\":16000}";
    sp_mic_set_param_json(mic, params, (uint32_t)strlen(params));

    uint32_t status_len = 0;
    uint8_t *status = sp_mic_get_status_alloc(mic, &status_len);
    if (status) {
        sp_infof("mic status (%u bytes): %s", status_len, (const char *)status);
        free(status);
    }

    uint32_t total = 0;
    for (int i = 0; i < 10; i++) {
        uint32_t len = 0;
        uint8_t *audio = sp_mic_read_alloc(mic, &len);
        if (!audio) {
            break;
        }
        total += len;
        free(audio);
    }
    sp_infof("mic: read %u bytes", total);
    sp_mic_close(mic);
    return 0;
}
