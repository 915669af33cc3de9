// MCP chat params and tool calls, as SPEAR (host_api/cchat.rs cchat_ctl_set_param,
// cchat_send_with_tools; mcp/policy.rs).
//
//   mcp_chat policy                       one line per SET_PARAM check: "<what>: <rc>"
//   mcp_chat chat SERVERS [ALLOW [DENY]]  mcp.enabled true, mcp.server_ids SERVERS (JSON),
//                                         mcp.tool_allowlist ALLOW, mcp.tool_denylist DENY
//                                         ("-" to leave one unset), then one AUTO_TOOL_CALL
//                                         send: "enable: rc", "servers: rc", ..., "body: ..."
//   mcp_chat plain                        no MCP param: one AUTO_TOOL_CALL send, "body: ..."
// Results go to stdout, not to the host log (SPEAR's header redirects stdio there by default).
#define SPEAR_DISABLE_STDIO_REDIRECT_TO_LOG
#include <spear.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int32_t set_json(int32_t fd, const char *json) { return sp_cchat_set_param_json(fd, json, (uint32_t)strlen(json)); }

static int32_t set_kv(int32_t fd, const char *key, const char *value_json) {
    char buf[1024];
    int n = snprintf(buf, sizeof(buf), "{\"key\":\"%s\",\"value\":%s}", key, value_json);
    if (n <= 0 || (size_t)n >= sizeof(buf)) return -1000;
    return set_json(fd, buf);
}

static void policy(void) {
    int32_t fd = sp_cchat_create();
    printf("task key: %d\n", set_kv(fd, "mcp.task_tool_allowlist", "[\"*\"]"));
    printf("task key, any value: %d\n", set_kv(fd, "mcp.task_anything", "1"));
    printf("enabled not a bool: %d\n", set_kv(fd, "mcp.enabled", "\"true\""));
    printf("enabled false: %d\n", set_kv(fd, "mcp.enabled", "false"));
    printf("enabled true: %d\n", set_kv(fd, "mcp.enabled", "true"));
    printf("server_ids not an array: %d\n", set_kv(fd, "mcp.server_ids", "\"fs\""));
    printf("server_ids [fs]: %d\n", set_kv(fd, "mcp.server_ids", "[\"fs\"]"));
    printf("server_ids [other]: %d\n", set_kv(fd, "mcp.server_ids", "[\"other\"]"));
    printf("server_ids [unknown]: %d\n", set_kv(fd, "mcp.server_ids", "[\"unknown\"]"));
    printf("server_ids [\"\", 7]: %d\n", set_kv(fd, "mcp.server_ids", "[\"\",7]"));
    printf("server_ids []: %d\n", set_kv(fd, "mcp.server_ids", "[]"));
    printf("tool_allowlist not an array: %d\n", set_kv(fd, "mcp.tool_allowlist", "\"read_*\""));
    printf("tool_allowlist: %d\n", set_kv(fd, "mcp.tool_allowlist", "[\"read_*\",3]"));
    printf("tool_denylist not an array: %d\n", set_kv(fd, "mcp.tool_denylist", "{}"));
    printf("tool_denylist: %d\n", set_kv(fd, "mcp.tool_denylist", "[]"));
    printf("other mcp key: %d\n", set_kv(fd, "mcp.other", "1"));
    printf("never-opened fd, task key: %d\n", set_kv(4242, "mcp.task_x", "1"));
    int32_t ep = sp_epoll_create();
    printf("epoll fd, enabled not a bool: %d\n", set_kv(ep, "mcp.enabled", "1"));
    printf("epoll fd, task key: %d\n", set_kv(ep, "mcp.task_x", "1"));
    printf("epoll fd, tool_allowlist: %d\n", set_kv(ep, "mcp.tool_allowlist", "[]"));
    sp_cchat_close(fd);
    printf("closed session, task key: %d\n", set_kv(fd, "mcp.task_x", "1"));
    printf("closed session, enabled not a bool: %d\n", set_kv(fd, "mcp.enabled", "1"));
    printf("closed session, tool_allowlist: %d\n", set_kv(fd, "mcp.tool_allowlist", "[]"));
}

static void send_and_print(int32_t fd) {
    printf("write_msg: %d\n", sp_cchat_write_msg_str(fd, "user", "Read notes.txt with the file tool."));
    int32_t resp = sp_cchat_send(fd, AUTO_TOOL_CALL);
    if (resp < 0) {
        printf("send: %d\n", resp);
        return;
    }
    uint32_t len = 0;
    uint8_t *body = sp_cchat_recv_alloc(resp, &len);
    if (!body) {
        printf("recv failed\n");
        return;
    }
    printf("body: %.*s\n", (int)len, (const char *)body);
    free(body);
    sp_cchat_close(resp);
}

int main(int argc, char **argv) {
    if (argc >= 2 && strcmp(argv[1], "policy") == 0) {
        policy();
        return 0;
    }
    int32_t fd = sp_cchat_create();
    printf("model: %d\n", sp_cchat_set_param_string(fd, "model", "test-model"));
    if (argc >= 3 && strcmp(argv[1], "chat") == 0) {
        printf("enable: %d\n", set_kv(fd, "mcp.enabled", "true"));
        printf("servers: %d\n", set_kv(fd, "mcp.server_ids", argv[2]));
        if (argc >= 4 && strcmp(argv[3], "-") != 0) printf("allow: %d\n", set_kv(fd, "mcp.tool_allowlist", argv[3]));
        if (argc >= 5 && strcmp(argv[4], "-") != 0) printf("deny: %d\n", set_kv(fd, "mcp.tool_denylist", argv[4]));
        if (argc >= 6) printf("max_tool_output_bytes: %d\n", sp_cchat_set_param_u32(fd, "max_tool_output_bytes", (uint32_t)atoi(argv[5])));
    }
    send_and_print(fd);
    sp_cchat_close(fd);
    return 0;
}
