/** The seed of a fuzz run: FUZZ_SEED (a number, or any text hashed to one) or a fixed default. */
export function fuzzSeed(env: NodeJS.ProcessEnv = process.env, fallback = 20_240_601): number {
  const raw = env.FUZZ_SEED?.trim();
  if (!raw) return fallback;
  if (/^\d+$/.test(raw)) return Number(raw) >>> 0;
  let hash = 2166136261;
  for (const char of raw) hash = Math.imul(hash ^ char.codePointAt(0)!, 16777619);
  return hash >>> 0;
}

/** A small, fast, seeded PRNG (mulberry32): the same seed replays the same run. */
export class Prng {
  #state: number;

  constructor(seed: number) {
    this.#state = seed >>> 0;
  }

  /** A float in [0, 1). */
  next(): number {
    this.#state = (this.#state + 0x6d2b79f5) >>> 0;
    let t = this.#state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  /** An integer in [0, n). */
  int(n: number): number {
    return Math.floor(this.next() * n);
  }

  /** An integer in [min, max]. */
  between(min: number, max: number): number {
    return min + this.int(max - min + 1);
  }

  chance(p: number): boolean {
    return this.next() < p;
  }

  pick<T>(items: readonly T[]): T {
    if (items.length === 0) throw new Error('pick from an empty list');
    return items[this.int(items.length)];
  }

  /** A v4-shaped UUID from this generator (valid syntax, never an existing record). */
  uuid(): string {
    const hex = Array.from({ length: 32 }, () => this.int(16).toString(16));
    hex[12] = '4';
    hex[16] = (8 + this.int(4)).toString(16);
    const s = hex.join('');
    return `${s.slice(0, 8)}-${s.slice(8, 12)}-${s.slice(12, 16)}-${s.slice(16, 20)}-${s.slice(20)}`;
  }

  /** A lower-case slug that matches the id pattern. */
  slug(): string {
    return `fz${Array.from({ length: this.between(2, 12) }, () => 'abcdefghijklmnopqrstuvwxyz0123456789-'[this.int(37)]).join('')}`;
  }
}
