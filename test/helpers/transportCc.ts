/**
 * Bytes of RTP with the transport-wide sequence number extension and of RTCP transport-cc feedback
 * (draft-holmer-rmcat-transport-wide-cc-extensions-01), built and read by hand so tests can send what
 * no browser would.
 */

export const TRANSPORT_CC_URI = 'http://www.ietf.org/id/draft-holmer-rmcat-transport-wide-cc-extensions-01';

const RTPFB = 205;
const TRANSPORT_CC_FMT = 15;
/** Packet status symbols. */
const NOT_RECEIVED = 0;
const SMALL_DELTA = 1;
const LARGE_DELTA = 2;
/** The largest count a run-length chunk holds (13 bits). */
const MAX_RUN = 0x1fff;

export interface VideoRtp {
  ssrc: number;
  payloadType: number;
  sequenceNumber: number;
  timestamp: number;
  pictureId: number;
  /** Transport-wide sequence number and the extension id it travels under (one-byte header form). */
  wide?: { id: number; sequenceNumber: number };
}

/** One RTP packet holding a whole VP8 key frame (a consumer forwards from a key frame on). */
export function vp8KeyFrame(rtp: VideoRtp): Buffer {
  const extension = rtp.wide ? Buffer.alloc(8) : Buffer.alloc(0);
  if (rtp.wide) {
    extension.writeUInt16BE(0xbede, 0);
    extension.writeUInt16BE(1, 2); // one 32-bit word of elements
    extension[4] = (rtp.wide.id << 4) | 1; // id, length - 1
    extension.writeUInt16BE(rtp.wide.sequenceNumber & 0xffff, 5);
  }
  const fixed = Buffer.alloc(12);
  fixed[0] = 0x80 | (rtp.wide ? 0x10 : 0);
  fixed[1] = 0x80 | rtp.payloadType; // marker: the frame ends here
  fixed.writeUInt16BE(rtp.sequenceNumber & 0xffff, 2);
  fixed.writeUInt32BE(rtp.timestamp >>> 0, 4);
  fixed.writeUInt32BE(rtp.ssrc >>> 0, 8);
  // VP8 payload descriptor: X and S set, PID 0; I set; a 15-bit picture id. Then a key frame header
  // (P bit clear, start code 9d 01 2a, 320x180) and some bytes of "picture".
  const descriptor = Buffer.from([0x90, 0x80, 0x80 | ((rtp.pictureId >> 8) & 0x7f), rtp.pictureId & 0xff]);
  const frame = Buffer.concat([Buffer.from([0x10, 0x02, 0x00, 0x9d, 0x01, 0x2a, 0x40, 0x01, 0xb4, 0x00]), Buffer.alloc(200, 0x55)]);
  return Buffer.concat([fixed, extension, descriptor, frame]);
}

/** The transport-wide sequence number an RTP packet carries under extension `id` (undefined without one). */
export function wideSequenceNumber(packet: Buffer, id: number): number | undefined {
  if (packet.length < 12 || packet[0] >> 6 !== 2 || (packet[0] & 0x10) === 0) return undefined;
  const start = 12 + (packet[0] & 0x0f) * 4;
  if (packet.length < start + 4 || packet.readUInt16BE(start) !== 0xbede) return undefined;
  const end = start + 4 + packet.readUInt16BE(start + 2) * 4;
  for (let offset = start + 4; offset < end && offset < packet.length;) {
    const byte = packet[offset];
    if (byte === 0) {
      offset += 1; // padding
      continue;
    }
    const elementId = byte >> 4;
    const length = (byte & 0x0f) + 1;
    if (elementId === 15) return undefined;
    if (elementId === id && length === 2) return packet.readUInt16BE(offset + 1);
    offset += 1 + length;
  }
  return undefined;
}

/** A packet's status in a feedback: `delta` (in 250 µs ticks, int16) when received, undefined when not. */
export interface FeedbackStatus {
  delta?: number;
}

export interface FeedbackOptions {
  mediaSsrc: number;
  baseSequenceNumber: number;
  /** 24-bit signed reference time, in multiples of 64 ms (-0x800000 … 0x7fffff). */
  referenceTime: number;
  feedbackCount: number;
  statuses: FeedbackStatus[];
}

function symbolOf(status: FeedbackStatus): number {
  if (status.delta === undefined) return NOT_RECEIVED;
  return status.delta >= 0 && status.delta <= 255 ? SMALL_DELTA : LARGE_DELTA;
}

