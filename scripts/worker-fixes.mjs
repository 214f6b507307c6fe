// The source fixes scripts/build-worker.mjs applies to the worker tree mediasoup 3.8.4 vendors, before
// compiling it: exact find/replace edits, each on one file.
//
// Two kinds:
// - toolchain fixes: 3.8.4 does not build with today's Python, glibc and OpenSSL as it is;
// - back-ports: fixes upstream mediasoup made after 3.8.4 for faults a remote peer can reach (a
//   viewer, a speaker, anyone holding a transport's ICE credentials). Written here for 3.8.4's code,
//   each names the upstream pull request (or issue) and the release that fixed it upstream.
//
// An entry: `why` (one line, logged), `upstream` (back-ports only), `file` (relative to the worker
// directory), `find`, `replace`, and `count` (how many times `find` occurs, 1 unless said). A file
// that holds `replace` `count` times has the fix already; otherwise it must hold `find` exactly
// `count` times, or the build stops (the vendored source is not the one these edits were written for).
// Every back-port's replacement carries a `stagecast back-port` comment, so an applied one is
// recognisable in the tree and never applied twice.
//
// C++ is written in template literals: `\t` is a tab (mediasoup's own sources are tab-indented,
// the bundled libwebrtc uses spaces).
//
// A third kind, larger, lives in its own module: the retransmission buffer of a consumer's stream,
// bounded by age instead of ~1.9 MB per video consumer (worker-fixes/retransmission.mjs).
//
// Plain Node (no TypeScript): it runs during `npm install`, before anything of ours is built.
import { RETRANSMISSION_FIXES } from './worker-fixes/retransmission.mjs';

const INTER_ARRIVAL = 'deps/libwebrtc/libwebrtc/modules/remote_bitrate_estimator/inter_arrival.cc';

/** 3.8.4 as vendored does not build here without these. */
export const TOOLCHAIN_FIXES = [
  {
    why: 'Python >= 3.10 moved MutableSet to collections.abc',
    file: 'deps/gyp/pylib/gyp/common.py',
    find: 'collections.MutableSet',
    replace: 'collections.abc.MutableSet',
  },
  {
    why: 'glibc >= 2.34 makes SIGSTKSZ a non-constant long',
    file: 'deps/libwebrtc/deps/abseil-cpp/abseil-cpp/absl/debugging/failure_signal_handler.cc',
    find: 'std::max(SIGSTKSZ, 65536)',
    replace: 'std::max<size_t>(SIGSTKSZ, 65536)',
  },
  {
    why: 'link the system OpenSSL 3 instead of whole-archiving the vendored 1.1.1k',
    file: 'mediasoup-worker.gyp',
    find: "'ldflags': [ '-Wl,--whole-archive <(libopenssl) -Wl,--no-whole-archive' ]",
    replace: "'ldflags': [ ]",
  },
];

