/*
 * How the transfer engine's I/O choices measure on this machine, outside the engine:
 * 1 GiB in 4 MiB messages between two processes on loopback, from a 128 MiB ring to a
 * 128 MiB ring (both faulted in first), one message in flight per side.
 *
 *   loopback-io sys     send() / recv(MSG_WAITALL)
 *   loopback-io uring   the same through io_uring (IORING_OP_SEND / IORING_OP_RECV,
 *                       MSG_WAITALL), one submission and completion per message
 *
 * Prints one line: the mode, the receiver's system calls or submissions, GB/s. (The engine's
 * receive low-water mark is measured in the engine itself: HOSTWIRE_TRANSFER_RCVLOWAT=1
 * npm run bench:transfer turns it off.)
 * Build: cc -O2 -o loopback-io loopback-io.c -luring   (Debian: liburing-dev)
 * Run several times, interleaved: bench/io/compare.sh.
 */
#define _GNU_SOURCE
#include <liburing.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define RING_BYTES (128ul << 20)
#define TOTAL_BYTES (1ul << 30)
#define MSG_BYTES (4ul << 20)

static double now_s(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

static char *ring(int fill) {
  char *p = mmap(NULL, RING_BYTES, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (p == MAP_FAILED) {
    perror("mmap");
    exit(1);
  }
  memset(p, fill, RING_BYTES);
  return p;
}

/* Move TOTAL_BYTES through `buf` on `fd`, a message at a time; returns the calls made. */
static long move(int use_uring, struct io_uring *r, int fd, char *buf, int sending) {
  long calls = 0;
  size_t done = 0, off = 0;
  while (done < TOTAL_BYTES) {
    size_t left = MSG_BYTES;
    char *p = buf + off;
    while (left > 0) {
      ssize_t n;
      if (use_uring) {
        struct io_uring_sqe *sqe = io_uring_get_sqe(r);
        if (sending) io_uring_prep_send(sqe, fd, p, left, MSG_WAITALL);
        else io_uring_prep_recv(sqe, fd, p, left, MSG_WAITALL);
        io_uring_submit(r);
        struct io_uring_cqe *cqe;
        io_uring_wait_cqe(r, &cqe);
        n = cqe->res;
        io_uring_cqe_seen(r, cqe);
      } else {
        n = sending ? send(fd, p, left, 0) : recv(fd, p, left, MSG_WAITALL);
      }
      ++calls;
      if (n <= 0) {
        fprintf(stderr, "loopback-io: %s failed (%zd)\n", sending ? "send" : "recv", n);
        exit(1);
      }
      p += n;
      left -= (size_t)n;
    }
    done += MSG_BYTES;
    off = off + 2 * MSG_BYTES > RING_BYTES ? 0 : off + MSG_BYTES;
  }
  return calls;
}

int main(int argc, char **argv) {
  if (argc < 2 || (strcmp(argv[1], "sys") != 0 && strcmp(argv[1], "uring") != 0)) {
    fprintf(stderr, "usage: loopback-io sys|uring\n");
    return 2;
  }
  const int use_uring = strcmp(argv[1], "uring") == 0;
  int l = socket(AF_INET, SOCK_STREAM, 0);
  struct sockaddr_in a = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
  socklen_t len = sizeof a;
  if (bind(l, (struct sockaddr *)&a, sizeof a) != 0 || listen(l, 1) != 0 || getsockname(l, (struct sockaddr *)&a, &len) != 0) {
    perror("listen");
    return 1;
  }
  struct io_uring r;
  char go;
  const pid_t child = fork();
  if (child == 0) {
    int s = socket(AF_INET, SOCK_STREAM, 0);
    if (connect(s, (struct sockaddr *)&a, sizeof a) != 0) _exit(1);
    char *buf = ring(0x5a);
    if (use_uring && io_uring_queue_init(8, &r, 0) != 0) _exit(1);
    if (read(s, &go, 1) != 1) _exit(1);
    move(use_uring, &r, s, buf, 1);
    if (read(s, &go, 1) != 1) _exit(1);
    _exit(0);
  }
  int c = accept(l, NULL, NULL);
  char *buf = ring(0);
  if (use_uring && io_uring_queue_init(8, &r, 0) != 0) {
    fprintf(stderr, "loopback-io: io_uring_queue_init failed\n");
    return 1;
  }
  const double t0 = now_s();
  if (write(c, "g", 1) != 1) return 1;
  const long calls = move(use_uring, &r, c, buf, 0);
  const double t = now_s() - t0;
  if (write(c, "g", 1) != 1) return 1;
  waitpid(child, NULL, 0);
  printf("%s calls=%ld %.2f GB/s\n", argv[1], calls, (double)TOTAL_BYTES / t / 1e9);
  return 0;
}
