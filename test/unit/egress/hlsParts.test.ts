import assert from 'node:assert/strict';
import { startsKeyFrame } from '../../../media/egress/keyframes';
import { VariantWindow } from '../../../media/egress/playlists';

describe('HLS egress parts', () => {
  describe('key frame detection on RTP payloads', () => {
    it('VP8: the start of partition 0 whose frame header has P = 0, with or without the extended descriptor', () => {
      assert.equal(startsKeyFrame('VP8', Buffer.from([0x10, 0x00])), true, 'S=1, PID=0, P=0');
      assert.equal(startsKeyFrame('VP8', Buffer.from([0x10, 0x01])), false, 'an inter frame (P=1)');
      assert.equal(startsKeyFrame('VP8', Buffer.from([0x00, 0x00])), false, 'not the start of a partition');
      // X=1 with a 15-bit PictureID (M=1) and TL0PICIDX: the frame header comes after 4 more bytes.
      assert.equal(startsKeyFrame('VP8', Buffer.from([0x90, 0xc0, 0x81, 0x23, 0x05, 0x00])), true);
      assert.equal(startsKeyFrame('VP8', Buffer.from([0x90, 0xc0, 0x81, 0x23, 0x05, 0x01])), false);
      assert.equal(startsKeyFrame('VP8', Buffer.from([0x90])), false, 'truncated');
    });

    it('H264: an SPS or IDR alone, first in a STAP-A, or starting an FU-A', () => {
      assert.equal(startsKeyFrame('H264', Buffer.from([0x67, 0x42])), true, 'SPS');
      assert.equal(startsKeyFrame('H264', Buffer.from([0x65, 0x88])), true, 'IDR slice');
      assert.equal(startsKeyFrame('H264', Buffer.from([0x41, 0x9a])), false, 'non-IDR slice');
      assert.equal(
        startsKeyFrame('H264', Buffer.from([0x78, 0x00, 0x02, 0x67, 0x42, 0x00, 0x02, 0x68, 0xce])),
        true,
        'STAP-A with SPS, PPS',
      );
      assert.equal(startsKeyFrame('H264', Buffer.from([0x7c, 0x85, 0x88])), true, 'FU-A start of an IDR');
      assert.equal(startsKeyFrame('H264', Buffer.from([0x7c, 0x05, 0x88])), false, 'FU-A continuation of an IDR');
      assert.equal(startsKeyFrame('H264', Buffer.from([0x7c, 0x81, 0x9a])), false, 'FU-A start of a non-IDR slice');
    });
  });

  describe('a rendition playlist window', () => {
    const at = (s: number) => new Date(Date.UTC(2026, 11, 2, 9, 0, s));

    it('slides, keeps its media sequence, and counts discontinuities that left it', () => {
      const window = new VariantWindow(3);
      const gone = [100, 101, 102, 103, 104].flatMap((sequence, i) =>
        window.add({ sequence, durationS: 2, programDateTime: at(i * 2), discontinuity: sequence === 102 }),
      );
      assert.deepEqual(
        gone.map((g) => g.sequence),
        [100, 101],
      );
      const text = window.render(2, (n) => `${n}.ts?token=t`);
      assert.match(text, /#EXT-X-MEDIA-SEQUENCE:102\n#EXT-X-DISCONTINUITY-SEQUENCE:0\n/);
      assert.ok(!text.includes('#EXT-X-DISCONTINUITY\n'), 'a discontinuity on the first listed segment is implied by the sequence');
      assert.match(text, /#EXT-X-PROGRAM-DATE-TIME:2026-12-02T09:00:04.000Z\n#EXTINF:2.000,\n102.ts\?token=t\n/);
      window.add({ sequence: 105, durationS: 2, programDateTime: at(10), discontinuity: false });
      assert.match(
        window.render(2, (n) => `${n}.ts`),
        /#EXT-X-MEDIA-SEQUENCE:103\n#EXT-X-DISCONTINUITY-SEQUENCE:1\n/,
      );
    });

    it('marks a discontinuity before a segment inside the window', () => {
      const window = new VariantWindow(5);
      window.add({ sequence: 1, durationS: 1, programDateTime: at(0), discontinuity: false });
      window.add({ sequence: 2, durationS: 1.02, programDateTime: at(5), discontinuity: true });
      assert.match(
        window.render(1, (n) => `${n}.ts`),
        /1\.ts\n#EXT-X-DISCONTINUITY\n#EXT-X-PROGRAM-DATE-TIME:2026-12-02T09:00:05.000Z\n#EXTINF:1.020,\n2\.ts/,
      );
    });
  });
});