/** Transport-cc feedback: a remote peer's crafted reference time must not abort the worker. */
const TRANSPORT_CC_ASSERTIONS = [
  {
    why: 'transport-cc: a negative arrival time is refused instead of starting a timestamp group',
    upstream: 'mediasoup #985 and #988 (3.11.7), issue #357',
    file: INTER_ARRIVAL,
    find: `  MS_ASSERT(timestamp_delta != nullptr, "timestamp_delta is null");
  MS_ASSERT(arrival_time_delta_ms != nullptr, "arrival_time_delta_ms is null");
  MS_ASSERT(packet_size_delta != nullptr, "packet_size_delta is null");
`,
    replace: `  // stagecast back-port (upstream mediasoup #985/#988, fixed in 3.11.7; issue #357). Arrival times
  // come from the transport-cc feedback a remote peer sends: a backward jump of its 24-bit reference
  // time makes them negative. Such a packet used to open a timestamp group whose complete time was
  // negative, and the next packet aborted the worker in BelongsToBurst(). Refuse it here, and return
  // instead of asserting on the output pointers.
  if (timestamp_delta == nullptr || arrival_time_delta_ms == nullptr ||
      packet_size_delta == nullptr) {
    MS_ERROR("null output pointer");
    return false;
  }
  if (arrival_time_ms < 0) {
    MS_WARN_TAG(bwe, "ignoring packet with negative arrival time %" PRIi64, arrival_time_ms);
    return false;
  }
`,
  },
  {
    why: 'transport-cc: a negative arrival delta returns instead of asserting',
    upstream: 'mediasoup #988 (3.11.7)',
    file: INTER_ARRIVAL,
    find: `      MS_ASSERT(*arrival_time_delta_ms >= 0, "arrival_time_delta_ms is < 0");
`,
    replace: `      // stagecast back-port (upstream mediasoup #988, fixed in 3.11.7): was an always-on assertion.
      if (*arrival_time_delta_ms < 0) {
        return false;
      }
`,
  },
  {
    why: 'transport-cc: a timestamp group with a negative complete time is not a burst (was an abort)',
    upstream: 'mediasoup #988 (3.11.7), issue #357',
    file: INTER_ARRIVAL,
    find: `  MS_ASSERT(
    current_timestamp_group_.complete_time_ms >= 0,
    "current_timestamp_group_.complete_time_ms < 0 [current_timestamp_group_.complete_time_ms:%" PRIi64 "]",
    current_timestamp_group_.complete_time_ms);
`,
    replace: `  // stagecast back-port (upstream mediasoup #988, fixed in 3.11.7; issue #357): was an always-on
  // assertion that a crafted transport-cc feedback reached.
  if (current_timestamp_group_.complete_time_ms < 0) {
    MS_WARN_TAG(bwe, "timestamp group with negative complete time %" PRIi64 ", not a burst",
        current_timestamp_group_.complete_time_ms);
    return false;
  }
`,
  },
  {
    why: 'bandwidth estimation: a covariance matrix that lost positive semi-definiteness is logged, not an abort',
    upstream: 'mediasoup #988 (3.11.7)',
    file: 'deps/libwebrtc/libwebrtc/modules/remote_bitrate_estimator/overuse_estimator.cc',
    find: `  MS_ASSERT(positive_semi_definite, "positive_semi_definite is not true");
`,
    replace: `  // stagecast back-port (upstream mediasoup #988, fixed in 3.11.7): an always-on assertion stood
  // here. The filter's inputs come from a remote sender's abs-send-time and packet sizes; the
  // condition is reported just below and the estimator carries on.
`,
  },
];

