import type { types } from 'mediasoup-client';
import type { JoinResult, ProgramChange, ResumeResult, SourceInfo } from '../../../../signaling/contract';
import type { StageRoute } from '../../lib/route';
import { RequestError } from '../../lib/signaling';
import { StageConnection } from '../../lib/StageConnection';
import { fixedToken } from '../../lib/token';

export type MonitorState = 'connecting' | 'live' | 'reconnecting' | 'failed';

export interface MonitorSnapshot {
  state: MonitorState;
  sources: SourceInfo[];
  /** What is on air, as the server last said; null before the first join. */
  program: ProgramChange | null;
  /** The preview video of each source that has one, by source id. */
  previews: ReadonlyMap<string, MediaStreamTrack>;
  error: Error | null;
}

interface Preview {
  consumer: types.Consumer;
  sourceId: string;
}

// The smallest simulcast layer is plenty for a tile a few hundred pixels wide.
const PREVIEW_SPATIAL_LAYER = 0;

/**
 * The host's view of a stage's media: joins the stage (hosts receive every source on the origin, not
 * only the one on air) and keeps one video consumer per source flowing for the preview tiles. Sound
 * is not consumed: previews are muted, and the program's sound is the hall's business.
 */
export class StageMonitor {
  readonly connection: StageConnection;
  #state: MonitorState = 'connecting';
  #error: Error | null = null;
  #sources = new Map<string, SourceInfo>();
  #program: ProgramChange | null = null;
  /** By producer id. */
  #previews = new Map<string, Preview>();
  #device: types.Device | null = null;
  #recv: types.Transport | null = null;

  constructor(
    route: StageRoute,
    token: string,
    private readonly onChange: (snapshot: MonitorSnapshot) => void,
  ) {
    this.connection = new StageConnection(route, fixedToken(token), {
      joined: (join, device) => this.#joined(join, device),
      resumed: (result) => this.#resumed(result),
      disconnected: () => this.#setState('reconnecting'),
      failed: (error) => {
        this.#error = error;
        this.#dropPreviews(() => true);
        this.#setState('failed');
      },
    });
    const { socket } = this.connection;
    socket.on('sourceUpdated', (source) => {
      void this.connection.run(async () => {
        this.#sources.set(source.id, source);
        await this.#reconcile();
      });
    });
    socket.on('sourceClosed', ({ sourceId }) => {
      void this.connection.run(async () => {
        this.#sources.delete(sourceId);
        await this.#reconcile();
      });
    });
    socket.on('programChanged', (change) => {
      if (change.eventId !== route.eventId || change.stageId !== route.stageId) return;
      this.#program = change;
      this.#emit();
    });
    socket.on('consumerClosed', ({ consumerId }) => {
      void this.connection.run(async () => {
        this.#dropPreviews((p) => p.consumer.id === consumerId);
        this.#emit();
      });
    });
  }

  snapshot(): MonitorSnapshot {
    const previews = new Map<string, MediaStreamTrack>();
    for (const preview of this.#previews.values()) previews.set(preview.sourceId, preview.consumer.track);
    return { state: this.#state, sources: [...this.#sources.values()], program: this.#program, previews, error: this.#error };
  }

  close(): void {
    this.#dropPreviews(() => true);
    this.connection.close();
  }

  async #joined(join: JoinResult, device: types.Device): Promise<void> {
    this.#dropPreviews(() => true);
    this.#device = device;
    this.#sources = new Map(join.sources.map((s) => [s.id, s]));
    this.#program = join.program;
    this.#recv = await this.connection.createTransport('recv');
    await this.#reconcile();
    this.#setState('live');
  }

  async #resumed(result: ResumeResult): Promise<void> {
    const alive = new Set(result.consumerIds);
    this.#dropPreviews((p) => !alive.has(p.consumer.id));
    this.#sources = new Map(result.sources.map((s) => [s.id, s]));
    this.#program = result.program;
    await this.#reconcile();
    this.#setState('live');
  }

  async #reconcile(): Promise<void> {
    const wanted = new Map<string, string>();
    for (const source of this.#sources.values()) {
      for (const producer of source.producers) if (producer.kind === 'video') wanted.set(producer.producerId, source.id);
    }
    this.#dropPreviews((p) => !wanted.has(p.consumer.producerId));
    for (const [producerId, sourceId] of wanted) {
      if (!this.#previews.has(producerId)) await this.#consume(producerId, sourceId);
    }
    this.#emit();
  }

  async #consume(producerId: string, sourceId: string): Promise<void> {
    const recv = this.#recv;
    const device = this.#device;
    if (!recv || !device) return;
    try {
      const options = await this.connection.request('consume', { producerId, rtpCapabilities: device.recvRtpCapabilities });
      const consumer = await recv.consume({
        id: options.id,
        producerId: options.producerId,
        kind: options.kind,
        rtpParameters: options.rtpParameters as types.RtpParameters,
      });
      this.#previews.set(producerId, { consumer, sourceId });
      if (options.type === 'simulcast')
        await this.connection.request('setPreferredLayers', { consumerId: consumer.id, spatialLayer: PREVIEW_SPATIAL_LAYER });
      await this.connection.request('resumeConsumer', { consumerId: consumer.id });
    } catch (error) {
      // The producer closed meanwhile, or this browser cannot decode it: the other previews still play.
      if (error instanceof RequestError && (error.code === 'not_found' || error.code === 'bad_request')) {
        console.info(`stagecast: no preview of ${sourceId}:`, error.message);
        return;
      }
      throw error;
    }
  }

  #dropPreviews(matches: (preview: Preview) => boolean): void {
    for (const [producerId, preview] of [...this.#previews]) {
      if (!matches(preview)) continue;
      preview.consumer.close();
      this.#previews.delete(producerId);
    }
  }

  #setState(state: MonitorState): void {
    if (this.#state === 'failed') return;
    this.#state = state;
    this.#emit();
  }

  #emit(): void {
    this.onChange(this.snapshot());
  }
}
