import { randomBytes } from 'node:crypto';

/** The parts of a WHEP player's offer a test varies; everything else is what Chromium sends. */
export interface PlayerOfferShape {
  /** The video codecs offered, in order (default: VP8, then H264 Constrained Baseline, then VP9); null: no video section. */
  video?: ('VP8' | 'H264' | 'VP9')[] | null;
  audio?: boolean;
  /** Audio's section first (default: video first, as Chromium orders transceivers added video first). */
  audioFirst?: boolean;
}

function fingerprint(): string {
  return [...randomBytes(32)].map((b) => b.toString(16).padStart(2, '0').toUpperCase()).join(':');
}

const VIDEO_FORMATS: Record<'VP8' | 'H264' | 'VP9', { pt: number; rtpmap: string; fmtp: string | null }> = {
  VP8: { pt: 96, rtpmap: 'VP8/90000', fmtp: null },
  VP9: { pt: 98, rtpmap: 'VP9/90000', fmtp: 'profile-id=0' },
  H264: { pt: 108, rtpmap: 'H264/90000', fmtp: 'level-asymmetry-allowed=1;packetization-mode=1;profile-level-id=42e01f' },
};

/** A well-formed recvonly offer as Chromium's player sends it: BUNDLE, rtcp-mux, no SSRCs, RTX per video format. */
export function playerOffer(shape: PlayerOfferShape = {}): string {
  const video = shape.video === undefined ? (['VP8', 'H264', 'VP9'] as const) : shape.video;
  const audio = shape.audio ?? true;
  const print = fingerprint();
  const transport = [
    'c=IN IP4 0.0.0.0',
    'a=rtcp:9 IN IP4 0.0.0.0',
    'a=ice-ufrag:mdHz',
    'a=ice-pwd:evEvrFboWCBfQF0QmIuPBf0q',
    'a=ice-options:trickle',
    `a=fingerprint:sha-256 ${print}`,
    'a=setup:actpass',
  ];
  const sections: { mid: string; lines: string[] }[] = [];
  const videoMid = shape.audioFirst ? '1' : '0';
  const audioMid = shape.audioFirst ? '0' : '1';
  if (video) {
    const formats = video.map((name) => VIDEO_FORMATS[name]);
    sections.push({
      mid: videoMid,
      lines: [
        `m=video 9 UDP/TLS/RTP/SAVPF ${formats.flatMap((f) => [f.pt, f.pt + 1]).join(' ')}`,
        ...transport,
        `a=mid:${videoMid}`,
        'a=extmap:1 urn:ietf:params:rtp-hdrext:toffset',
        'a=extmap:2 http://www.webrtc.org/experiments/rtp-hdrext/abs-send-time',
        'a=extmap:3 urn:3gpp:video-orientation',
        'a=extmap:4 http://www.ietf.org/id/draft-holmer-rmcat-transport-wide-cc-extensions-01',
        'a=extmap:9 urn:ietf:params:rtp-hdrext:sdes:mid',
        'a=recvonly',
        'a=rtcp-mux',
        'a=rtcp-rsize',
        ...formats.flatMap((f) => [
          `a=rtpmap:${f.pt} ${f.rtpmap}`,
          `a=rtcp-fb:${f.pt} goog-remb`,
          `a=rtcp-fb:${f.pt} transport-cc`,
          `a=rtcp-fb:${f.pt} ccm fir`,
          `a=rtcp-fb:${f.pt} nack`,
          `a=rtcp-fb:${f.pt} nack pli`,
          ...(f.fmtp ? [`a=fmtp:${f.pt} ${f.fmtp}`] : []),
          `a=rtpmap:${f.pt + 1} rtx/90000`,
          `a=fmtp:${f.pt + 1} apt=${f.pt}`,
        ]),
      ],
    });
  }
  if (audio) {
    sections.push({
      mid: audioMid,
      lines: [
        'm=audio 9 UDP/TLS/RTP/SAVPF 111 63 9 0 8',
        ...transport,
        `a=mid:${audioMid}`,
        'a=extmap:14 urn:ietf:params:rtp-hdrext:ssrc-audio-level',
        'a=extmap:2 http://www.webrtc.org/experiments/rtp-hdrext/abs-send-time',
        'a=extmap:4 http://www.ietf.org/id/draft-holmer-rmcat-transport-wide-cc-extensions-01',
        'a=extmap:9 urn:ietf:params:rtp-hdrext:sdes:mid',
        'a=recvonly',
        'a=rtcp-mux',
        'a=rtcp-rsize',
        'a=rtpmap:111 opus/48000/2',
        'a=rtcp-fb:111 transport-cc',
        'a=fmtp:111 minptime=10;useinbandfec=1',
        'a=rtpmap:63 red/48000/2',
        'a=fmtp:63 111/111',
        'a=rtpmap:9 G722/8000',
        'a=rtpmap:0 PCMU/8000',
        'a=rtpmap:8 PCMA/8000',
      ],
    });
  }
  sections.sort((a, b) => a.mid.localeCompare(b.mid));
  const lines = [
    'v=0',
    'o=- 6228259074819988252 2 IN IP4 127.0.0.1',
    's=-',
    't=0 0',
    `a=group:BUNDLE ${sections.map((s) => s.mid).join(' ')}`,
    'a=extmap-allow-mixed',
    'a=msid-semantic: WMS',
    ...sections.flatMap((s) => s.lines),
  ];
  return `${lines.join('\r\n')}\r\n`;
}

