// rtpArrivals: RTP sinks on loopback that stamp each packet with the kernel's receive time
// (SO_TIMESTAMPNS), so the time a packet reached a socket does not depend on when this process was
// scheduled. Built and driven by pipeDelay.ts (the cluster benchmark).
//
// usage: rtpArrivals <sockets> <skip>
//   Binds <sockets> UDP sockets on 127.0.0.1 (free ports) and prints "ports <p1> <p2> …".
//   stdin "start": record from now on; "stop": print one line per RTP packet recorded since, then "end".
//   EOF on stdin: exit.
// A record: "<socket> <ssrc> <payload type> <sec> <nsec> <payload length> <hash>", hash being FNV-1a
// (64 bits, hex) of the RTP payload without its first <skip> bytes (the VP8 payload descriptor, whose
// picture id a consumer may rewrite). RTCP is ignored.
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define MAX_SOCKETS 8
#define MAX_RECORDS 400000

struct record {
  uint8_t socket;
  uint8_t payloadType;
  uint32_t ssrc;
  int64_t sec;
  int64_t nsec;
  uint32_t length;
  uint64_t hash;
};

static struct record records[MAX_RECORDS];
static size_t count = 0;

static uint64_t fnv1a(const uint8_t *data, size_t length) {
  uint64_t hash = 0xcbf29ce484222325ULL;
  for (size_t i = 0; i < length; i++) {
    hash ^= data[i];
    hash *= 0x100000001b3ULL;
  }
  return hash;
}

/** Payload bounds of an RTP packet; 0 when it is not RTP (or is RTCP). */
static int payloadOf(const uint8_t *packet, size_t length, size_t *start, size_t *end) {
  if (length < 12 || (packet[0] >> 6) != 2) return 0;
  uint8_t type = packet[1];
  if (type >= 192 && type <= 223) return 0;
  size_t header = 12 + 4 * (size_t)(packet[0] & 0x0f);
  if (packet[0] & 0x10) {
    if (length < header + 4) return 0;
    header += 4 + 4 * (size_t)((packet[header + 2] << 8) | packet[header + 3]);
  }
  size_t padding = (packet[0] & 0x20) ? packet[length - 1] : 0;
  if (header + padding > length) return 0;
  *start = header;
  *end = length - padding;
  return 1;
}

int main(int argc, char **argv) {
  if (argc < 3) {
    fprintf(stderr, "usage: rtpArrivals <sockets> <skip>\n");
    return 2;
  }
  int sockets = atoi(argv[1]);
  size_t skip = (size_t)atoi(argv[2]);
  if (sockets < 1 || sockets > MAX_SOCKETS) {
    fprintf(stderr, "rtpArrivals: 1 to %d sockets\n", MAX_SOCKETS);
    return 2;
  }
  struct pollfd fds[MAX_SOCKETS + 1];
  printf("ports");
  for (int i = 0; i < sockets; i++) {
    int fd = socket(AF_INET, SOCK_DGRAM, 0);
    int on = 1;
    int buffer = 8 * 1024 * 1024;
    setsockopt(fd, SOL_SOCKET, SO_TIMESTAMPNS, &on, sizeof on);
    setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &buffer, sizeof buffer);
    struct sockaddr_in address = {0};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (bind(fd, (struct sockaddr *)&address, sizeof address) != 0) {
      perror("bind");
      return 1;
    }
    socklen_t size = sizeof address;
    getsockname(fd, (struct sockaddr *)&address, &size);
    printf(" %d", ntohs(address.sin_port));
    fds[i].fd = fd;
    fds[i].events = POLLIN;
  }
  printf("\n");
  fflush(stdout);
  fds[sockets].fd = STDIN_FILENO;
  fds[sockets].events = POLLIN;

  int recording = 0;
  uint8_t packet[2048];
  char control[256];
  char command[64];
  size_t commandLength = 0;
  for (;;) {
    if (poll(fds, (nfds_t)sockets + 1, -1) < 0) continue;
    for (int i = 0; i < sockets; i++) {
      if (!(fds[i].revents & POLLIN)) continue;
      struct iovec iov = {packet, sizeof packet};
      struct msghdr message = {0};
      message.msg_iov = &iov;
      message.msg_iovlen = 1;
      message.msg_control = control;
      message.msg_controllen = sizeof control;
      ssize_t length = recvmsg(fds[i].fd, &message, 0);
      if (length <= 0 || !recording || count >= MAX_RECORDS) continue;
      struct timespec at = {0, 0};
      for (struct cmsghdr *c = CMSG_FIRSTHDR(&message); c; c = CMSG_NXTHDR(&message, c)) {
        if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_TIMESTAMPNS) memcpy(&at, CMSG_DATA(c), sizeof at);
      }
      if (at.tv_sec == 0) clock_gettime(CLOCK_REALTIME, &at);
      size_t start;
      size_t end;
      if (!payloadOf(packet, (size_t)length, &start, &end)) continue;
      size_t from = end - start > skip ? start + skip : end;
      struct record *r = &records[count++];
      r->socket = (uint8_t)i;
      r->payloadType = packet[1] & 0x7f;
      r->ssrc = ((uint32_t)packet[8] << 24) | ((uint32_t)packet[9] << 16) | ((uint32_t)packet[10] << 8) | packet[11];
      r->sec = at.tv_sec;
      r->nsec = at.tv_nsec;
      r->length = (uint32_t)(end - start);
      r->hash = fnv1a(packet + from, end - from);
    }
    if (fds[sockets].revents & (POLLIN | POLLHUP)) {
      char byte;
      ssize_t got = read(STDIN_FILENO, &byte, 1);
      if (got <= 0) return 0;
      if (byte != '\n') {
        if (commandLength < sizeof command - 1) command[commandLength++] = byte;
        continue;
      }
      command[commandLength] = '\0';
      commandLength = 0;
      if (strcmp(command, "start") == 0) {
        count = 0;
        recording = 1;
      } else if (strcmp(command, "stop") == 0) {
        recording = 0;
        for (size_t k = 0; k < count; k++) {
          struct record *r = &records[k];
          printf("%u %u %u %lld %lld %u %016llx\n", r->socket, r->ssrc, r->payloadType, (long long)r->sec, (long long)r->nsec, r->length, (unsigned long long)r->hash);
        }
        printf("end\n");
        fflush(stdout);
      }
    }
  }
}
