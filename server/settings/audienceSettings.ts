import type { Config } from '../configSchema';
import type { Setting } from './setting';

/** HLS, recordings and the WebRTC admission that sends viewers to HLS. */
export const AUDIENCE_SETTINGS = {
  hlsAutostart: {
    env: 'HLS_AUTOSTART',
    kind: 'bool',
    allowed: 'true | false',
    doc: "start a stage's HLS stream when it gets its first video source (false: only by API, startStageHls)",
  },
  hlsDir: { env: 'HLS_DIR', kind: 'string', allowed: 'a directory path', doc: 'where HLS segments are written (one directory per stage)' },
  hlsSegmentSeconds: {
    env: 'HLS_SEGMENT_SECONDS',
    kind: 'int',
    allowed: 'an integer 1–10',
    doc: 'length of an HLS segment; each starts with a key frame',
  },
  hlsWindowSegments: {
    env: 'HLS_WINDOW_SEGMENTS',
    kind: 'int',
    allowed: 'an integer 3–60',
    doc: 'segments each HLS playlist lists (the sliding window)',
  },
  hlsIdleStopMs: {
    env: 'HLS_IDLE_STOP_MS',
    kind: 'int',
    allowed: 'an integer 0–86400000',
    doc: "a stage's HLS stream stops after this long without a video source",
  },
  hlsLadder: {
    env: 'HLS_LADDER',
    kind: 'string',
    allowed: 'name:WIDTHxHEIGHT:kbps, comma-separated (1–6 renditions, even sizes)',
    doc: 'the HLS renditions (H.264 video bitrate per rendition)',
  },
  hlsAudioKbps: { env: 'HLS_AUDIO_KBPS', kind: 'int', allowed: 'an integer 32–320', doc: 'AAC bitrate of every HLS rendition' },
  recordSessions: {
    env: 'RECORD_SESSIONS',
    kind: 'bool',
    allowed: 'true | false',
    doc: "record every session that goes live (its stage's program, as an MP4 replay)",
  },
  recordingsDir: { env: 'RECORDINGS_DIR', kind: 'string', allowed: 'a directory path', doc: 'where recordings are written' },
  recordingsMinFreeMb: {
    env: 'RECORDINGS_MIN_FREE_MB',
    kind: 'int',
    allowed: 'an integer 0–10000000',
    doc: 'below this much free space in RECORDINGS_DIR a session is not recorded and disk_low is raised',
  },
  webrtcViewerBudget: {
    env: 'WEBRTC_VIEWER_BUDGET',
    kind: 'int',
    allowed: 'an integer 0–1000000 (0: workers × MAX_CONSUMERS_PER_ROUTER / 2)',
    doc: 'WebRTC viewers this node seats; a viewer joining past them watches over HLS',
  },
  webrtcCpuCeilingPercent: {
    env: 'WEBRTC_CPU_CEILING_PERCENT',
    kind: 'int',
    allowed: 'an integer 0–100 (0: off)',
    doc: "while the workers' mean CPU is at or above this percent of a core, new viewers watch over HLS",
  },
  joinBacklogMax: {
    env: 'JOIN_BACKLOG_MAX',
    kind: 'int',
    allowed: 'an integer 0–1000000 (0: no limit)',
    doc: 'while this many viewers have joined and receive nothing yet (a flash crowd the node is behind), new viewers watch over HLS',
  },
} satisfies Partial<Record<keyof Config, Setting>>;