/** The offer with every line matching `pattern` replaced by `replacement` (or removed with null). */
function edit(offer: string, pattern: RegExp, replacement: string | null): string {
  const out = offer
    .split('\r\n')
    .flatMap((line) => (pattern.test(line) ? (replacement === null ? [] : [line.replace(pattern, replacement)]) : [line]));
  return out.join('\r\n');
}

/**
 * Offers a WHEP endpoint must refuse with a 4xx, each named by what is wrong: not SDP, nothing to
 * receive, only codecs no program feed carries, malformed transport attributes, payload types and
 * header extensions out of range, shapes it does not take.
 */
export function hostilePlayerOffers(): { name: string; sdp: string }[] {
  const base = playerOffer();
  const cases: { name: string; sdp: string }[] = [];
  const add = (name: string, sdp: string): void => {
    cases.push({ name, sdp });
  };
  add('empty body', '');
  add('plain text', 'play please');
  add('a WHIP-like JSON body', '{"sdp":"v=0"}');
  add('NUL bytes', base.replace('s=-', 's=\u0000'));
  add('no m-section', base.slice(0, base.indexOf('m=video')));
  add('truncated in the video section', base.slice(0, base.indexOf('a=rtpmap:96')));
  // Nothing to receive.
  add('sendonly everywhere', edit(base, /^a=recvonly$/, 'a=sendonly'));
  add('sendrecv everywhere', edit(base, /^a=recvonly$/, 'a=sendrecv'));
  add('no direction (sendrecv)', edit(base, /^a=recvonly$/, null));
  add('inactive everywhere', edit(base, /^a=recvonly$/, 'a=inactive'));
  add('port 0 everywhere', edit(base, /^m=(audio|video) 9 /, 'm=$1 0 '));
  add(
    'only a data channel',
    'v=0\r\no=- 1 2 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\nm=application 9 UDP/DTLS/SCTP webrtc-datachannel\r\na=mid:0\r\n',
  );
  // Codecs no program feed carries.
  add('video: VP9 only', playerOffer({ video: ['VP9'] }));
  add('video: AV1 only', playerOffer({ video: ['VP9'] }).replace(/VP9\/90000/g, 'AV1/90000'));
  add('video: H264 packetization-mode 0 only', playerOffer({ video: ['H264'] }).replace('packetization-mode=1', 'packetization-mode=0'));
  add('video: H264 High only', playerOffer({ video: ['H264'] }).replace('profile-level-id=42e01f', 'profile-level-id=640c1f'));
  add('video: VP8 at 8 kHz', playerOffer({ video: ['VP8'] }).replace('VP8/90000', 'VP8/8000'));
  add(
    'video: VP8 on a static payload type',
    playerOffer({ video: ['VP8'] })
      .replace(/\b96\b/g, '26')
      .replace(/\b97\b/g, '27'),
  );
  add(
    'video: VP8 on an RTCP payload type',
    playerOffer({ video: ['VP8'] })
      .replace(/\b96\b/g, '72')
      .replace(/\b97\b/g, '73'),
  );
  add('audio: PCMU only', edit(base, /^m=audio 9 UDP\/TLS\/RTP\/SAVPF .*$/, 'm=audio 9 UDP/TLS/RTP/SAVPF 0'));
  add('audio: mono opus', base.replace('opus/48000/2', 'opus/48000/1'));
  add('audio and video on one payload type', base.replace(/\b111\b/g, '96'));
  add('payload type 300', edit(base, /^m=video 9 UDP\/TLS\/RTP\/SAVPF .*$/, 'm=video 9 UDP/TLS/RTP/SAVPF 300'));
  add('no payload types', edit(base, /^m=video 9 UDP\/TLS\/RTP\/SAVPF .*$/, 'm=video 9 UDP/TLS/RTP/SAVPF '));
  // Structure.
  add('no mid', edit(base, /^a=mid:.*$/, null));
  add('duplicate mid', edit(base, /^a=mid:1$/, 'a=mid:0'));
  add('mid longer than 8 characters', edit(base, /^a=mid:1$/, 'a=mid:audiotrack').replace('BUNDLE 0 1', 'BUNDLE 0 audiotrack'));
  add('mid with a space', edit(base, /^a=mid:1$/, 'a=mid:a b'));
  add('no BUNDLE group', edit(base, /^a=group:BUNDLE.*$/, null));
  add('two video sections', base + base.slice(base.indexOf('m=video'), base.indexOf('m=audio')).replace('a=mid:0', 'a=mid:2'));
  add('protocol RTP/AVP', edit(base, /^m=video 9 UDP\/TLS\/RTP\/SAVPF/, 'm=video 9 RTP/AVP'));
  add(
    'nine sections',
    base + Array.from({ length: 7 }, (_, i) => `m=application 9 UDP/DTLS/SCTP webrtc-datachannel\r\na=mid:d${i}\r\n`).join(''),
  );
  // ICE and DTLS.
  add('no ice-ufrag', edit(base, /^a=ice-ufrag:.*$/, null));
  add('short ice-pwd', edit(base, /^a=ice-pwd:.*$/, 'a=ice-pwd:short'));
  add('no rtcp-mux', edit(base, /^a=rtcp-mux$/, null));
  add('no fingerprint', edit(base, /^a=fingerprint:.*$/, null));
  add('md5 fingerprint', edit(base, /^a=fingerprint:sha-256/, 'a=fingerprint:md5'));
  add('malformed fingerprint', edit(base, /^a=fingerprint:sha-256 .*$/, 'a=fingerprint:sha-256 ZZ:00'));
  const audioAt = base.indexOf('m=audio');
  add(
    'two fingerprints in one bundle',
    base.slice(0, audioAt) + base.slice(audioAt).replace(/a=fingerprint:sha-256 .*/, `a=fingerprint:sha-256 ${fingerprint()}`),
  );
  add('setup holdconn', edit(base, /^a=setup:.*$/, 'a=setup:holdconn'));
  add(
    'too many candidates',
    base.replace(
      'a=mid:0',
      `a=mid:0\r\n${Array.from({ length: 70 }, (_, i) => `a=candidate:${i} 1 udp 1 127.0.0.1 ${1000 + i} typ host`).join('\r\n')}`,
    ),
  );
  // Header extensions.
  add('extmap id 15', edit(base, /^a=extmap:9 /, 'a=extmap:15 '));
  add('extmap id used twice', edit(base, /^a=extmap:3 /, 'a=extmap:2 '));
  return cases;
}
