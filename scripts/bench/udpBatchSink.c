// udpBatchSink: the benchmarks' UDP sink. Receives and drops the viewers' RTP without waking per packet:
// it sleeps and drains its socket in batches (recvmmsg, non-blocking) every 5 ms. A reader blocked on its
// socket is woken by each packet, and on loopback that wake-up is paid by the sender (~3 µs here), which
// would inflate the forwarding cost the benchmarks measure. A large receive buffer holds what arrives
// between two drains.
//
// Prints "port <n>" once bound on 127.0.0.1; each line read on stdin (an id) is answered with
// "<id> <packets received so far>"; exits at EOF on stdin.
#define _GNU_SOURCE
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define BATCH 256

int main(void) {
  int fd = socket(AF_INET, SOCK_DGRAM, 0);
  int size = 64 * 1024 * 1024;
  // Beyond net.core.rmem_max needs CAP_NET_ADMIN; without it the kernel's cap applies.
  if (setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &size, sizeof size) != 0) setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &size, sizeof size);
  struct sockaddr_in addr = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK), .sin_port = 0};
  socklen_t len = sizeof addr;
  if (bind(fd, (struct sockaddr *)&addr, sizeof addr) != 0 || getsockname(fd, (struct sockaddr *)&addr, &len) != 0) return 1;
  printf("port %d\n", ntohs(addr.sin_port));
  fflush(stdout);

  static char buffers[BATCH][1600];
  struct iovec iov[BATCH];
  struct mmsghdr msgs[BATCH];
  for (int i = 0; i < BATCH; i++) {
    iov[i].iov_base = buffers[i];
    iov[i].iov_len = sizeof buffers[i];
    memset(&msgs[i], 0, sizeof msgs[i]);
    msgs[i].msg_hdr.msg_iov = &iov[i];
    msgs[i].msg_hdr.msg_iovlen = 1;
  }
  unsigned long long packets = 0;
  char line[256];
  size_t used = 0;
  const struct timespec pause = {0, 5 * 1000 * 1000};
  for (;;) {
    int got;
    while ((got = recvmmsg(fd, msgs, BATCH, MSG_DONTWAIT, NULL)) > 0) packets += (unsigned long long)got;
    struct pollfd in = {.fd = 0, .events = POLLIN};
    while (poll(&in, 1, 0) > 0) {
      ssize_t n = read(0, line + used, sizeof line - 1 - used);
      if (n <= 0) return 0;
      used += (size_t)n;
      char *newline;
      while ((newline = memchr(line, '\n', used)) != NULL) {
        *newline = '\0';
        printf("%s %llu\n", line, packets);
        fflush(stdout);
        size_t rest = used - (size_t)(newline + 1 - line);
        memmove(line, newline + 1, rest);
        used = rest;
      }
      if (used == sizeof line - 1) used = 0;
    }
    nanosleep(&pause, NULL);
  }
}
