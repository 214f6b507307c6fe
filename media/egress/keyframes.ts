/** Video codecs the stage routers speak (media/codecs.ts). */
export type VideoCodecName = 'VP8' | 'H264';

const H264_IDR = 5;
const H264_SPS = 7;
const H264_STAP_A = 24;
const H264_FU_A = 28;

/**
 * Whether an RTP payload begins a key frame: where a decoder can start. Switching the program's
 * video to another source waits for one, so the egress never feeds a decoder a frame it cannot decode.
 */
export function startsKeyFrame(codec: VideoCodecName, payload: Buffer): boolean {
  return codec === 'VP8' ? vp8StartsKeyFrame(payload) : h264StartsKeyFrame(payload);
}

/** RFC 7741: the payload descriptor, then the VP8 payload header whose P bit is 0 on key frames. */
function vp8StartsKeyFrame(payload: Buffer): boolean {
  if (payload.length < 1) return false;
  const first = payload[0];
  const startOfPartition = (first & 0x10) !== 0;
  const partitionId = first & 0x0f;
  if (!startOfPartition || partitionId !== 0) return false;
  let offset = 1;
  if (first & 0x80) {
    if (payload.length < 2) return false;
    const extensions = payload[1];
    offset = 2;
    // PictureID: 15 bits when its first bit (M) is set, else 7.
    if (extensions & 0x80) offset += offset < payload.length && (payload[offset] & 0x80) !== 0 ? 2 : 1;
    if (extensions & 0x40) offset += 1; // TL0PICIDX
    if (extensions & 0x30) offset += 1; // TID/KEYIDX
  }
  return payload.length > offset && (payload[offset] & 0x01) === 0;
}

/** RFC 6184: an SPS or IDR NAL unit, alone, first in a STAP-A, or starting an FU-A. */
function h264StartsKeyFrame(payload: Buffer): boolean {
  if (payload.length < 2) return false;
  const type = payload[0] & 0x1f;
  if (type === H264_IDR || type === H264_SPS) return true;
  if (type === H264_FU_A) {
    const header = payload[1];
    const start = (header & 0x80) !== 0;
    const inner = header & 0x1f;
    return start && (inner === H264_IDR || inner === H264_SPS);
  }
  if (type === H264_STAP_A) {
    let offset = 1;
    while (offset + 2 < payload.length) {
      const size = payload.readUInt16BE(offset);
      const inner = payload[offset + 2] & 0x1f;
      if (inner === H264_IDR || inner === H264_SPS) return true;
      offset += 2 + size;
    }
  }
  return false;
}
