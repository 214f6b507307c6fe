import type { Config } from '../configSchema';
import type { Setting } from './setting';

/** The SFU, its ports and the ways media comes in (RTP, WHIP, WHEP, RTMP, SRT). */
export const MEDIA_SETTINGS = {
  mediasoupNumWorkers: {
    env: 'MEDIASOUP_NUM_WORKERS',
    kind: 'int',
    allowed: 'an integer 1–64',
    doc: 'mediasoup workers; default one per core',
  },
  mediasoupLogLevel: {
    env: 'MEDIASOUP_LOG_LEVEL',
    kind: 'string',
    allowed: 'debug | warn | error | none',
    doc: 'mediasoup worker log level',
  },
  rtcMinPort: {
    env: 'RTC_MIN_PORT',
    kind: 'int',
    allowed: 'an integer 1024–65535, below RTC_MAX_PORT',
    doc: 'first UDP/TCP port for media',
  },
  rtcMaxPort: {
    env: 'RTC_MAX_PORT',
    kind: 'int',
    allowed: 'an integer 1024–65535, above RTC_MIN_PORT',
    doc: 'last port for media; split evenly between workers',
  },
  rtcListenIp: { env: 'RTC_LISTEN_IP', kind: 'string', allowed: 'an IPv4 address', doc: 'IP the media sockets bind to' },
  announcedIp: {
    env: 'ANNOUNCED_IP',
    kind: 'string',
    allowed: 'an IP or host name',
    doc: 'address given to browsers and encoders; default: RTC_LISTEN_IP, or the first non-loopback IPv4 when that is 0.0.0.0',
  },
  maxConsumersPerRouter: {
    env: 'MAX_CONSUMERS_PER_ROUTER',
    kind: 'int',
    allowed: 'an integer 1–5000',
    doc: 'consumers per distribution router before the next opens',
  },
  viewerStartBitrate: {
    env: 'VIEWER_START_BITRATE',
    kind: 'int',
    allowed: 'an integer 100000–20000000 (bit/s)',
    doc: "what a new viewer's downlink is taken to carry until bandwidth estimation has measured it; it picks the first simulcast layer",
  },
  reconnectGraceMs: {
    env: 'RECONNECT_GRACE_MS',
    kind: 'int',
    allowed: 'an integer 0–600000',
    doc: 'how long a dropped viewer keeps its media, waiting to resume',
  },
  ingestTakeoverMs: {
    env: 'INGEST_TAKEOVER_MS',
    kind: 'int',
    allowed: 'an integer 500–600000',
    doc: 'a second encoder with a stream key of a live feed is refused (409) until the first has sent nothing for this long',
  },
  whepIdleMs: {
    env: 'WHEP_IDLE_MS',
    kind: 'int',
    allowed: 'an integer 1000–600000',
    doc: 'a WHEP player that has sent nothing (no ICE check, no RTCP) for this long is ended, as is one that never connects',
  },
  rtmpPort: {
    env: 'RTMP_PORT',
    kind: 'int',
    allowed: 'an integer 0–65535 (0 = any free port)',
    doc: 'TCP port of the RTMP ingest (rtmp://host:RTMP_PORT/live/<stream key>), on HOST',
  },
  srtPort: {
    env: 'SRT_PORT',
    kind: 'int',
    allowed: 'an integer 0–65535 (0 = any free port)',
    doc: 'UDP port of the SRT ingest (srt://host:SRT_PORT?streamid=<stream key>, listener mode), on HOST',
  },
  srtPassphrase: {
    env: 'SRT_PASSPHRASE',
    kind: 'string',
    allowed: 'empty, or 10–79 letters and digits',
    doc: 'SRT encryption passphrase encoders must use; empty: unencrypted',
    secret: true,
  },
} satisfies Partial<Record<keyof Config, Setting>>;