/** An RTCP transport-cc feedback packet; runs of equal symbols become run-length chunks. */
export function transportCcFeedback(options: FeedbackOptions): Buffer {
  const chunks: number[] = [];
  const symbols = options.statuses.map(symbolOf);
  for (let i = 0; i < symbols.length;) {
    let run = 1;
    while (i + run < symbols.length && symbols[i + run] === symbols[i] && run < MAX_RUN) run += 1;
    chunks.push((symbols[i] << 13) | run);
    i += run;
  }
  const deltas: Buffer[] = options.statuses.map((status) => {
    if (status.delta === undefined) return Buffer.alloc(0);
    if (symbolOf(status) === SMALL_DELTA) return Buffer.from([status.delta]);
    const large = Buffer.alloc(2);
    large.writeInt16BE(status.delta, 0);
    return large;
  });
  const body = Buffer.alloc(8 + chunks.length * 2);
  body.writeUInt16BE(options.baseSequenceNumber & 0xffff, 0);
  body.writeUInt16BE(options.statuses.length, 2);
  body.writeUIntBE(options.referenceTime & 0xffffff, 4, 3);
  body[7] = options.feedbackCount & 0xff;
  chunks.forEach((chunk, index) => body.writeUInt16BE(chunk, 8 + index * 2));
  const unpadded = Buffer.concat([body, ...deltas]);
  const payload = Buffer.concat([unpadded, Buffer.alloc((4 - (unpadded.length % 4)) % 4)]);
  const head = Buffer.alloc(12);
  head[0] = 0x80 | TRANSPORT_CC_FMT;
  head[1] = RTPFB;
  head.writeUInt16BE((12 + payload.length) / 4 - 1, 2);
  head.writeUInt32BE(0x5354_4343, 4); // sender SSRC: arbitrary
  head.writeUInt32BE(options.mediaSsrc >>> 0, 8);
  return Buffer.concat([head, payload]);
}

export interface ParsedFeedback {
  baseSequenceNumber: number;
  statusCount: number;
  /** Sequence numbers the feedback reports as received. */
  received: number[];
}

/**
 * Reads one transport-cc feedback the way a receiver must: chunks until they cover the packet status
 * count, then one delta per received status, then at most 3 bytes of padding. Throws, saying what does
 * not add up, for a malformed one.
 */
export function parseTransportCcFeedback(packet: Buffer): ParsedFeedback {
  const length = (packet.readUInt16BE(2) + 1) * 4;
  if (length > packet.length || length < 20) throw new Error(`length ${length} does not fit the ${packet.length} bytes`);
  const baseSequenceNumber = packet.readUInt16BE(12);
  const statusCount = packet.readUInt16BE(14);
  const symbols: number[] = [];
  let offset = 20;
  while (symbols.length < statusCount) {
    if (offset + 2 > length) throw new Error(`chunks cover ${symbols.length} of ${statusCount} statuses when the packet ends`);
    const chunk = packet.readUInt16BE(offset);
    offset += 2;
    const remaining = statusCount - symbols.length;
    if ((chunk & 0x8000) === 0) {
      const count = chunk & 0x1fff;
      if (count === 0) throw new Error('run-length chunk of 0 statuses');
      for (let i = 0; i < Math.min(count, remaining); i += 1) symbols.push((chunk >> 13) & 0x03);
    } else if ((chunk & 0x4000) === 0) {
      for (let i = 0; i < Math.min(14, remaining); i += 1) symbols.push((chunk >> (13 - i)) & 0x01);
    } else {
      for (let i = 0; i < Math.min(7, remaining); i += 1) symbols.push((chunk >> (12 - 2 * i)) & 0x03);
    }
  }
  const received: number[] = [];
  symbols.forEach((symbol, index) => {
    if (symbol === NOT_RECEIVED) return;
    if (symbol !== SMALL_DELTA && symbol !== LARGE_DELTA) throw new Error(`reserved status symbol ${symbol}`);
    offset += symbol === SMALL_DELTA ? 1 : 2;
    received.push((baseSequenceNumber + index) & 0xffff);
  });
  if (offset > length) throw new Error(`deltas of ${received.length} received packets run past the packet end`);
  if (length - offset > 3) throw new Error(`${length - offset} bytes left after the deltas`);
  return { baseSequenceNumber, statusCount, received };
}

/** The transport-cc feedback packets of an RTCP datagram (compound or single). */
export function transportCcFeedbacksIn(datagram: Buffer): Buffer[] {
  const found: Buffer[] = [];
  for (let offset = 0; offset + 4 <= datagram.length;) {
    const length = (datagram.readUInt16BE(offset + 2) + 1) * 4;
    const packet = datagram.subarray(offset, offset + length);
    if (packet[1] === RTPFB && (packet[0] & 0x1f) === TRANSPORT_CC_FMT) found.push(packet);
    offset += length;
  }
  return found;
}
