import type { types } from 'mediasoup';
import type { MediaKind } from '../types';
import type { FeedTransportHealth, ProducerHealth } from './types';

interface ProducerCounters {
  packets: number;
  lost: number;
  bytes: number;
}

function numberField(record: unknown, field: string): number {
  const value = typeof record === 'object' && record !== null ? (record as Record<string, unknown>)[field] : undefined;
  return typeof value === 'number' && Number.isFinite(value) ? value : 0;
}

function mediaKindOf(transport: types.Transport): MediaKind {
  const kind: unknown = (transport.appData as Record<string, unknown> | undefined)?.kind;
  return kind === 'audio' ? 'audio' : 'video';
}

function round(value: number, digits = 2): number {
  const factor = 10 ** digits;
  return Math.round(value * factor) / factor;
}

/**
 * Polls the stats of source producers and of the on-site feed's transports, and turns mediasoup's
 * cumulative counters into per-interval figures (loss over the last interval, bytes since the last
 * sample) by remembering the previous reading of each. One worker request per producer or transport.
 */
export class StreamStats {
  readonly #producers = new Map<string, ProducerCounters>();
  readonly #transports = new Map<string, number>();
  #seenProducers = new Set<string>();
  #seenTransports = new Set<string>();

  /** Null when the producer closed while we asked. */
  async producer(producer: types.Producer): Promise<ProducerHealth | null> {
    let stats: types.ProducerStat[];
    try {
      stats = await producer.getStats();
    } catch {
      return null;
    }
    const totals = { packets: 0, lost: 0, bytes: 0 };
    let bitrate = 0;
    let jitter = 0;
    let score = 0;
    let nacks = 0;
    let plis = 0;
    let firs = 0;
    for (const stream of stats) {
      totals.packets += numberField(stream, 'packetCount');
      totals.lost += Math.max(0, numberField(stream, 'packetsLost'));
      totals.bytes += numberField(stream, 'byteCount');
      bitrate += numberField(stream, 'bitrate');
      jitter = Math.max(jitter, numberField(stream, 'jitter'));
      score = Math.max(score, numberField(stream, 'score'));
      nacks += numberField(stream, 'nackCount');
      plis += numberField(stream, 'pliCount');
      firs += numberField(stream, 'firCount');
    }
    const previous = this.#producers.get(producer.id) ?? { packets: 0, lost: 0, bytes: 0 };
    this.#producers.set(producer.id, totals);
    this.#seenProducers.add(producer.id);
    const packetsDelta = Math.max(0, totals.packets - previous.packets);
    const lostDelta = Math.max(0, totals.lost - previous.lost);
    const expected = packetsDelta + lostDelta;
    return {
      producerId: producer.id,
      kind: producer.kind,
      receiving: packetsDelta > 0,
      bitrateBps: bitrate,
      bytesDelta: Math.max(0, totals.bytes - previous.bytes),
      packetsReceived: totals.packets,
      packetsLost: totals.lost,
      lossPercent: expected > 0 ? round((100 * lostDelta) / expected) : 0,
      jitterMs: round(jitter),
      score,
      nackCount: nacks,
      pliCount: plis,
      firCount: firs,
    };
  }

  /** Whether packets reach an on-site feed transport at all (counted before any check of the sender). */
  async feedTransport(transport: types.Transport): Promise<FeedTransportHealth | null> {
    let stats: unknown[];
    try {
      stats = await transport.getStats();
    } catch {
      return null;
    }
    const bytesReceived = stats.reduce<number>((sum, s) => sum + numberField(s, 'bytesReceived'), 0);
    const recvBitrate = stats.reduce<number>((sum, s) => sum + numberField(s, 'recvBitrate'), 0);
    const previous = this.#transports.get(transport.id) ?? 0;
    this.#transports.set(transport.id, bytesReceived);
    this.#seenTransports.add(transport.id);
    return {
      transportId: transport.id,
      kind: mediaKindOf(transport),
      bytesReceived,
      recvBitrateBps: recvBitrate,
      packetsArriving: bytesReceived > previous,
    };
  }

  /** Forgets the producers and transports not read since the last call (closed ones). */
  endSample(): void {
    for (const id of this.#producers.keys()) if (!this.#seenProducers.has(id)) this.#producers.delete(id);
    for (const id of this.#transports.keys()) if (!this.#seenTransports.has(id)) this.#transports.delete(id);
    this.#seenProducers = new Set();
    this.#seenTransports = new Set();
  }
}
