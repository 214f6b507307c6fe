// Growth of sampled series (a soak's memory, descriptors, object counts): the average of the first
// third of the samples against the last third's, and the trend over the second half (least squares),
// which is about 0 once a series has reached its steady state.

export interface SeriesSample {
  /** Seconds since the series started. */
  t: number;
  values: Record<string, number | null>;
}

export interface Growth {
  firstThird: number;
  lastThird: number;
  delta: number;
  /** delta / firstThird, in percent; null when the first third averages 0. */
  percent: number | null;
  /** Least-squares slope over the second half of the samples, per minute. */
  perMinuteSecondHalf: number;
}

const round = (value: number, digits = 2): number => Math.round(value * 10 ** digits) / 10 ** digits;

function mean(values: number[]): number {
  return values.length === 0 ? 0 : values.reduce((s, v) => s + v, 0) / values.length;
}

function slopePerMinute(points: { t: number; v: number }[]): number {
  if (points.length < 2) return 0;
  const mt = mean(points.map((p) => p.t));
  const mv = mean(points.map((p) => p.v));
  const num = points.reduce((s, p) => s + (p.t - mt) * (p.v - mv), 0);
  const den = points.reduce((s, p) => s + (p.t - mt) ** 2, 0);
  return den === 0 ? 0 : (num / den) * 60;
}

/** Growth of every key present in the samples (null readings are skipped). */
export function growthOf(samples: SeriesSample[]): Record<string, Growth> {
  const keys = [...new Set(samples.flatMap((s) => Object.keys(s.values)))];
  const third = Math.max(1, Math.floor(samples.length / 3));
  const result: Record<string, Growth> = {};
  for (const key of keys) {
    const points = samples.flatMap((s) => {
      const v = s.values[key];
      return v === null || v === undefined ? [] : [{ t: s.t, v }];
    });
    if (points.length === 0) continue;
    const firstThird = mean(points.slice(0, third).map((p) => p.v));
    const lastThird = mean(points.slice(-third).map((p) => p.v));
    result[key] = {
      firstThird: round(firstThird),
      lastThird: round(lastThird),
      delta: round(lastThird - firstThird),
      percent: firstThird === 0 ? null : round((100 * (lastThird - firstThird)) / firstThird, 1),
      perMinuteSecondHalf: round(slopePerMinute(points.slice(Math.floor(points.length / 2)))),
    };
  }
  return result;
}
