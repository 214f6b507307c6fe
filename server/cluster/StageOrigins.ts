import type { SourceInfo } from '../../media/types';
import { AppError } from '../errors';
import type { NodeRegistry } from './NodeRegistry';
import type { RedisConnection } from './redisClients';

// Sets the key to ARGV[1] (with a TTL of ARGV[2] ms) when it is free, already ours, or held by a node
// that is not alive (ARGV[3..]): the live nodes). Returns the holder after the call.
const CLAIM = `
local current = redis.call('GET', KEYS[1])
local alive = false
if current then
  for i = 3, #ARGV do
    if ARGV[i] == current then alive = true end
  end
end
if (not current) or current == ARGV[1] or not alive then
  redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
  return ARGV[1]
end
return current`;

// Refreshes the TTL only while the key is still ours (or lapsed during a Redis outage).
const REFRESH = `
local current = redis.call('GET', KEYS[1])
if (not current) or current == ARGV[1] then
  redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
  return 1
end
return 0`;

const RELEASE = `
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0`;

/**
 * Which node is the origin of each stage (where its sources live), and the origin's list of sources
 * for nodes that need it without piping (the program's source check). A claim lives as long as its
 * node keeps refreshing it: a dead origin's claim expires with its heartbeat, and the next node that
 * needs an origin (an ingest, a speaker) takes it over.
 */
export class StageOrigins {
  constructor(
    private readonly redis: RedisConnection,
    private readonly registry: NodeRegistry,
    private readonly prefix: string,
    private readonly ttlMs: number,
  ) {}

  /** The live origin node of a stage, or null when there is none (never claimed, or its node died). */
  async originOf(stageKey: string): Promise<string | null> {
    const holder = await this.redis.get(this.#originKey(stageKey));
    return holder && this.registry.isAlive(holder) ? holder : null;
  }

  /** Makes this node the origin unless a live node already is; returns the origin after the call. */
  async claim(stageKey: string): Promise<string> {
    const alive = this.registry.nodes().map((node) => node.id);
    const holder = await this.redis.eval(CLAIM, {
      keys: [this.#originKey(stageKey)],
      arguments: [this.registry.nodeId, String(this.ttlMs), ...alive],
    });
    // The script answers the holder's node id (a bulk string).
    if (typeof holder !== 'string') throw new AppError('internal', 'the origin claim answered no node id');
    return holder;
  }

  /** Keeps this node's claims alive; returns the stages whose claim another node holds now. */
  async refresh(stageKeys: readonly string[], sources: (stageKey: string) => SourceInfo[]): Promise<string[]> {
    const lost: string[] = [];
    for (const stageKey of stageKeys) {
      const kept = await this.redis.eval(REFRESH, {
        keys: [this.#originKey(stageKey)],
        arguments: [this.registry.nodeId, String(this.ttlMs)],
      });
      if (kept === 1) await this.saveSources(stageKey, sources(stageKey));
      else lost.push(stageKey);
    }
    return lost;
  }

  async release(stageKey: string): Promise<void> {
    await this.redis.eval(RELEASE, { keys: [this.#originKey(stageKey)], arguments: [this.registry.nodeId] });
  }

  async saveSources(stageKey: string, sources: SourceInfo[]): Promise<void> {
    await this.redis.set(this.#sourcesKey(stageKey), JSON.stringify(sources), { expiration: { type: 'PX', value: this.ttlMs } });
  }

  /** The origin's sources as it last saved them; empty without a live origin. */
  async sources(stageKey: string): Promise<SourceInfo[]> {
    if (!(await this.originOf(stageKey))) return [];
    const raw = await this.redis.get(this.#sourcesKey(stageKey));
    return raw ? (JSON.parse(raw) as SourceInfo[]) : [];
  }

  #originKey(stageKey: string): string {
    return `${this.prefix}origin:${stageKey}`;
  }

  #sourcesKey(stageKey: string): string {
    return `${this.prefix}sources:${stageKey}`;
  }
}
