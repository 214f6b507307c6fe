import fs from 'node:fs';
import path from 'node:path';
import type { EventEmitter } from 'node:events';
import { channelDir, finaliseRecording, freeBytes, keepSegment, writeTracks } from '../../media/egress/recordingFiles';
import type { ListedSegment } from '../../media/egress/StageHls';
import type { CommitRecord, ConferenceEvents } from '../conference/ConferenceBus';
import type { Logger } from '../logger';
import { stageKey } from '../stageKey';
import type { Store } from '../store';
import type { RecordingRecord, SessionRecord } from '../store/records';

/** What recording needs of the node's HLS egress: its listed segments, and a way to start a stage's stream. */
export interface RecorderEgress {
  on(event: 'segment', listener: (segment: ListedSegment) => void): unknown;
  off(event: 'segment', listener: (segment: ListedSegment) => void): unknown;
  start(stageKey: string): Promise<unknown>;
}

export interface SessionRecorderOptions {
  /** Writes a recording that is ready with its report (partner webhooks hear of it from the node that made it). */
  commitReady: CommitRecord<RecordingRecord>;
  dir: string;
  /** Below this many free bytes a session is not recorded (and ops are alerted by `disk_low`). */
  minFreeBytes: number;
  segmentSeconds: number;
  /** This node's id, kept on each recording: the replay is served where its file is. */
  nodeId: string;
  /** In a cluster: whether a node is running (its recordings are its own to finalise). */
  isNodeAlive?: (nodeId: string) => boolean;
  /** Whether this node is the stage's origin (it runs the stage's stream); always on a single node. */
  isOrigin(stageKey: string): boolean;
}

interface Recording {
  record: RecordingRecord;
  parts: string;
  fromMs: number;
  toMs: number | null;
}

/** The MP4 of a session's recording. */
export function recordingFile(dir: string, eventId: string, sessionId: string): string {
  return path.join(dir, eventId, `${sessionId}.mp4`);
}

/**
 * Records every session that goes live on a stage this node streams: the top HLS rendition's segments
 * (and each interpretation channel's audio rendition's) from the moment it goes live to the moment it
 * ends are kept (hard links) and then joined into one MP4 without re-encoding, one audio track per language. While it records, what is kept on disk is playable segment by segment: a node
 * killed mid-session leaves them, and the next start finalises them into a (partial) MP4.
 */
