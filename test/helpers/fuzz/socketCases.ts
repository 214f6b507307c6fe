import { type Json, type Schema, hostileValue, malform, toSocketValue, withUnknownIds } from './mutate';
import type { Prng } from './prng';

export interface SocketCase {
  event: string;
  how: string;
  /** The arguments before the ack. */
  args: unknown[];
}

export interface SocketFuzzInput {
  /** A payload each request DTO accepts, by DTO class name. */
  baselines: Record<string, Record<string, Json>>;
  schemas: Record<string, Schema>;
  /** Requests a well-formed payload about unknown ids may legitimately succeed for (leaving what you never joined). */
  idempotent: ReadonlySet<string>;
}

/** One malformed request for a socket event. */
export function socketCase(rng: Prng, event: string, dtoName: string, input: SocketFuzzInput): SocketCase {
  const baseline = input.baselines[dtoName];
  if (!baseline) throw new Error(`no baseline payload for ${dtoName} (${event})`);
  const schema = input.schemas[dtoName] ?? { properties: {} };
  const roll = rng.next();
  if (roll < 0.06 && !input.idempotent.has(event)) {
    const unknown = withUnknownIds(rng, baseline, schema);
    if (unknown) return { event, how: 'unknown-ids', args: [unknown] };
  }
  if (roll < 0.09) return { event, how: 'extra-arguments', args: [baseline, toSocketValue(hostileValue(rng, true))] };
  if (roll < 0.11) return { event, how: 'no-payload', args: [] };
  const mutated = malform(rng, baseline, schema, input.schemas, { binary: true });
  return { event, how: mutated.kind, args: [toSocketValue(mutated.payload)] };
}
