import { useEffect, useState } from 'preact/hooks';
import type { PublicEventsView } from '../../../signaling/contract';
import { ApiClient } from '../lib/api';

/** How often the page asks again: live sessions and viewer counts change during the day. */
export const REFRESH_MS = 5000;

export interface PublicEventsState {
  /** The last answer; kept while a refresh fails, so the page does not go blank on a blip. */
  view: PublicEventsView | null;
  /** Why the last refresh failed, or null. */
  error: string | null;
  updatedAt: number | null;
}

/** The public events of this node, fetched now and every REFRESH_MS (one request at a time). */
export function usePublicEvents(): PublicEventsState {
  const [state, setState] = useState<PublicEventsState>({ view: null, error: null, updatedAt: null });
  useEffect(() => {
    const api = new ApiClient(null);
    let timer: number | undefined;
    let stopped = false;
    const refresh = async (): Promise<void> => {
      try {
        const view = await api.get<PublicEventsView>('/api/public/events');
        if (!stopped) setState({ view, error: null, updatedAt: Date.now() });
      } catch (error) {
        if (!stopped) setState((previous) => ({ ...previous, error: error instanceof Error ? error.message : String(error) }));
      }
      if (!stopped) timer = window.setTimeout(() => void refresh(), REFRESH_MS);
    };
    void refresh();
    return () => {
      stopped = true;
      window.clearTimeout(timer);
    };
  }, []);
  return state;
}