export class SessionRecorder {
  readonly #recording = new Map<string, Recording>();
  readonly #finishing = new Set<Promise<void>>();
  readonly #timers = new Set<NodeJS.Timeout>();
  readonly #logger: Logger;
  readonly #onSegment = (segment: ListedSegment): void => this.#keep(segment);
  readonly #onSession = (session: SessionRecord): void => {
    if (session.status === 'live')
      void this.#begin(session).catch((error: unknown) => this.#logger.error({ err: error }, 'recording did not start'));
    else if (session.status === 'done') this.#end(session);
  };
  #closed = false;

  constructor(
    private readonly store: Store,
    private readonly bus: Pick<EventEmitter<ConferenceEvents>, 'on' | 'off'>,
    private readonly egress: RecorderEgress,
    readonly options: SessionRecorderOptions,
    logger: Logger,
  ) {
    this.#logger = logger.child({ module: 'SessionRecorder' });
    egress.on('segment', this.#onSegment);
    bus.on('sessionchanged', this.#onSession);
  }

  /** Finalises the recordings a previous run of the node left unfinished (killed while recording). */
  async recover(eventIds: readonly string[]): Promise<void> {
    for (const eventId of eventIds) {
      for (const record of await this.store.collection('recordings').list(eventId)) {
        if (record.status !== 'recording' || !this.#leftHere(record)) continue;
        this.#logger.info({ session: record.id }, 'finalising a recording left unfinished by the last run');
        await this.#finalise({
          record: { ...record, partial: true },
          parts: this.#partsDir(record),
          fromMs: Date.parse(record.startedAt),
          toMs: null,
        });
      }
    }
  }

  async close(): Promise<void> {
    this.#closed = true;
    this.egress.off('segment', this.#onSegment);
    this.bus.off('sessionchanged', this.#onSession);
    for (const timer of this.#timers) clearTimeout(timer);
    // A session still live when the node stops: what was recorded becomes its (partial) file now.
    const open = [...this.#recording.values()];
    this.#recording.clear();
    await Promise.all([
      ...this.#finishing,
      ...open.map((r) => this.#finalise({ ...r, record: { ...r.record, partial: r.toMs === null } })),
    ]);
  }

  /**
   * Whether a recording an earlier run left unfinished is this node's to finalise: on a single node all
   * are; in a cluster those of a node that is not running (a restarted node has a new id unless NODE_ID
   * is set) whose parts are on this node's disk.
   */
  #leftHere(record: RecordingRecord): boolean {
    const { isNodeAlive, nodeId } = this.options;
    if (!isNodeAlive) return true;
    if (record.nodeId !== nodeId && isNodeAlive(record.nodeId)) return false;
    return fs.existsSync(this.#partsDir(record));
  }

  #partsDir(record: RecordingRecord): string {
    return path.join(this.options.dir, record.eventId, `${record.id}.parts`);
  }

  async #begin(session: SessionRecord): Promise<void> {
    const key = stageKey(session.eventId, session.stageId);
    if (this.#closed || this.#recording.get(key)?.record.id === session.id || !this.options.isOrigin(key)) return;
    const record: RecordingRecord = {
      id: session.id,
      eventId: session.eventId,
      stageId: session.stageId,
      title: session.title,
      nodeId: this.options.nodeId,
      status: 'recording',
      startedAt: new Date().toISOString(),
      endedAt: null,
      durationS: null,
      bytes: null,
      partial: false,
      problem: null,
    };
    const free = freeBytes(this.options.dir);
    if (free < this.options.minFreeBytes) {
      const problem = `not recorded: ${Math.round(free / 1e6)} MB free in the recordings directory (at least ${Math.round(this.options.minFreeBytes / 1e6)} MB needed)`;
      this.#logger.warn({ session: session.id }, problem);
      await this.store.collection('recordings').put({ ...record, status: 'failed', problem });
      return;
    }
    const recording: Recording = { record, parts: this.#partsDir(record), fromMs: Date.parse(record.startedAt), toMs: null };
    fs.mkdirSync(recording.parts, { recursive: true });
    // The languages the tracks are tagged with when the file is made (floor first, then the channels).
    const stage = await this.store.collection('stages').get(session.eventId, session.stageId);
    writeTracks(recording.parts, { floor: stage?.floorLanguage ?? null, channels: stage?.interpretationLanguages ?? [] });
    await this.store.collection('recordings').put(record);
    this.#recording.set(key, recording);
    this.#logger.info({ session: session.id, stage: key }, 'recording');
    await this.egress.start(key);
  }

  /** Keeps the top rendition's segments (picture and floor) and each interpretation channel's (one more track each). */
  #keep(segment: ListedSegment): void {
    const channel = segment.audio !== null && !segment.audio.isFloor;
    if (segment.rendition !== 0 && !channel) return;
    const recording = this.#recording.get(segment.stageKey);
    if (!recording) return;
    const startMs = segment.programDateTime.getTime();
    if (startMs + segment.durationS * 1000 <= recording.fromMs || (recording.toMs !== null && startMs >= recording.toMs)) return;
    try {
      const dir = channel ? channelDir(recording.parts, segment.name) : recording.parts;
      if (channel) fs.mkdirSync(dir, { recursive: true });
      keepSegment(dir, segment);
    } catch (error) {
      this.#logger.error({ err: error, session: recording.record.id }, 'a segment could not be kept for the recording');
    }
  }

  /** The session ended: its last seconds are still being encoded, so the file is made a little later. */
  #end(session: SessionRecord): void {
    const key = stageKey(session.eventId, session.stageId);
    const recording = this.#recording.get(key);
    if (!recording || recording.record.id !== session.id) return;
    recording.toMs = Date.now();
    recording.record = { ...recording.record, endedAt: new Date(recording.toMs).toISOString() };
    const timer = setTimeout(
      () => {
        this.#timers.delete(timer);
        if (this.#recording.get(key) === recording) this.#recording.delete(key);
        const done = this.#finalise(recording).finally(() => this.#finishing.delete(done));
        this.#finishing.add(done);
      },
      this.options.segmentSeconds * 3000 + 2000,
    );
    this.#timers.add(timer);
  }

  async #finalise(recording: Recording): Promise<void> {
    const { record } = recording;
    const out = recordingFile(this.options.dir, record.eventId, record.id);
    let next: RecordingRecord;
    try {
      const made = await finaliseRecording(recording.parts, out, { fromMs: recording.fromMs, toMs: recording.toMs });
      next = made
        ? { ...record, status: 'ready', endedAt: record.endedAt ?? new Date().toISOString(), durationS: made.durationS, bytes: made.bytes }
        : { ...record, status: 'failed', problem: 'nothing was recorded (the stage had no picture)' };
      if (made) fs.rmSync(recording.parts, { recursive: true, force: true });
    } catch (error) {
      this.#logger.error({ err: error, session: record.id }, 'recording could not be finalised');
      next = { ...record, status: 'failed', problem: error instanceof Error ? error.message.slice(0, 300) : String(error) };
    }
    const recordings = this.store.collection('recordings');
    if (next.status === 'ready') await this.options.commitReady((outbox) => recordings.put(next, outbox), next);
    else await recordings.put(next);
    this.#logger.info({ session: record.id, status: next.status, durationS: next.durationS }, 'recording finalised');
  }
}
