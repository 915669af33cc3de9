#include <spear.h>

// Hello sample: plain stdio next to the host log helpers.
//
// Built as is, printf/puts/fprintf write to WASI stdout/stderr. Built with
// -DSPEAR_REDIRECT_STDIO_TO_LOG they go to the host log instead (printf and puts at INFO,
// fprintf(stderr, ...) at ERROR).

int main(void) {
    printf("hello from a hostwire guest\n");

    sp_infof("sp_infof: %d + %d = %d", 2, 3, 2 + 3);
    sp_log_str(SP_LOG_WARN, "sp_log_str at WARN");
    sp_logf(SP_LOG_DEBUG, "sp_logf at DEBUG, monotonic clock %lld ms", (long long)sp_time_now_ms());
    sp_errorf("sp_errorf: %s", "something failed");

    puts("puts line");
    fprintf(stderr, "fprintf to stderr\n");
    return 0;
}
