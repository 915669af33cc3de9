#include <spear.h>

// Chat completion sample: one session, two messages, one response.

int main(void) {
    int32_t fd = sp_cchat_create();
    if (fd < 0) {
        printf("cchat_create failed: %d\n", fd);
        return 1;
    }

    int32_t rc = sp_cchat_set_param_string(fd, "model", "stub-model");
    if (rc == 0) {
        rc = sp_cchat_set_param_u32(fd, "max_tokens", 128);
    }
    if (rc == 0) {
        rc = sp_cchat_write_msg_str(fd, "system", "You are terse.");
    }
    if (rc == 0) {
        rc = sp_cchat_write_msg_str(fd, "user", "Say hello.");
    }
    if (rc != 0) {
        printf("session setup failed: %d\n", rc);
        sp_cchat_close(fd);
        return 1;
    }

    int32_t resp_fd = sp_cchat_send(fd, 0);
    if (resp_fd < 0) {
        printf("cchat_send failed: %d\n", resp_fd);
        sp_cchat_close(fd);
        return 1;
    }

    // The response is read whole: sp_cchat_recv_alloc grows its buffer on -ENOSPC.
    uint32_t resp_len = 0;
    uint8_t *resp = sp_cchat_recv_alloc(resp_fd, &resp_len);
    if (!resp) {
        printf("cchat_recv_alloc failed\n");
        sp_cchat_close(resp_fd);
        sp_cchat_close(fd);
        return 1;
    }
    printf("response (%u bytes): %.60s\n", resp_len, (const char *)resp);
    free(resp);

    sp_cchat_close(resp_fd);
    sp_cchat_close(fd);
    return 0;
}
