import assert from 'node:assert/strict';
import dgram from 'node:dgram';
import { FeedSender } from '../../../media/ingest/FeedSender';
import { srtStreamId } from '../../../media/ingest/SrtGateway';
import { waitFor } from '../../helpers/net';

function rtp(seq: number, ts: number, ssrc: number, pt = 96, marker = false): Buffer {
  const packet = Buffer.alloc(20);
  packet[0] = 0x80;
  packet[1] = (marker ? 0x80 : 0) | pt;
  packet.writeUInt16BE(seq, 2);
  packet.writeUInt32BE(ts >>> 0, 4);
  packet.writeUInt32BE(ssrc >>> 0, 8);
  return packet;
}

/** An SRT conclusion handshake carrying `streamId` in its SID extension (each 32-bit word little-endian). */
function conclusion(streamId: string): Buffer {
  const padded = Buffer.alloc(Math.ceil(streamId.length / 4) * 4);
  padded.write(streamId, 'latin1');
  const sid = Buffer.alloc(padded.length);
  for (let i = 0; i < padded.length; i += 4) for (let j = 0; j < 4; j++) sid[i + j] = padded[i + 3 - j] ?? 0;
  const packet = Buffer.alloc(64 + 4 + sid.length);
  packet.writeUInt16BE(0x8000, 0);
  packet.writeUInt32BE(5, 16);
  packet.writeUInt32BE(0xffffffff, 36);
  packet.writeUInt16BE(5, 64);
  packet.writeUInt16BE(sid.length / 4, 66);
  sid.copy(packet, 68);
  return packet;
}

describe('encoder ingest: RTP continuity and the SRT stream id', () => {
  it('sends every epoch as one stream: the feed SSRC and payload type, sequence numbers and timestamps continuing', async () => {
    const sink = dgram.createSocket('udp4');
    await new Promise<void>((resolve) => sink.bind(0, '127.0.0.1', resolve));
    const received: Buffer[] = [];
    sink.on('message', (packet) => received.push(packet));
    const rtpTarget = (port: number, payloadType: number, ssrc: number, clockRate: number) => ({
      port,
      rtcpPort: port,
      payloadType,
      ssrc,
      mimeType: 'x',
      clockRate,
    });
    const { port } = sink.address();
    const sender = await FeedSender.open({
      ip: '127.0.0.1',
      video: rtpTarget(port, 102, 1111, 90000),
      audio: rtpTarget(port, 100, 2222, 48000),
    });
    try {
      sender.send('video', rtp(100, 5000, 9, 96, true), 1000);
      sender.send('video', rtp(101, 8000, 9, 96), 1033);
      // RTCP (a sender report) from the encoder is not forwarded.
      const report = rtp(0, 0, 9, 200 - 128, true);
      sender.send('video', report, 1040);
      // The encoder restarts: a new SSRC, sequence numbers and timestamps from elsewhere, 2 s later.
      sender.newEpoch();
      sender.send('video', rtp(40000, 123456, 77, 96), 3033);
      sender.send('video', rtp(40001, 126456, 77, 96), 3066);
      await waitFor(async () => received.length >= 4, { what: 'four packets at the sink', timeoutMs: 5000 });
      assert.equal(received.length, 4);
      const read = received.map((p) => ({
        pt: (p[1] ?? 0) & 0x7f,
        marker: ((p[1] ?? 0) & 0x80) !== 0,
        seq: p.readUInt16BE(2),
        ts: p.readUInt32BE(4),
        ssrc: p.readUInt32BE(8),
      }));
      assert.deepEqual(
        read.map((r) => [r.pt, r.ssrc]),
        Array.from({ length: 4 }, () => [102, 1111]),
      );
      assert.equal(read[0]?.marker, true, 'the marker bit is kept');
      assert.deepEqual(
        read.map((r) => r.seq),
        [100, 101, 102, 103],
      );
      // 2000 ms at 90 kHz after the last timestamp of the first epoch, then the encoder's own spacing.
      assert.deepEqual(
        read.map((r) => r.ts),
        [5000, 8000, 8000 + 180_000, 8000 + 180_000 + 3000],
      );
      assert.ok(sender.bytes > 0 && sender.lastPacketAtMs === 3066);
    } finally {
      sender.close();
      sink.close();
    }
  });

  it('reads the stream id of an SRT conclusion handshake, plain or in the access-control form', () => {
    assert.equal(srtStreamId(conclusion('demo.0123456789abcdef.' + 'a'.repeat(64))), 'demo.0123456789abcdef.' + 'a'.repeat(64));
    assert.equal(srtStreamId(conclusion('#!::r=demo.key,m=publish')), 'demo.key');
    assert.equal(srtStreamId(conclusion('#!::m=publish,r=abc')), 'abc');
    // Other packets: data, an induction handshake, truncated extensions.
    assert.equal(srtStreamId(Buffer.alloc(80)), null);
    const induction = conclusion('x');
    induction.writeUInt32BE(1, 36);
    assert.equal(srtStreamId(induction), null);
    const truncated = conclusion('abcdefgh');
    assert.equal(srtStreamId(truncated.subarray(0, truncated.length - 4)), null);
  });
});
