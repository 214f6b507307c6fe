import { randomBytes } from 'node:crypto';

/** The parts of a WHIP offer a test varies; everything else is what Chromium sends. */
export interface OfferShape {
  video?: 'VP8' | 'H264' | null;
  audio?: boolean;
  fingerprint?: string;
}

function fingerprint(): string {
  return [...randomBytes(32)].map((b) => b.toString(16).padStart(2, '0').toUpperCase()).join(':');
}

/** A well-formed offer as a browser encoder sends it: BUNDLE, rtcp-mux, ssrc lines with an RTX FID group. */
export function validOffer(shape: OfferShape = {}): string {
  const video = shape.video === undefined ? 'VP8' : shape.video;
  const audio = shape.audio ?? true;
  const print = shape.fingerprint ?? fingerprint();
  const mids = [...(audio ? ['0'] : []), ...(video ? ['1'] : [])];
  const lines = [
    'v=0',
    'o=- 4611731400430051336 2 IN IP4 127.0.0.1',
    's=-',
    't=0 0',
    `a=group:BUNDLE ${mids.join(' ')}`,
    'a=extmap-allow-mixed',
    'a=msid-semantic: WMS stream',
  ];
  const transport = [
    'c=IN IP4 0.0.0.0',
    'a=rtcp:9 IN IP4 0.0.0.0',
    'a=ice-ufrag:Abcd',
    'a=ice-pwd:abcdefghijklmnopqrstuvwx',
    'a=ice-options:trickle',
    `a=fingerprint:sha-256 ${print}`,
    'a=setup:actpass',
  ];
  if (audio) {
    lines.push(
      'm=audio 9 UDP/TLS/RTP/SAVPF 111 0',
      ...transport,
      'a=mid:0',
      'a=extmap:1 urn:ietf:params:rtp-hdrext:ssrc-audio-level',
      'a=extmap:3 http://www.ietf.org/id/draft-holmer-rmcat-transport-wide-cc-extensions-01',
      'a=extmap:4 urn:ietf:params:rtp-hdrext:sdes:mid',
      'a=sendonly',
      'a=msid:stream audio',
      'a=rtcp-mux',
      'a=rtcp-rsize',
      'a=rtpmap:111 opus/48000/2',
      'a=rtcp-fb:111 transport-cc',
      'a=fmtp:111 minptime=10;useinbandfec=1',
      'a=rtpmap:0 PCMU/8000',
      'a=ssrc:1001 cname:encoder',
      'a=ssrc:1001 msid:stream audio',
    );
  }
  if (video) {
    const [pt, rtpmap, fmtp] =
      video === 'VP8'
        ? [96, 'VP8/90000', null]
        : [102, 'H264/90000', 'level-asymmetry-allowed=1;packetization-mode=1;profile-level-id=42e01f'];
    lines.push(
      `m=video 9 UDP/TLS/RTP/SAVPF ${pt} ${pt + 1}`,
      ...transport,
      'a=mid:1',
      'a=extmap:2 http://www.webrtc.org/experiments/rtp-hdrext/abs-send-time',
      'a=extmap:3 http://www.ietf.org/id/draft-holmer-rmcat-transport-wide-cc-extensions-01',
      'a=extmap:4 urn:ietf:params:rtp-hdrext:sdes:mid',
      'a=extmap:13 urn:3gpp:video-orientation',
      'a=sendonly',
      'a=msid:stream video',
      'a=rtcp-mux',
      'a=rtcp-rsize',
      `a=rtpmap:${pt} ${rtpmap}`,
      `a=rtcp-fb:${pt} goog-remb`,
      `a=rtcp-fb:${pt} transport-cc`,
      `a=rtcp-fb:${pt} ccm fir`,
      `a=rtcp-fb:${pt} nack`,
      `a=rtcp-fb:${pt} nack pli`,
      ...(fmtp ? [`a=fmtp:${pt} ${fmtp}`] : []),
      `a=rtpmap:${pt + 1} rtx/90000`,
      `a=fmtp:${pt + 1} apt=${pt}`,
      'a=ssrc-group:FID 2001 2002',
      'a=ssrc:2001 cname:encoder',
      'a=ssrc:2002 cname:encoder',
    );
  }
  return `${lines.join('\r\n')}\r\n`;
}

