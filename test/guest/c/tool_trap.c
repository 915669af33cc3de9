// A guest whose tool traps while the host's tool loop waits for it (inside cchat_recv).
// As SPEAR (runtime/wasm_hostcalls.rs call_wasm_tool_by_offset maps a failed call to
// -EIO): the tool call fails with `tool rc: -5`, the loop goes on, the guest reads the answer.
// Results go to stdout, not to the host log (SPEAR's header redirects stdio there by default).
#define SPEAR_DISABLE_STDIO_REDIRECT_TO_LOG
#include <spear.h>

static uint8_t TOOL_ARENA[4096];

int32_t broken_tool(int32_t args_ptr, int32_t args_len, int32_t out_ptr, int32_t out_len_ptr) {
    (void)args_ptr;
    (void)args_len;
    (void)out_ptr;
    (void)out_len_ptr;
    __builtin_trap();
}

int main(void) {
    int32_t fd = sp_cchat_create();
    sp_cchat_set_param_string(fd, "model", "m");
    sp_cchat_set_param_u32(fd, "tool_arena_ptr", (uint32_t)(uintptr_t)TOOL_ARENA);
    sp_cchat_set_param_u32(fd, "tool_arena_len", (uint32_t)sizeof TOOL_ARENA);
    sp_cchat_write_msg_str(fd, "user", "add 1 and 2");
    sp_cchat_write_fn_str(fd, (int32_t)(uintptr_t)broken_tool,
                          "{\"type\":\"function\",\"function\":{\"name\":\"broken\"}}");
    int32_t r = sp_cchat_send(fd, AUTO_TOOL_CALL);
    printf("send: %d\n", r);
    fflush(stdout);
    uint32_t len = 0;
    uint8_t *resp = sp_cchat_recv_alloc(r, &len);
    printf("response: %.*s\n", resp ? (int)len : 0, resp ? (const char *)resp : "");
    return resp ? 0 : 1;
}
