// The log hostcall: every level, the values outside the enum, a bad range, a trailing newline,
// a message over LOG_MAX_BYTES; each result is printed on stdout.
// Results go to stdout, not to the host log (SPEAR's header redirects stdio there by default).
#define SPEAR_DISABLE_STDIO_REDIRECT_TO_LOG
#include <spear.h>

static char LONG_MSG[SPEAR_LOG_MAX_BYTES + 100];

static int32_t log_raw(int32_t level, const char *msg, uint32_t len) {
    return sp_log(level, (int32_t)(uintptr_t)msg, (int32_t)len);
}

int main(void) {
    static const char *const names[] = {"TRACE", "DEBUG", "INFO", "WARN", "ERROR"};
    for (int32_t level = 0; level <= 4; level++) {
        char msg[64];
        int n = snprintf(msg, sizeof msg, "a %s line", names[level]);
        printf("log(%d) = %d\n", level, log_raw(level, msg, (uint32_t)n));
    }
    printf("log(5) = %d\n", log_raw(5, "five", 4));
    printf("log(-1) = %d\n", log_raw(-1, "minus one", 9));
    printf("log(bad range) = %d\n", sp_log(SP_LOG_INFO, -16, 64));
    printf("log(newline) = %d\n", log_raw(SP_LOG_INFO, "ends with a newline\n", 20));
    printf("log(empty) = %d\n", log_raw(SP_LOG_WARN, "", 0));
    memset(LONG_MSG, 'x', sizeof LONG_MSG);
    printf("log(long) = %d\n", log_raw(SP_LOG_DEBUG, LONG_MSG, (uint32_t)sizeof LONG_MSG));
    sp_infof("formatted %d-%s", 42, "ok");
    return 0;
}
