// WASI stdio, args, environment and exit code, with no hostcall (and no spear.h: a guest
// without the hostwire.abi section is taken as built against SPEAR's own header).
#include <stdio.h>
#include <stdlib.h>

int main(int argc, char **argv) {
    if (argc > 1 && argv[1][0] == 'c') {  // "cat": stdin to stdout
        char line[256];
        while (fgets(line, sizeof line, stdin)) {
            printf("stdin: %s", line);
        }
        printf("end of stdin\n");
        return 0;
    }
    printf("argc=%d\n", argc);
    for (int i = 0; i < argc; i++) {
        printf("argv[%d]=%s\n", i, argv[i]);
    }
    const char *greeting = getenv("GREETING");
    const char *home = getenv("HOME");
    printf("GREETING=%s\n", greeting ? greeting : "(unset)");
    printf("HOME=%s\n", home ? home : "(unset)");
    fprintf(stderr, "to stderr\n");
    fflush(stdout);
    // "exit N" leaves through proc_exit, "return N" through main's return.
    if (argc > 2) {
        int code = atoi(argv[2]);
        if (argv[1][0] == 'e') {
            exit(code);
        }
        return code;
    }
    return 0;
}
