import assert from 'node:assert/strict';
import { audioRenditions, encoderWorkChanged, type StageLanguages } from '../../../media/egress/audioRenditions';
import { encoderArgs, encoderSdp } from '../../../media/egress/HlsEncoder';
import { iso639_2 } from '../../../media/egress/iso639';
import { renderMaster } from '../../../media/egress/playlists';

const LADDER = {
  renditions: [{ name: '360p', width: 640, height: 360, videoKbps: 600 }],
  audioKbps: 128,
  segmentSeconds: 1,
  frameRate: 30,
};
const STAGE: StageLanguages = { floor: 'zh', channels: ['en', 'fr-CA'], floorLevel: 0.2 };

describe('HLS egress parts: audio renditions per language', () => {
  it('a stage without channels keeps its stream as it was: no audio rendition, no group, no audio-only output', () => {
    const none = { ...STAGE, channels: [] };
    assert.deepEqual(audioRenditions(none), []);
    const master = renderMaster(LADDER.renditions, 128, 30, () => '360p/index.m3u8');
    assert.doesNotMatch(master, /EXT-X-MEDIA|AUDIO=/);
    const args = encoderArgs('p.sdp', '/w', LADDER, none).join(' ');
    assert.doesNotMatch(args, /amix|asplit|a0-/);
    assert.equal((args.match(/-segment_list /g) ?? []).length, 1);
  });

  it('lists the floor (default) and each channel, named in its own language, and every variant names the group', () => {
    const audio = audioRenditions(STAGE);
    assert.deepEqual(
      audio.map((a) => [a.name, a.language, a.isFloor]),
      [
        ['audio-floor', 'zh', true],
        ['audio-en', 'en', false],
        ['audio-fr-ca', 'fr-CA', false],
      ],
    );
    const master = renderMaster(LADDER.renditions, 128, 30, () => '360p/index.m3u8?token=t', {
      renditions: audio,
      uri: (name) => `${name}/index.m3u8?token=t`,
    });
    assert.match(
      master,
      /#EXT-X-MEDIA:TYPE=AUDIO,GROUP-ID="aac",LANGUAGE="zh",NAME="中文",DEFAULT=YES,AUTOSELECT=YES,CHANNELS="2",URI="audio-floor\/index.m3u8\?token=t"/,
    );
    assert.match(
      master,
      /LANGUAGE="fr-CA",NAME="français canadien",DEFAULT=NO,AUTOSELECT=YES,CHANNELS="2",URI="audio-fr-ca\/index.m3u8\?token=t"/,
    );
    assert.match(master, /#EXT-X-STREAM-INF:[^\n]*AUDIO="aac"\n360p\/index\.m3u8\?token=t/);
  });

  it('feeds ffmpeg one RTP stream per channel and mixes the floor under each at the stage level', () => {
    const sdp = encoderSdp(
      { videoCodec: 'H264', videoPayloadType: 96, audioPayloadType: 111, ...STAGE },
      { video: 5000, audio: 5002, channels: [5004, 5006] },
    );
    assert.deepEqual(sdp.match(/^m=audio \d+/gm), ['m=audio 5002', 'm=audio 5004', 'm=audio 5006']);
    const args = encoderArgs('p.sdp', '/w', LADDER, STAGE).join(' ');
    assert.match(args, /\[0:a:0\]aresample=async=1,volume=0\.200,asplit=2\[fl0\]\[fl1\]/);
    assert.match(args, /\[0:a:2\]aresample=async=1\[ch1\];\[ch1\]\[fl1\]amix=inputs=2:duration=first:normalize=0\[mix1\]/);
    // The ladder's list, then the floor's, then one per channel.
    assert.deepEqual(args.match(/-segment_list pipe:\d/g), [
      '-segment_list pipe:3',
      '-segment_list pipe:4',
      '-segment_list pipe:5',
      '-segment_list pipe:6',
    ]);
    assert.doesNotMatch(
      encoderArgs('p.sdp', '/w', LADDER, { ...STAGE, floorLevel: 0 }).join(' '),
      /amix/,
      'level 0: the interpreter alone',
    );
  });

  it('restarts the encoder for other channels or another level, not for the floor language alone', () => {
    assert.equal(encoderWorkChanged(STAGE, { ...STAGE, floor: 'en-GB' }), false);
    assert.equal(encoderWorkChanged(STAGE, { ...STAGE, channels: ['EN', 'FR-ca'] }), false, 'tags compare without case');
    assert.equal(encoderWorkChanged(STAGE, { ...STAGE, channels: ['en'] }), true);
    assert.equal(encoderWorkChanged(STAGE, { ...STAGE, floorLevel: 0.3 }), true);
  });

  it('tags recordings in ISO 639-2 (the T codes MP4 uses), und for what it cannot name', () => {
    assert.deepEqual(
      ['zh-Hans', 'en-GB', 'fr', 'de', 'yue', 'xx', null].map((tag) => iso639_2(tag)),
      ['zho', 'eng', 'fra', 'deu', 'yue', 'und', 'und'],
    );
  });
});
