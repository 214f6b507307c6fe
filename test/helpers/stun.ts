import { createHmac, randomBytes } from 'node:crypto';
import zlib from 'node:zlib';

const MAGIC_COOKIE = 0x2112a442;
const BINDING_REQUEST = 0x0001;
const BINDING_SUCCESS = 0x0101;
const FINGERPRINT_XOR = 0x5354554e;

const ATTR = {
  username: 0x0006,
  messageIntegrity: 0x0008,
  priority: 0x0024,
  useCandidate: 0x0025,
  fingerprint: 0x8028,
  iceControlling: 0x802a,
} as const;

function attribute(type: number, value: Buffer): Buffer {
  const padded = Buffer.alloc(4 + Math.ceil(value.length / 4) * 4);
  padded.writeUInt16BE(type, 0);
  padded.writeUInt16BE(value.length, 2);
  value.copy(padded, 4);
  return padded;
}

function header(bodyLength: number, transactionId: Buffer): Buffer {
  const head = Buffer.alloc(20);
  head.writeUInt16BE(BINDING_REQUEST, 0);
  head.writeUInt16BE(bodyLength, 2);
  head.writeUInt32BE(MAGIC_COOKIE, 4);
  transactionId.copy(head, 8);
  return head;
}

export interface BindingRequest {
  packet: Buffer;
  transactionId: Buffer;
}

/**
 * A STUN Binding request as an ICE controlling agent sends it to an ICE-Lite server (RFC 8445): USERNAME
 * `serverUfrag:clientUfrag`, PRIORITY, ICE-CONTROLLING, optionally USE-CANDIDATE, then MESSAGE-INTEGRITY
 * (HMAC-SHA1 keyed with the server's ICE password) and FINGERPRINT (RFC 5389 sections 15.4 and 15.5).
 */
export function bindingRequest(options: { serverUfrag: string; password: string; useCandidate?: boolean }): BindingRequest {
  const transactionId = randomBytes(12);
  const tieBreaker = randomBytes(8);
  const priority = Buffer.alloc(4);
  priority.writeUInt32BE(0x6e7f1eff, 0);
  const attributes = Buffer.concat([
    attribute(ATTR.username, Buffer.from(`${options.serverUfrag}:stagecasttest`)),
    attribute(ATTR.priority, priority),
    attribute(ATTR.iceControlling, tieBreaker),
    ...(options.useCandidate ? [attribute(ATTR.useCandidate, Buffer.alloc(0))] : []),
  ]);
  // The HMAC covers the message up to MESSAGE-INTEGRITY, with a length that already counts it.
  const integrity = createHmac('sha1', options.password)
    .update(Buffer.concat([header(attributes.length + 24, transactionId), attributes]))
    .digest();
  const withIntegrity = Buffer.concat([attributes, attribute(ATTR.messageIntegrity, integrity)]);
  // The CRC covers the message up to FINGERPRINT, with a length that already counts it.
  const crc = zlib.crc32(Buffer.concat([header(withIntegrity.length + 8, transactionId), withIntegrity]));
  const fingerprint = Buffer.alloc(4);
  fingerprint.writeUInt32BE((crc ^ FINGERPRINT_XOR) >>> 0, 0);
  const body = Buffer.concat([withIntegrity, attribute(ATTR.fingerprint, fingerprint)]);
  return { packet: Buffer.concat([header(body.length, transactionId), body]), transactionId };
}

/** Whether `message` is a STUN Binding success response to the request with `transactionId`. */
export function isBindingSuccess(message: Buffer, transactionId: Buffer): boolean {
  return (
    message.length >= 20 &&
    message.readUInt16BE(0) === BINDING_SUCCESS &&
    message.readUInt32BE(4) === MAGIC_COOKIE &&
    message.subarray(8, 20).equals(transactionId)
  );
}
