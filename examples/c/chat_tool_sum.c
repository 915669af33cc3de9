#include <spear.h>

// Tool calling sample: the guest registers `sum(a, b)` and lets the host run the
// model/tool loop (AUTO_TOOL_CALL). The host calls `sum` through the guest's function table
// with its JSON arguments placed in the tool arena, so link with -Wl,--export-table: wasm-ld
// does not export the table by default.

static uint8_t TOOL_ARENA[64 * 1024];

// The integer after "<key>": in `json` (a best-effort scan, not a JSON parser).
static int32_t json_int(const char *json, int32_t len, const char *key, int32_t fallback) {
    size_t key_len = strlen(key);
    for (int32_t i = 0; i + (int32_t)key_len + 2 < len; i++) {
        if (json[i] != '"' || memcmp(json + i + 1, key, key_len) != 0 || json[i + 1 + (int32_t)key_len] != '"') {
            continue;
        }
        int32_t j = i + 2 + (int32_t)key_len;
        while (j < len && (json[j] == ':' || json[j] == ' ')) {
            j++;
        }
        int32_t sign = 1;
        if (j < len && json[j] == '-') {
            sign = -1;
            j++;
        }
        int32_t value = 0;
        int any = 0;
        while (j < len && json[j] >= '0' && json[j] <= '9') {
            value = value * 10 + (json[j] - '0');
            any = 1;
            j++;
        }
        return any ? sign * value : fallback;
    }
    return fallback;
}

// The tool: follows the output-buffer rule (-ENOSPC with the needed length written back).
int32_t sum(int32_t args_ptr, int32_t args_len, int32_t out_ptr, int32_t out_len_ptr) {
    const char *args = (const char *)(uintptr_t)args_ptr;
    int32_t a = json_int(args, args_len, "a", 0);
    int32_t b = json_int(args, args_len, "b", 0);

    char result[64];
    int n = snprintf(result, sizeof result, "{\"sum\":%d}", a + b);
    if (n <= 0 || (size_t)n >= sizeof result) {
        return -SPEAR_EIO;
    }
    uint32_t *out_len = (uint32_t *)(uintptr_t)out_len_ptr;
    if (*out_len < (uint32_t)n) {
        *out_len = (uint32_t)n;
        return -SPEAR_ENOSPC;
    }
    memcpy((void *)(uintptr_t)out_ptr, result, (size_t)n);
    *out_len = (uint32_t)n;
    return 0;
}

int main(void) {
    int32_t fd = sp_cchat_create();
    if (fd < 0) {
        printf("cchat_create failed: %d\n", fd);
        return 1;
    }

    sp_cchat_set_param_u32(fd, "tool_arena_ptr", (uint32_t)(uintptr_t)TOOL_ARENA);
    sp_cchat_set_param_u32(fd, "tool_arena_len", (uint32_t)sizeof TOOL_ARENA);
    sp_cchat_set_param_u32(fd, "max_total_tool_calls", 4);
    sp_cchat_set_param_string(fd, "model", "stub-model");
    sp_cchat_write_msg_str(fd, "user", "What is 7 + 35? Use the sum tool.");

    const char *fn_json =
        "{\"type\":\"function\",\"function\":{\"name\":\"sum\",\"description\":\"Add two integers\","
        "\"parameters\":{\"type\":\"object\",\"properties\":{\"a\":{\"type\":\"integer\"},"
        "\"b\":{\"type\":\"integer\"}},\"required\":[\"a\",\"b\"]}}}";
    int32_t rc = sp_cchat_write_fn_str(fd, (int32_t)(uintptr_t)sum, fn_json);
    if (rc != 0) {
        printf("cchat_write_fn failed: %d\n", rc);
        sp_cchat_close(fd);
        return 1;
    }

    int32_t resp_fd = sp_cchat_send(fd, AUTO_TOOL_CALL);
    if (resp_fd < 0) {
        printf("cchat_send failed: %d\n", resp_fd);
        sp_cchat_close(fd);
        return 1;
    }
    uint32_t resp_len = 0;
    uint8_t *resp = sp_cchat_recv_alloc(resp_fd, &resp_len);
    if (resp) {
        printf("chat response (%u bytes): %s\n", resp_len, (const char *)resp);
        free(resp);
    }
    sp_cchat_close(resp_fd);
    sp_cchat_close(fd);
    return resp ? 0 : 1;
}
