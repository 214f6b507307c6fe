import type { types } from 'mediasoup';

/**
 * What every stage router speaks. VP8 and H264 cover the hall encoders and browsers; Opus for sound.
 * H264 is constrained baseline, packetization-mode 1: what hardware encoders and Chromium both produce.
 */
export const ROUTER_MEDIA_CODECS: types.RtpCodecCapability[] = [
  { kind: 'audio', mimeType: 'audio/opus', clockRate: 48000, channels: 2 },
  { kind: 'video', mimeType: 'video/VP8', clockRate: 90000, parameters: { 'x-google-start-bitrate': 1000 } },
  {
    kind: 'video',
    mimeType: 'video/H264',
    clockRate: 90000,
    parameters: { 'packetization-mode': 1, 'profile-level-id': '42e01f', 'level-asymmetry-allowed': 1 },
  },
];

/** What the send side's bandwidth estimation needs from a receiver: its feedback and the header extensions it reads. */
const ESTIMATION_FEEDBACK = new Set(['transport-cc', 'goog-remb']);
const ESTIMATION_EXTENSIONS = new Set([
  'http://www.ietf.org/id/draft-holmer-rmcat-transport-wide-cc-extensions-01',
  'http://www.webrtc.org/experiments/rtp-hdrext/abs-send-time',
]);

/**
 * A receiver's capabilities without bandwidth estimation. A consumer of a single-encoding producer has
 * nothing to choose between, so the estimate would change nothing it sends, while keeping it costs the
 * worker transport-wide sequence numbers and send history on every packet (about a tenth of its CPU
 * per forwarded packet). Retransmission (NACK) and key-frame requests (PLI, FIR) stay.
 */
export function withoutBandwidthEstimation(capabilities: types.RtpCapabilities): types.RtpCapabilities {
  return {
    ...capabilities,
    codecs: capabilities.codecs?.map((codec) => ({
      ...codec,
      rtcpFeedback: (codec.rtcpFeedback ?? []).filter((feedback) => !ESTIMATION_FEEDBACK.has(feedback.type)),
    })),
    headerExtensions: capabilities.headerExtensions?.filter((extension) => !ESTIMATION_EXTENSIONS.has(extension.uri)),
  };
}
