import { randomInt } from 'node:crypto';
import type { StageMedia } from '../../media/StageMedia';
import { type GroupProcess, spawnGroup } from '../../scripts/lib/processGroup';

export interface InterpreterTone {
  sourceId: string;
  participantId: string;
  stop(): Promise<void>;
}

/**
 * An interpreter's microphone without a browser: ffmpeg sends a pure tone as Opus RTP to a
 * PlainTransport on the stage's origin, whose producer joins the stage as the interpretation source
 * of `language`, as an interpreter's WebRTC producer does (the booth gates it like any other).
 */
export async function publishInterpreterTone(
  stage: StageMedia,
  { language, participantId, frequency }: { language: string; participantId: string; frequency: number },
): Promise<InterpreterTone> {
  // No rtcp-mux: ffmpeg sends RTCP from another local port, and a muxed comedia transport would lock onto either.
  const transport = await stage.origin.createPlainTransport({ listenIp: { ip: '127.0.0.1' }, rtcpMux: false, comedia: true });
  const ssrc = randomInt(1, 0x7fffffff);
  const producer = await transport.produce({
    kind: 'audio',
    rtpParameters: {
      codecs: [{ mimeType: 'audio/opus', payloadType: 100, clockRate: 48_000, channels: 2 }],
      encodings: [{ ssrc }],
    },
  });
  const sourceId = `interpretation:${language}:${participantId}`;
  stage.addProducer(producer, { id: sourceId, kind: 'interpretation', label: participantId, ownerId: participantId, language });
  const port = transport.tuple.localPort;
  const rtcpPort = transport.rtcpTuple?.localPort ?? port;
  const encoder: GroupProcess = spawnGroup('ffmpeg', [
    '-hide_banner',
    '-loglevel',
    'error',
    '-nostdin',
    '-re',
    '-f',
    'lavfi',
    '-i',
    `sine=frequency=${frequency}:sample_rate=48000`,
    '-c:a',
    'libopus',
    '-ar',
    '48000',
    '-ac',
    '2',
    '-b:a',
    '64k',
    '-ssrc',
    String(ssrc),
    '-payload_type',
    '100',
    '-f',
    'rtp',
    `rtp://127.0.0.1:${port}?rtcpport=${rtcpPort}&pkt_size=1200`,
  ]);
  return {
    sourceId,
    participantId,
    async stop() {
      await encoder.stop();
      stage.closeSource(sourceId);
      transport.close();
    },
  };
}