/** The offer with every line matching `pattern` replaced by `replacement` (or removed with null). */
function edit(offer: string, pattern: RegExp, replacement: string | null): string {
  const lines = offer.split('\r\n');
  const out = lines.flatMap((line) => (pattern.test(line) ? (replacement === null ? [] : [line.replace(pattern, replacement)]) : [line]));
  return out.join('\r\n');
}

/**
 * Offers a WHIP endpoint must refuse with a 4xx, each named by what is wrong: malformed SDP, missing
 * or malformed transport attributes, values out of range, codecs the stages do not take, shapes it
 * does not take. Every one is refused before anything opens. More than 100, generated from families.
 */
export function hostileOffers(): { name: string; sdp: string }[] {
  const base = validOffer();
  const cases: { name: string; sdp: string }[] = [];
  const add = (name: string, sdp: string): void => {
    cases.push({ name, sdp });
  };
  // Not SDP at all.
  add('empty body', '');
  add('plain text', 'hello encoder');
  add('JSON', '{"sdp":"v=0"}');
  add('version 1', base.replace('v=0', 'v=1'));
  add('no version line', base.replace('v=0\r\n', ''));
  add('NUL bytes', base.replace('s=-', 's=\u0000\u0000'));
  add('escape characters', base.replace('s=-', 's=\u001b[31m'));
  add('only the session part', base.slice(0, base.indexOf('m=audio')));
  add('truncated inside the audio section', base.slice(0, base.indexOf('a=ssrc:1001')));
  add(
    'binary noise',
    `v=0\r\n${randomBytes(600)
      .toString('latin1')
      .replace(/[\r\n]/g, ' ')}`,
  );
  // Structure.
  add('no mid', edit(base, /^a=mid:.*$/, null));
  add('duplicate mid', edit(base, /^a=mid:1$/, 'a=mid:0'));
  for (const mid of ['', 'a b', 'x'.repeat(33), 'mid;drop', '\u00e9t\u00e9'])
    add(`bad mid ${JSON.stringify(mid)}`, edit(base, /^a=mid:1$/, `a=mid:${mid}`));
  add('no BUNDLE group', edit(base, /^a=group:BUNDLE.*$/, null));
  add('BUNDLE without video', edit(base, /^a=group:BUNDLE.*$/, 'a=group:BUNDLE 0'));
  add('two video sections', base + base.slice(base.indexOf('m=video')).replace('a=mid:1', 'a=mid:2'));
  add(
    'nine sections',
    base + Array.from({ length: 7 }, (_, i) => `m=application 9 UDP/DTLS/SCTP webrtc-datachannel\r\na=mid:d${i}\r\n`).join(''),
  );
  add(
    'only a data channel',
    'v=0\r\no=- 1 2 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\nm=application 9 UDP/DTLS/SCTP webrtc-datachannel\r\na=mid:0\r\n',
  );
  // Directions and ports.
  add('recvonly everywhere', edit(base, /^a=sendonly$/, 'a=recvonly'));
  add('inactive everywhere', edit(base, /^a=sendonly$/, 'a=inactive'));
  add('port 0 everywhere', edit(base, /^m=(audio|video) 9 /, 'm=$1 0 '));
  for (const proto of ['RTP/AVP', 'RTP/SAVPF', 'UDP/TLS/RTP/SAVP', 'TCP/TLS/RTP/SAVPF']) {
    add(`protocol ${proto}`, edit(base, /^m=video 9 UDP\/TLS\/RTP\/SAVPF/, `m=video 9 ${proto}`));
  }
  // ICE and DTLS.
  add('no ice-ufrag', edit(base, /^a=ice-ufrag:.*$/, null));
  add('no ice-pwd', edit(base, /^a=ice-pwd:.*$/, null));
  for (const ufrag of ['abc', 'a'.repeat(257), 'ab cd', 'ab;d', 'abc\u00e9'])
    add(`ice-ufrag ${ufrag.slice(0, 12)}`, edit(base, /^a=ice-ufrag:.*$/, `a=ice-ufrag:${ufrag}`));
  for (const pwd of ['short', 'p'.repeat(257), 'a b'.repeat(10)])
    add(`ice-pwd ${pwd.slice(0, 12)}`, edit(base, /^a=ice-pwd:.*$/, `a=ice-pwd:${pwd}`));
  add('no rtcp-mux', edit(base, /^a=rtcp-mux$/, null));
  add('no fingerprint', edit(base, /^a=fingerprint:.*$/, null));
  for (const algorithm of ['md5', 'sha-257', 'SHA256', ''])
    add(`fingerprint algorithm ${algorithm}`, edit(base, /^a=fingerprint:sha-256/, `a=fingerprint:${algorithm}`));
  for (const hash of [
    '00',
    'ZZ:'.repeat(31) + 'ZZ',
    '00:'.repeat(19) + '00',
    '00:'.repeat(40) + '00',
    '0000'.repeat(16),
    '00-'.repeat(31) + '00',
  ]) {
    add(`fingerprint value ${hash.slice(0, 12)}`, edit(base, /^a=fingerprint:sha-256 .*$/, `a=fingerprint:sha-256 ${hash}`));
  }
  const videoAt = base.indexOf('m=video');
  add(
    'two fingerprints in one bundle',
    base.slice(0, videoAt) + base.slice(videoAt).replace(/a=fingerprint:sha-256 .*/, `a=fingerprint:sha-256 ${fingerprint()}`),
  );
  for (const setup of ['holdconn', 'both', '', 'act-pass']) add(`setup ${setup}`, edit(base, /^a=setup:.*$/, `a=setup:${setup}`));
  add('no setup', edit(base, /^a=setup:.*$/, null));
  add(
    'too many candidates',
    base.replace(
      'a=mid:1',
      `a=mid:1\r\n${Array.from({ length: 70 }, (_, i) => `a=candidate:${i} 1 udp 1 127.0.0.1 ${1000 + i} typ host`).join('\r\n')}`,
    ),
  );
  // Codecs.
  add(
    'no usable video codec: AV1',
    validOffer()
      .replace(/m=video 9 UDP\/TLS\/RTP\/SAVPF 96 97/, 'm=video 9 UDP/TLS/RTP/SAVPF 96 97')
      .replace('VP8/90000', 'AV1/90000'),
  );
  add('no usable video codec: VP9', validOffer().replace('VP8/90000', 'VP9/90000'));
  add('no usable video codec: VP8 at 8 kHz', validOffer().replace('VP8/90000', 'VP8/8000'));
  add('H264 packetization-mode 0', validOffer({ video: 'H264' }).replace('packetization-mode=1', 'packetization-mode=0'));
  add('H264 without fmtp', edit(validOffer({ video: 'H264' }), /^a=fmtp:102 .*$/, null));
  for (const profile of ['640c1f', '4d001f', '42001f', '64001f', 'zzzzzz', '42e0', '42e01f00']) {
    add(`H264 profile ${profile}`, validOffer({ video: 'H264' }).replace('profile-level-id=42e01f', `profile-level-id=${profile}`));
  }
  add('no usable audio codec: PCMU only', base.replace('m=audio 9 UDP/TLS/RTP/SAVPF 111 0', 'm=audio 9 UDP/TLS/RTP/SAVPF 0'));
  add('no usable audio codec: opus at 16 kHz', base.replace('opus/48000/2', 'opus/16000/2'));
  add('no usable audio codec: mono opus', base.replace('opus/48000/2', 'opus/48000/1'));
  add('no usable audio codec: G722', base.replace('opus/48000/2', 'G722/8000'));
  add('rtpmap missing for the listed payloads', edit(base, /^a=rtpmap:.*$/, null));
  for (const payloads of ['128', '999999', '-1', 'abc', '96 96x', '1e3', Array.from({ length: 65 }, (_, i) => 30 + i).join(' ')]) {
    add(
      `video payload types ${payloads.slice(0, 16)}`,
      edit(base, /^m=video 9 UDP\/TLS\/RTP\/SAVPF .*$/, `m=video 9 UDP/TLS/RTP/SAVPF ${payloads}`),
    );
  }
  add('empty payload list', edit(base, /^m=video 9 UDP\/TLS\/RTP\/SAVPF .*$/, 'm=video 9 UDP/TLS/RTP/SAVPF '));
  // SSRCs.
  add('no ssrc lines', edit(base, /^a=ssrc(-group)?:.*$/, null));
  for (const ssrc of ['0', '4294967296', '99999999999999999999', '1.5'])
    add(`audio ssrc ${ssrc}`, edit(base, /^a=ssrc:1001 /, `a=ssrc:${ssrc} `));
  add('two audio ssrcs without a group', base.replace('a=ssrc:1001 msid:stream audio', 'a=ssrc:1002 cname:encoder'));
  add('FID group naming an unknown ssrc', base.replace('a=ssrc-group:FID 2001 2002', 'a=ssrc-group:FID 2001 9999'));
  add('FID group naming one ssrc twice', base.replace('a=ssrc-group:FID 2001 2002', 'a=ssrc-group:FID 2001 2001'));
  add('FID group of three', base.replace('a=ssrc-group:FID 2001 2002', 'a=ssrc-group:FID 2001 2002 1001'));
  add('one ssrc in both sections', base.replace(/a=ssrc:2001/g, 'a=ssrc:1001').replace('FID 2001 2002', 'FID 1001 2002'));
  for (const cname of ['has space', 'x'.repeat(300), 'caf\u00e9'])
    add(`cname ${cname.slice(0, 12)}`, edit(base, /^a=ssrc:1001 cname:.*$/, `a=ssrc:1001 cname:${cname}`));
  add(
    'too many ssrc lines',
    base.replace('a=ssrc:1001 cname:encoder', Array.from({ length: 40 }, () => 'a=ssrc:1001 cname:encoder').join('\r\n')),
  );
  add(
    'simulcast rids without ssrcs',
    edit(base, /^a=ssrc(-group)?:2.*$/, null).replace('a=mid:1', 'a=mid:1\r\na=rid:h send\r\na=rid:l send\r\na=simulcast:send h;l'),
  );
  // Header extensions and feedback.
  for (const id of ['0', '15', '255', '16']) add(`extmap id ${id}`, edit(base, /^a=extmap:13 /, `a=extmap:${id} `));
  add('extmap id used twice', edit(base, /^a=extmap:13 /, 'a=extmap:2 '));
  add(
    'too many extmaps',
    base.replace('a=mid:1', `a=mid:1\r\n${Array.from({ length: 40 }, (_, i) => `a=extmap:${(i % 14) + 1} urn:x-${i}`).join('\r\n')}`),
  );
  add(
    'too many rtcp-fb lines',
    base.replace('a=mid:1', `a=mid:1\r\n${Array.from({ length: 70 }, () => 'a=rtcp-fb:96 nack').join('\r\n')}`),
  );
  // Wrapping and encoding.
  add('H264 without profile-level-id (Baseline by default)', validOffer({ video: 'H264' }).replace(';profile-level-id=42e01f', ''));
  add('carriage returns only', base.replace(/\r\n/g, '\r'));
  add('UTF-16', Buffer.from(base, 'utf16le').toString('latin1'));
  // Each mandatory session line removed in turn still leaves a readable offer: these must pass or fail
  // on their merit, so only the lines whose removal breaks the offer are listed.
  for (const [name, pattern] of [
    ['audio rtpmap', /^a=rtpmap:111 .*$/],
    ['video rtpmap', /^a=rtpmap:96 .*$/],
  ] as const) {
    add(`without the ${name}`, edit(base, pattern, null));
  }
  return cases;
}
