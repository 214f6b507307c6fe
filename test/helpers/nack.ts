/**
 * RTP read by hand and RTCP generic NACK (RFC 4585 §6.2.1) built by hand, so a test can play a viewer
 * that loses chosen packets and asks for them again.
 */

const RTPFB = 205;
const GENERIC_NACK_FMT = 1;

export interface RtpView {
  payloadType: number;
  marker: boolean;
  sequenceNumber: number;
  timestamp: number;
  ssrc: number;
  /** The payload, without header, CSRCs, header extension or padding. */
  payload: Buffer;
}

/** Whether a datagram is RTCP rather than RTP (rtcp-mux: packet types 192–223). */
export function isRtcp(datagram: Buffer): boolean {
  return datagram.length >= 2 && datagram[1] >= 192 && datagram[1] <= 223;
}

/** Reads an RTP packet; undefined for anything that is not one. */
export function readRtp(packet: Buffer): RtpView | undefined {
  if (packet.length < 12 || packet[0] >> 6 !== 2 || isRtcp(packet)) return undefined;
  let start = 12 + (packet[0] & 0x0f) * 4;
  if ((packet[0] & 0x10) !== 0) {
    if (packet.length < start + 4) return undefined;
    start += 4 + packet.readUInt16BE(start + 2) * 4;
  }
  const padding = (packet[0] & 0x20) !== 0 ? packet[packet.length - 1] : 0;
  if (start + padding > packet.length) return undefined;
  return {
    payloadType: packet[1] & 0x7f,
    marker: (packet[1] & 0x80) !== 0,
    sequenceNumber: packet.readUInt16BE(2),
    timestamp: packet.readUInt32BE(4),
    ssrc: packet.readUInt32BE(8),
    payload: packet.subarray(start, packet.length - padding),
  };
}

/**
 * An RTCP generic NACK asking `mediaSsrc`'s sender for the `lost` sequence numbers: one item (PID and
 * a bitmask of the 16 following numbers) per run of numbers within 17 of each other.
 */
export function genericNack(mediaSsrc: number, lost: readonly number[]): Buffer {
  const items: Buffer[] = [];
  const pending = [...new Set(lost.map((seq) => seq & 0xffff))];
  while (pending.length > 0) {
    const pid = pending.shift()!;
    let bitmask = 0;
    for (let i = pending.length - 1; i >= 0; i -= 1) {
      const distance = (pending[i] - pid) & 0xffff;
      if (distance >= 1 && distance <= 16) {
        bitmask |= 1 << (distance - 1);
        pending.splice(i, 1);
      }
    }
    const item = Buffer.alloc(4);
    item.writeUInt16BE(pid, 0);
    item.writeUInt16BE(bitmask, 2);
    items.push(item);
  }
  const head = Buffer.alloc(12);
  head[0] = 0x80 | GENERIC_NACK_FMT;
  head[1] = RTPFB;
  head.writeUInt16BE(2 + items.length, 2); // length in 32-bit words, minus one
  head.writeUInt32BE(0x4e41_434b, 4); // sender SSRC: arbitrary
  head.writeUInt32BE(mediaSsrc >>> 0, 8);
  return Buffer.concat([head, ...items]);
}

/** A retransmission as the viewer sees it once RTX-decoded (RFC 4588: the original number first). */
export interface Retransmission {
  originalSequenceNumber: number;
  timestamp: number;
  marker: boolean;
  payload: Buffer;
}

/** Decodes an RTX packet; undefined when its payload cannot hold the original sequence number. */
export function decodeRtx(rtx: RtpView): Retransmission | undefined {
  if (rtx.payload.length < 2) return undefined;
  return {
    originalSequenceNumber: rtx.payload.readUInt16BE(0),
    timestamp: rtx.timestamp,
    marker: rtx.marker,
    payload: rtx.payload.subarray(2),
  };
}
