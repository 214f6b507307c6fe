import type { HealthSample, SourceHealth, StageHealth, WorkerHealth } from '../../media/health/types';

/** A source as a sample reports it: receiving, no loss, full score unless said otherwise. */
export function sourceHealth(overrides: Partial<SourceHealth> & Pick<SourceHealth, 'id'>): SourceHealth {
  const kind = overrides.kind ?? (overrides.id.startsWith('onsite') ? 'onsite' : 'camera');
  return {
    kind,
    label: overrides.id,
    ownerId: kind === 'onsite' ? null : (overrides.id.split(':')[1] ?? null),
    receiving: true,
    silentForMs: 0,
    bitrateBps: 1_000_000,
    lossPercent: 0,
    score: 10,
    producers: [],
    feed: kind === 'onsite' ? [] : null,
    ...overrides,
  };
}

export function stageHealth(key: string, overrides: Partial<StageHealth> = {}): StageHealth {
  return {
    key,
    program: null,
    viewers: 1,
    hlsViewers: 0,
    receivingViewers: 1,
    previews: 0,
    consumers: 2,
    activeConsumers: 2,
    consumerScores: [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2],
    bitrateOutBps: 1_000_000,
    bytesOutDelta: 0,
    routers: 2,
    distributionRouters: 1,
    joins: 1,
    programSwitches: 0,
    sources: [],
    languages: [],
    hls: null,
    ...overrides,
  };
}

export function workerHealth(index: number, overrides: Partial<WorkerHealth> = {}): WorkerHealth {
  return {
    index,
    pid: 1000 + index,
    alive: true,
    cpuPercent: 10,
    rssBytes: 1e7,
    maxRssBytes: 2e7,
    restarts: 0,
    portsInUse: { udp: 0, tcp: 0 },
    portsTotal: 100,
    portsExhausted: false,
    ...overrides,
  };
}

let seq = 0;

/** A whole sample taken at `takenAtMs`, with the given stages and workers. */
export function healthSample(takenAtMs: number, stages: StageHealth[], workers: WorkerHealth[] = [workerHealth(0)]): HealthSample {
  return {
    nodeId: 'test-node',
    seq: ++seq,
    takenAt: new Date(takenAtMs).toISOString(),
    takenAtMs,
    intervalMs: 1000,
    durationMs: 1,
    node: {
      pid: 1,
      cpuPercent: 1,
      rssBytes: 1e8,
      heapUsedBytes: 5e7,
      eventLoopLagMs: { mean: 1, p99: 2, max: 3 },
      connectedSockets: 0,
      recordingsDisk: null,
    },
    workers,
    stages,
  };
}
