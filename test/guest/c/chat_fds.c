// A chat with a tool that prints its fds: concurrent guests must each see their own fd table
// (fds from 1000) and their own tool results. argv[1], argv[2]: the two numbers to multiply.
// The tool keeps its product; the final answer is SPEAR's stub text after a tool.
// Results go to stdout, not to the host log (SPEAR's header redirects stdio there by default).
#define SPEAR_DISABLE_STDIO_REDIRECT_TO_LOG
#include <spear.h>

static uint8_t TOOL_ARENA[4096];
static long last_product = -1;

int32_t mul_tool(int32_t args_ptr, int32_t args_len, int32_t out_ptr, int32_t out_len_ptr) {
    char args[64];
    int n = args_len < 63 ? args_len : 63;
    memcpy(args, (const void *)(uintptr_t)args_ptr, (size_t)n);
    args[n] = 0;
    long a = 0, b = 0;
    const char *pa = strstr(args, "\"a\":");
    const char *pb = strstr(args, "\"b\":");
    if (pa) a = strtol(pa + 4, NULL, 10);
    if (pb) b = strtol(pb + 4, NULL, 10);
    char out[32];
    last_product = a * b;
    int len = snprintf(out, sizeof out, "%ld", a * b);
    uint32_t *cap = (uint32_t *)(uintptr_t)out_len_ptr;
    if (*cap < (uint32_t)len) {
        *cap = (uint32_t)len;
        return -SPEAR_ENOSPC;
    }
    memcpy((void *)(uintptr_t)out_ptr, out, (size_t)len);
    *cap = (uint32_t)len;
    return 0;
}

int main(int argc, char **argv) {
    if (argc < 3) return 2;
    int32_t fd = sp_cchat_create();
    sp_cchat_set_param_string(fd, "model", "m");
    sp_cchat_set_param_u32(fd, "tool_arena_ptr", (uint32_t)(uintptr_t)TOOL_ARENA);
    sp_cchat_set_param_u32(fd, "tool_arena_len", (uint32_t)sizeof TOOL_ARENA);
    char msg[64];
    snprintf(msg, sizeof msg, "multiply %s by %s", argv[1], argv[2]);
    sp_cchat_write_msg_str(fd, "user", msg);
    sp_cchat_write_fn_str(fd, (int32_t)(uintptr_t)mul_tool, "{\"type\":\"function\",\"function\":{\"name\":\"mul\"}}");
    int32_t r = sp_cchat_send(fd, AUTO_TOOL_CALL);
    uint32_t len = 0;
    char *resp = (char *)sp_cchat_recv_alloc(r, &len);
    int after_tool = resp != NULL && strstr(resp, "\"content\":\"stub chat completion after tool\"") != NULL;
    printf("session=%d response=%d answer=%ld%s\n", fd, r, last_product, after_tool ? "" : " (no final answer)");
    return 0;
}
