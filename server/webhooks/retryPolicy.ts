/** How deliveries are retried (WEBHOOK_* settings). */
export interface RetryPolicy {
  /** The wait before the second attempt, doubled for each further one. */
  baseDelayMs: number;
  /** The longest single wait. */
  maxDelayMs: number;
  /** No attempt after this long since the first: the delivery is failed (24 h). */
  giveUpAfterMs: number;
}

/**
 * When the next attempt is due after `attempts` failed ones: exponential backoff with "full jitter"
 * (a random wait between half the step and the step), so receivers that come back are not hit by every
 * sender at once. Null once the next attempt would fall after the give-up time.
 */
export function nextAttemptAt(
  policy: RetryPolicy,
  attempts: number,
  firstAtMs: number,
  nowMs: number,
  random = Math.random,
): number | null {
  const step = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** Math.max(0, attempts - 1));
  const due = nowMs + Math.round(step / 2 + (random() * step) / 2);
  return due - firstAtMs > policy.giveUpAfterMs ? null : due;
}