/** The remaining back-ports, one fault each. */
const OTHER_BACKPORTS = [
  {
    why: 'send callbacks own copies of the packet info instead of references to a finished stack frame',
    upstream: 'mediasoup #1274 (3.13.13)',
    file: 'src/RTC/Transport.cpp',
    count: 3,
    find: '[tccClient, &packetInfo](bool sent) {',
    replace:
      '[tccClient, packetInfo](bool sent) mutable { // stagecast back-port (upstream mediasoup #1274, 3.13.13): ' +
      'by value, this runs after the caller returned when the send was queued (EAGAIN, TCP)',
  },
  {
    why: 'same, in the (compiled out) sender bandwidth estimator variant',
    upstream: 'mediasoup #1274 (3.13.13)',
    file: 'src/RTC/Transport.cpp',
    count: 3,
    find: '[tccClient, &packetInfo, senderBwe, &sentInfo](bool sent) {',
    replace:
      '[tccClient, packetInfo, senderBwe, sentInfo](bool sent) mutable { // stagecast back-port ' +
      '(upstream mediasoup #1274, 3.13.13): by value, this may run after the caller returned',
  },
  {
    why: 'ICE: at most 8 tuples per transport',
    upstream: 'mediasoup 3.10.0 (IceServer MaxTuples, with WebRtcServer #834)',
    file: 'src/RTC/IceServer.cpp',
    find: `\tthread_local static uint8_t StunSerializeBuffer[StunSerializeBufferSize];
`,
    replace: `\tthread_local static uint8_t StunSerializeBuffer[StunSerializeBufferSize];
\t// stagecast back-port (upstream mediasoup caps ICE tuples at 8 since 3.10.0).
\tstatic constexpr size_t MaxTuples{ 8 };
`,
  },
  {
    why: 'ICE: past the cap, the oldest tuple that is neither the new nor the selected one is dropped',
    upstream: 'mediasoup 3.10.0 (IceServer::AddTuple)',
    file: 'src/RTC/IceServer.cpp',
    find: `\t\t// Return the address of the inserted tuple.
\t\treturn storedTuple;
`,
    replace: `\t\t// stagecast back-port (upstream mediasoup caps ICE tuples at 8 since 3.10.0). Every
\t\t// authenticated STUN request from a new address:port stored one more tuple, without limit.
\t\t// Past the cap, forget the oldest tuple that is neither this new one nor the selected one: a
\t\t// client whose network changes (NAT rebinding, Wi-Fi to mobile) must be heard on its newest
\t\t// path, and UDP tuples never expire on their own, so refusing new ones would lock it out.
\t\tif (this->tuples.size() > MaxTuples)
\t\t{
\t\t\tfor (auto it = this->tuples.end(); it != this->tuples.begin();)
\t\t\t{
\t\t\t\t--it;

\t\t\t\tconst RTC::TransportTuple* candidate = std::addressof(*it);

\t\t\t\tif (candidate != storedTuple && candidate != this->selectedTuple)
\t\t\t\t{
\t\t\t\t\tMS_WARN_TAG(ice, "too many ICE tuples, dropping the oldest non-selected one");

\t\t\t\t\tthis->tuples.erase(it);

\t\t\t\t\tbreak;
\t\t\t\t}
\t\t\t}
\t\t}

\t\t// Return the address of the inserted tuple.
\t\treturn storedTuple;
`,
  },
  {
    why: 'transport-cc feedback we generate: a sequence number jump across the 16-bit wrap is measured modulo 2^16',
    upstream: 'mediasoup #1386 (3.14.3), issue #1385',
    file: 'src/RTC/RTCP/FeedbackRtpTransport.cpp',
    find: `\t\t\t\tauto missingPackets = sequenceNumber - (this->latestSequenceNumber + 1);
`,
    replace: `\t\t\t\t// stagecast back-port (upstream mediasoup #1386, fixed in 3.14.3): with \`auto\` this was
\t\t\t\t// an int, so a jump across the 16-bit wrap came out negative and passed the check below;
\t\t\t\t// the gap then overflowed a 13-bit run length and the feedback we sent was malformed.
\t\t\t\tconst auto missingPackets =
\t\t\t\t  static_cast<uint16_t>(sequenceNumber - (this->latestSequenceNumber + 1));
`,
  },
  {
    why: 'transport-cc feedback received: an empty one no longer divides 0 by 0 into the loss history',
    upstream: 'mediasoup #1049 (3.11.21)',
    file: 'src/RTC/TransportCongestionControlClient.cpp',
    find: `\t\tthis->UpdatePacketLoss(static_cast<double>(lost_packets) / expected_packets);
`,
    replace: `\t\t// stagecast back-port (upstream mediasoup #1049, fixed in 3.11.21): a feedback reporting no
\t\t// packet made this 0/0, and the NaN stayed in the loss history (transport stats said null).
\t\tif (expected_packets > 0)
\t\t\tthis->UpdatePacketLoss(static_cast<double>(lost_packets) / expected_packets);
`,
  },
  {
    why: 'transport-cc feedback sent: same guard',
    upstream: 'mediasoup #1049 (3.11.21)',
    file: 'src/RTC/TransportCongestionControlServer.cpp',
    find: `\t\tthis->UpdatePacketLoss(static_cast<double>(lost_packets) / expected_packets);
`,
    replace: `\t\t// stagecast back-port (upstream mediasoup #1049, fixed in 3.11.21): never divide by zero.
\t\tif (expected_packets > 0)
\t\t\tthis->UpdatePacketLoss(static_cast<double>(lost_packets) / expected_packets);
`,
  },
  {
    why: 'receive score: packets expected but none received gives score 0 instead of casting NaN',
    upstream: 'mediasoup #1886 (3.25.0)',
    file: 'src/RTC/RtpStreamRecv.cpp',
    find: `\t\t// We didn't expect more packets to come.
\t\tif (expected == 0)
\t\t{
\t\t\tRTC::RtpStream::UpdateScore(10);

\t\t\treturn;
\t\t}
`,
    replace: `\t\t// We didn't expect more packets to come.
\t\tif (expected == 0)
\t\t{
\t\t\tRTC::RtpStream::UpdateScore(10);

\t\t\treturn;
\t\t}

\t\t// stagecast back-port (upstream mediasoup #1886, fixed in 3.25.0): sequence numbers moved
\t\t// (RTX alone moves them) but no media packet arrived in the interval: the ratios below would
\t\t// be 0/0 and NaN would be cast to integers (undefined behaviour). Worst score instead.
\t\tif (received == 0)
\t\t{
\t\t\tRTC::RtpStream::UpdateScore(0);

\t\t\treturn;
\t\t}
`,
  },
  {
    why: 'STUN: OpenSSL header for a constant-time compare',
    upstream: 'mediasoup #1867 (3.23.0)',
    file: 'src/RTC/StunPacket.cpp',
    find: `#include <cstring> // std::memcmp(), std::memcpy()
`,
    replace: `#include <cstring> // std::memcmp(), std::memcpy()
#include <openssl/crypto.h> // CRYPTO_memcmp(): stagecast back-port of upstream mediasoup #1867
`,
  },
  {
    why: 'STUN: MESSAGE-INTEGRITY compared in constant time',
    upstream: 'mediasoup #1867 (3.23.0), advisory GHSA-xvjj-6cm4-ppgq',
    file: 'src/RTC/StunPacket.cpp',
    find: `\t\tif (std::memcmp(this->messageIntegrity, computedMessageIntegrity, 20) == 0)
`,
    replace: `\t\t// stagecast back-port (upstream mediasoup #1867, fixed in 3.23.0): memcmp() stops at the first
\t\t// differing byte, so its timing told a remote peer how much of a forged HMAC was right.
\t\tif (CRYPTO_memcmp(this->messageIntegrity, computedMessageIntegrity, 20) == 0)
`,
  },
  {
    why: 'Worker: an error thrown by a router request keeps its reason (the message was formatted into its own source buffer)',
    upstream: 'mediasoup #750 (3.9.4)',
    file: 'src/Worker.cpp',
    count: 8,
    find: 'error.buffer, ',
    replace: 'error.what(), ',
  },
];

export const SOURCE_FIXES = [...TOOLCHAIN_FIXES, ...TRANSPORT_CC_ASSERTIONS, ...OTHER_BACKPORTS, ...RETRANSMISSION_FIXES];

/** How many times `needle` occurs in `text` (non-overlapping). */
function occurrences(text, needle) {
  return text.split(needle).length - 1;
}

/**
 * Whether `text` needs `fix`: false when it is applied already. Throws when the file holds neither
 * the expected text nor the fixed one the expected number of times.
 */
export function needsFix(text, fix) {
  const count = fix.count ?? 1;
  if (occurrences(text, fix.replace) === count) return false;
  const found = occurrences(text, fix.find);
  if (found !== count) {
    throw new Error(`${fix.file}: expected the text to fix ${count} time(s), found it ${found} time(s), for: ${fix.why}`);
  }
  return true;
}

/** `text` with `fix` applied (call after needsFix() said so). */
export function applyFix(text, fix) {
  return text.split(fix.find).join(fix.replace);
}
