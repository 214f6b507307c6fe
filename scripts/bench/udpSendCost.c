/*
 * The physical floor for an SFU on this machine: the kernel's cost of sending one UDP datagram of the
 * given size on loopback. Sends N datagrams to a bound socket nobody reads (the kernel drops what
 * overflows its buffer, as it would for a slow receiver) and reports the CPU per send from getrusage.
 * Compiled and run by scripts/bench/fanout.ts; prints one JSON line.
 */
#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <time.h>

static double micros(struct timeval t) { return t.tv_sec * 1e6 + t.tv_usec; }

int main(int argc, char **argv) {
  int sends = argc > 1 ? atoi(argv[1]) : 200000;
  int size = argc > 2 ? atoi(argv[2]) : 1200;
  struct sockaddr_in addr = {0};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  int receiver = socket(AF_INET, SOCK_DGRAM, 0);
  socklen_t length = sizeof addr;
  if (receiver < 0 || bind(receiver, (struct sockaddr *)&addr, sizeof addr) != 0 || getsockname(receiver, (struct sockaddr *)&addr, &length) != 0) return 1;
  int sender = socket(AF_INET, SOCK_DGRAM, 0);
  char *payload = calloc(1, (size_t)size);
  struct rusage before, after;
  struct timespec start, end;
  getrusage(RUSAGE_SELF, &before);
  clock_gettime(CLOCK_MONOTONIC, &start);
  int failed = 0;
  for (int i = 0; i < sends; i++) {
    if (sendto(sender, payload, (size_t)size, 0, (struct sockaddr *)&addr, sizeof addr) < 0) failed++;
  }
  clock_gettime(CLOCK_MONOTONIC, &end);
  getrusage(RUSAGE_SELF, &after);
  double cpu = micros(after.ru_utime) - micros(before.ru_utime) + micros(after.ru_stime) - micros(before.ru_stime);
  double wall = (end.tv_sec - start.tv_sec) * 1e6 + (end.tv_nsec - start.tv_nsec) / 1e3;
  printf("{\"sends\":%d,\"bytes\":%d,\"failed\":%d,\"cpuUsPerSend\":%.3f,\"wallUsPerSend\":%.3f}\n", sends, size, failed, cpu / sends, wall / sends);
  return 0;
}
