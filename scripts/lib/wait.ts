export interface WaitOptions {
  /** What is awaited, for the failure message: "timed out after 5000 ms waiting for <what>". */
  what: string;
  timeoutMs: number;
  /** Pause between two probes (default 50 ms). */
  intervalMs?: number;
}

/** A wait that ended without its condition: says what did not happen, and the probe's last error if it had one. */
export class WaitTimeout extends Error {
  constructor(
    readonly what: string,
    readonly timeoutMs: number,
    readonly probes: number,
    readonly lastError: unknown,
    lastErrorAt: number,
    /** The last probe was still running at the deadline. */
    readonly hung: boolean,
  ) {
    const notes = [`${probes} probes`];
    if (hung) notes.push(`probe ${probes} did not answer before the deadline`);
    if (lastError !== undefined) notes.push(`last probe error (probe ${lastErrorAt}): ${describe(lastError)}`);
    else if (!hung) notes.push('the condition was never met');
    super(`timed out after ${timeoutMs} ms waiting for ${what} (${notes.join('; ')})`, { cause: lastError });
    this.name = 'WaitTimeout';
  }
}

function describe(error: unknown): string {
  if (error instanceof Error) return error.message.split('\n').slice(0, 6).join('\n');
  return String(error);
}

/** Resolves with `promise`'s value, or with `fallback` once `ms` have passed (the promise is left to settle alone). */
export function settleWithin<T, F>(promise: Promise<T>, ms: number, fallback: F): Promise<T | F> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<F>((resolve) => {
    timer = setTimeout(() => resolve(fallback), Math.max(0, ms));
  });
  return Promise.race([promise, late]).finally(() => clearTimeout(timer));
}

const PROBE_PENDING = Symbol('probe still pending');
const LAST_PROBE_GRACE_MS = 1000;

/**
 * Polls `probe` until it answers a value other than `undefined` or `false`, and resolves with it. A probe
 * that throws counts as "not yet", and its error is kept: a wait that times out reports the last one
 * (a failed assertion inside the probe shows up as itself, not as a bare timeout). The wait is bounded
 * even when a probe never settles (at `timeoutMs` plus a second for a probe started at the deadline).
 *
 * `waitFor(probe, { what, timeoutMs })`; the positional form `waitFor(probe, timeoutMs, what)` is the
 * same wait.
 */
export async function waitFor<T>(probe: () => Promise<T | undefined | false>, options: WaitOptions): Promise<T>;
export async function waitFor<T>(probe: () => Promise<T | undefined | false>, timeoutMs: number, what: string): Promise<T>;
export async function waitFor<T>(
  probe: () => Promise<T | undefined | false>,
  optionsOrTimeout: WaitOptions | number,
  positionalWhat?: string,
): Promise<T> {
  const {
    what,
    timeoutMs,
    intervalMs = 50,
  } = typeof optionsOrTimeout === 'number' ? { what: positionalWhat ?? 'a condition', timeoutMs: optionsOrTimeout } : optionsOrTimeout;
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown = undefined;
  let lastErrorAt = 0;
  let probes = 0;
  for (;;) {
    probes += 1;
    const answer = await settleWithin(
      probe().then(
        (value) => ({ value }),
        (error: unknown) => ({ error }),
      ),
      // A probe started just before the deadline still gets a moment to answer.
      Math.max(deadline - Date.now(), LAST_PROBE_GRACE_MS),
      PROBE_PENDING,
    );
    if (answer === PROBE_PENDING) throw new WaitTimeout(what, timeoutMs, probes, lastError, lastErrorAt, true);
    if ('error' in answer) [lastError, lastErrorAt] = [answer.error, probes];
    else if (answer.value !== undefined && answer.value !== false) return answer.value;
    if (Date.now() >= deadline) throw new WaitTimeout(what, timeoutMs, probes, lastError, lastErrorAt, false);
    await new Promise((resolve) => setTimeout(resolve, Math.min(intervalMs, Math.max(0, deadline - Date.now()))));
  }
}
