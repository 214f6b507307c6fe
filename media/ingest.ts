import { randomInt } from 'node:crypto';
import type { types } from 'mediasoup';
import type { MediaOptions } from './types';

export type IngestVideoCodec = 'VP8' | 'H264';

export interface IngestOptions {
  videoCodec: IngestVideoCodec;
  /** Source id: 'onsite' for the main hall feed, 'onsite-<name>' for further hall cameras. */
  sourceId?: string;
  label?: string;
}

/** Where and how an encoder must send one stream: plain RTP, and its RTCP to a port of its own. */
export interface RtpTarget {
  port: number;
  rtcpPort: number;
  payloadType: number;
  ssrc: number;
  mimeType: string;
  clockRate: number;
  channels?: number;
}

export interface IngestTarget {
  ip: string;
  video: RtpTarget;
  audio: RtpTarget;
}

const VIDEO_CODECS: Record<IngestVideoCodec, types.RtpCodecParameters> = {
  VP8: { mimeType: 'video/VP8', payloadType: 101, clockRate: 90000 },
  H264: {
    mimeType: 'video/H264',
    payloadType: 102,
    clockRate: 90000,
    parameters: { 'packetization-mode': 1, 'profile-level-id': '42e01f' },
  },
};

const OPUS: types.RtpCodecParameters = {
  mimeType: 'audio/opus',
  payloadType: 100,
  clockRate: 48000,
  channels: 2,
  parameters: { 'sprop-stereo': 1 },
};

function randomSsrc(): number {
  // Below 2^31: ffmpeg takes the SSRC as a signed 32-bit option.
  return randomInt(1, 0x7fffffff);
}

async function openStream(
  router: types.Router,
  options: MediaOptions,
  kind: 'audio' | 'video',
  codec: types.RtpCodecParameters,
): Promise<{ transport: types.PlainTransport; producer: types.Producer; target: RtpTarget }> {
  // comedia: the encoder's address is learnt from its first packet, so it needs no signaling.
  // No rtcp-mux: encoders such as ffmpeg send RTCP from another local port than RTP, and a muxed
  // comedia transport would lock onto whichever came first and drop the other.
  const transport = await router.createPlainTransport({
    listenIp: { ip: options.listenIp, announcedIp: options.announcedIp },
    rtcpMux: false,
    comedia: true,
    appData: { role: 'ingest', kind },
  });
  try {
    const ssrc = randomSsrc();
    const producer = await transport.produce({
      kind,
      rtpParameters: { codecs: [codec], encodings: [{ ssrc }] },
      appData: { source: 'onsite' },
    });
    const target: RtpTarget = {
      port: transport.tuple.localPort,
      rtcpPort: transport.rtcpTuple?.localPort ?? transport.tuple.localPort,
      payloadType: codec.payloadType,
      ssrc,
      mimeType: codec.mimeType,
      clockRate: codec.clockRate,
      ...(codec.channels ? { channels: codec.channels } : {}),
    };
    return { transport, producer, target };
  } catch (error) {
    transport.close();
    throw error;
  }
}

/** Opens the two PlainTransports and producers of an on-site feed on the origin router. */
export async function openIngest(
  router: types.Router,
  options: MediaOptions,
  ingest: IngestOptions,
): Promise<{ transports: types.Transport[]; producers: types.Producer[]; target: IngestTarget }> {
  const video = await openStream(router, options, 'video', VIDEO_CODECS[ingest.videoCodec]);
  let audio;
  try {
    audio = await openStream(router, options, 'audio', OPUS);
  } catch (error) {
    video.transport.close();
    throw error;
  }
  return {
    transports: [video.transport, audio.transport],
    producers: [video.producer, audio.producer],
    target: { ip: options.announcedIp, video: video.target, audio: audio.target },
  };
}
