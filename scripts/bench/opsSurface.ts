// What a node tells ops over HTTP, read the way a scraper or the ops console would: GET /metrics
// (Prometheus text) and GET /api/health, /api/health/history (as a host of the event).
import type { HealthSampleView } from '../../server/ops/views';
import { tokenFor } from '../lib/inProcess';

/** Every sample of /metrics, summed over its labels, by metric name. */
export async function readMetrics(url: string): Promise<Record<string, number>> {
  const text = await (await fetch(`${url}/metrics`)).text();
  const sums: Record<string, number> = {};
  for (const line of text.split('\n')) {
    if (line.startsWith('#') || line.trim() === '') continue;
    const match = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{.*\})?\s+(\S+)/.exec(line);
    if (!match) continue;
    const value = Number(match[3]);
    if (Number.isFinite(value)) sums[match[1]] = (sums[match[1]] ?? 0) + value;
  }
  return sums;
}

export interface HealthReading {
  latest: HealthSampleView | null;
  /** Samples the node keeps in memory for charts, and the size of their JSON. */
  historySamples: number;
  historyJsonBytes: number;
}

export async function readHealth(url: string, eventId: string): Promise<HealthReading> {
  const headers = { authorization: `Bearer ${tokenFor('host', eventId)}` };
  const health = (await (await fetch(`${url}/api/health`, { headers })).json()) as { sample: HealthSampleView | null };
  const historyText = await (await fetch(`${url}/api/health/history`, { headers })).text();
  const history = JSON.parse(historyText) as { samples: unknown[] };
  return { latest: health.sample, historySamples: history.samples.length, historyJsonBytes: Buffer.byteLength(historyText) };
}
