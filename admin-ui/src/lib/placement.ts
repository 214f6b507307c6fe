import type { StageRoute } from './route';
import type { RenewableToken } from './token';

const PLACEMENT_TIMEOUT_MS = 3000;

interface PlacementAnswer {
  nodeUrl: string | null;
  fallbackUrls: string[];
}

function isPlacementAnswer(body: unknown): body is PlacementAnswer {
  if (typeof body !== 'object' || body === null || !('nodeUrl' in body) || !('fallbackUrls' in body)) return false;
  return (
    (body.nodeUrl === null || typeof body.nodeUrl === 'string') &&
    Array.isArray(body.fallbackUrls) &&
    body.fallbackUrls.every((u) => typeof u === 'string')
  );
}

/**
 * Where this page's signaling connection should go. A single node answers null (stay here); nodes of
 * a cluster name the least loaded one (the stage's origin for speakers). The page asks its own
 * address first, then the other nodes it has heard of, so it still finds one when its own is gone.
 */
export class Placement {
  #known: string[];

  constructor(
    private readonly route: StageRoute,
    private readonly token: RenewableToken,
    pageOrigin: string = window.location.origin,
  ) {
    this.#known = [pageOrigin];
  }

  /** The node to connect to now; the page's own address when nobody answers. */
  async next(): Promise<string> {
    for (const origin of this.#known) {
      const answer = await this.#ask(origin);
      if (!answer) continue;
      this.#known = [...new Set([...this.#known, ...answer.fallbackUrls, ...(answer.nodeUrl ? [answer.nodeUrl] : [])])];
      return answer.nodeUrl ?? origin;
    }
    return this.#known[0] ?? window.location.origin;
  }

  async #ask(origin: string): Promise<PlacementAnswer | null> {
    const path = `/api/events/${encodeURIComponent(this.route.eventId)}/stages/${encodeURIComponent(this.route.stageId)}/placement`;
    try {
      const response = await fetch(`${origin}${path}`, {
        headers: { authorization: `Bearer ${this.token.current}` },
        signal: AbortSignal.timeout(PLACEMENT_TIMEOUT_MS),
      });
      const body: unknown = await response.json();
      return response.ok && isPlacementAnswer(body) ? body : null;
    } catch {
      return null;
    }
  }
}
