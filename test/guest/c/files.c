// The file system a host gives with preopens: "cat PATH..." prints each file (or the errno
// name of its failure), "write PATH TEXT" creates PATH holding TEXT. No hostcall, no spear.h.
#include <errno.h>
#include <stdio.h>
#include <string.h>

static const char *err_name(int e) {
    switch (e) {
    case ENOENT: return "ENOENT";
    case ENOTCAPABLE: return "ENOTCAPABLE";
    case EACCES: return "EACCES";
    case EPERM: return "EPERM";
    default: return "other";
    }
}

int main(int argc, char **argv) {
    if (argc >= 3 && strcmp(argv[1], "cat") == 0) {
        int failed = 0;
        for (int i = 2; i < argc; i++) {
            FILE *f = fopen(argv[i], "r");
            if (!f) {
                printf("%s: %s\n", argv[i], err_name(errno));
                failed = 1;
                continue;
            }
            char buf[256];
            size_t n;
            printf("%s: ", argv[i]);
            while ((n = fread(buf, 1, sizeof buf, f)) > 0) fwrite(buf, 1, n, stdout);
            printf("\n");
            fclose(f);
        }
        return failed;
    }
    if (argc == 4 && strcmp(argv[1], "write") == 0) {
        FILE *f = fopen(argv[2], "w");
        if (!f) {
            printf("%s: %s\n", argv[2], err_name(errno));
            return 1;
        }
        fputs(argv[3], f);
        return fclose(f) == 0 ? 0 : 1;
    }
    fprintf(stderr, "usage: files cat PATH... | files write PATH TEXT\n");
    return 2;
}
