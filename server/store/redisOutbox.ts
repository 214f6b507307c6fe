import type { Outbox, OutboxEntry } from './Outbox';
import type { RunCommand } from './redisConnection';

/**
 * Claims due entries atomically (one Lua script), so two nodes never claim the same entry while its
 * lease runs. KEYS: the due sorted set (member id, score due ms), the data hash. ARGV: now, lease ms,
 * limit. Answers a flat list id, data, id, data…
 */
const CLAIM = `
local due = tonumber(ARGV[1]) + tonumber(ARGV[2])
local ids = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', ARGV[1], 'LIMIT', 0, tonumber(ARGV[3]))
local answer = {}
for _, id in ipairs(ids) do
  local data = redis.call('HGET', KEYS[2], id)
  if data then
    redis.call('ZADD', KEYS[1], due, id)
    table.insert(answer, id)
    table.insert(answer, data)
  else
    redis.call('ZREM', KEYS[1], id)
  end
end
return answer
`;

/** Moves an entry only while it still exists (a node whose lease ran out must not bring back a removed one). */
const RESCHEDULE = `
if redis.call('HEXISTS', KEYS[2], ARGV[1]) == 0 then return 0 end
redis.call('ZADD', KEYS[1], tonumber(ARGV[2]), ARGV[1])
redis.call('HSET', KEYS[2], ARGV[1], ARGV[3])
return 1
`;

/**
 * Replaces a claimed entry by others, only while it still has the due time of its claim. KEYS as CLAIM's.
 * ARGV: the claimed id, its due time, then id, due, data of each new entry. Answers 1 done, 0 not.
 */
const REPLACE = `
local score = redis.call('ZSCORE', KEYS[1], ARGV[1])
if not score or tonumber(score) ~= tonumber(ARGV[2]) then return 0 end
redis.call('ZREM', KEYS[1], ARGV[1])
redis.call('HDEL', KEYS[2], ARGV[1])
for i = 3, #ARGV, 3 do
  redis.call('HSET', KEYS[2], ARGV[i], ARGV[i + 2])
  redis.call('ZADD', KEYS[1], tonumber(ARGV[i + 1]), ARGV[i])
end
return 1
`;

/** The part of a node-redis MULTI to which outbox writes are added. */
interface OutboxWrites {
  hSet(key: string, field: string, value: string): unknown;
  zAdd(key: string, member: { score: number; value: string }): unknown;
}

/** The outbox in the shared Redis: a sorted set of due times and a hash of bodies, changed together in MULTI or a script. */
export class RedisOutbox implements Outbox {
  readonly #due: string;
  readonly #data: string;

  constructor(
    private readonly run: RunCommand,
    private readonly prefix: string,
  ) {
    this.#due = `${prefix}outbox:due`;
    this.#data = `${prefix}outbox:data`;
  }

  async add(entries: readonly OutboxEntry[]): Promise<void> {
    if (entries.length === 0) return;
    await this.run((redis) => {
      const multi = redis.multi();
      this.addTo(multi, entries);
      return multi.exec();
    });
  }

  /** Adds the entries' writes to `multi`: they happen with whatever else it holds, or not at all. */
  addTo(multi: OutboxWrites, entries: readonly OutboxEntry[]): void {
    for (const entry of entries) {
      multi.hSet(this.#data, entry.id, entry.data);
      multi.zAdd(this.#due, { score: entry.dueAtMs, value: entry.id });
    }
  }

  /** The keys and arguments with which a script adds entries (after its own): see REPLACE. */
  scriptKeys(): string[] {
    return [this.#due, this.#data];
  }

  async replace(claimed: Pick<OutboxEntry, 'id' | 'dueAtMs'>, entries: readonly OutboxEntry[]): Promise<boolean> {
    const args = [claimed.id, String(claimed.dueAtMs), ...entryArguments(entries)];
    const answer = await this.run((redis) => redis.eval(REPLACE, { keys: this.scriptKeys(), arguments: args }));
    return Number(answer) === 1;
  }

  async claimDue(nowMs: number, leaseMs: number, limit: number): Promise<OutboxEntry[]> {
    const answer = await this.run((redis) =>
      redis.eval(CLAIM, { keys: [this.#due, this.#data], arguments: [String(nowMs), String(leaseMs), String(limit)] }),
    );
    const flat = Array.isArray(answer) ? answer.map(String) : [];
    const entries: OutboxEntry[] = [];
    for (let i = 0; i + 1 < flat.length; i += 2) entries.push({ id: flat[i] ?? '', data: flat[i + 1] ?? '', dueAtMs: nowMs + leaseMs });
    return entries;
  }

  async reschedule(entry: OutboxEntry): Promise<void> {
    await this.run((redis) =>
      redis.eval(RESCHEDULE, { keys: [this.#due, this.#data], arguments: [entry.id, String(entry.dueAtMs), entry.data] }),
    );
  }

  async remove(id: string): Promise<void> {
    await this.run((redis) => redis.multi().zRem(this.#due, id).hDel(this.#data, id).exec());
  }

  async size(): Promise<number> {
    return this.run((redis) => redis.zCard(this.#due));
  }

  async nextSequence(name: string): Promise<number> {
    return this.run((redis) => redis.incr(`${this.prefix}seq:${name}`));
  }
}

/** Id, due time and body of each entry, flat: how scripts take entries to add. */
export function entryArguments(entries: readonly OutboxEntry[]): string[] {
  return entries.flatMap((entry) => [entry.id, String(entry.dueAtMs), entry.data]);
}
