import { useCallback, useEffect, useRef, useState } from 'preact/hooks';
import type { AgendaItem, EventRecord, StageRecord } from '../../../../signaling/contract';
import { type ApiClient, eventPath } from '../../lib/api';
import type { StageSocket } from '../../lib/signaling';
import { useSocketEvent } from '../../live/hooks';

export interface StageAgenda {
  event: EventRecord | null;
  stage: StageRecord | null;
  items: AgendaItem[];
  error: Error | null;
}

const COALESCE_MS = 150;

/** The stage's agenda for attendees, reloaded when the server says it changed and after reconnecting. */
export function useStageAgenda(api: ApiClient, socket: StageSocket, eventId: string, stageId: string): StageAgenda {
  const [event, setEvent] = useState<EventRecord | null>(null);
  const [stage, setStage] = useState<StageRecord | null>(null);
  const [items, setItems] = useState<AgendaItem[]>([]);
  const [error, setError] = useState<Error | null>(null);
  const timer = useRef<number | undefined>(undefined);

  const reload = useCallback(async () => {
    try {
      const [loadedEvent, loadedStage, agenda] = await Promise.all([
        api.get<EventRecord>(eventPath(eventId)),
        api.get<StageRecord>(eventPath(eventId, 'stages', stageId)),
        api.get<AgendaItem[]>(`${eventPath(eventId, 'agenda')}?stageId=${encodeURIComponent(stageId)}`),
      ]);
      setEvent(loadedEvent);
      setStage(loadedStage);
      setItems(agenda);
      setError(null);
    } catch (failure) {
      setError(failure instanceof Error ? failure : new Error(String(failure)));
    }
  }, [api, eventId, stageId]);

  const reloadSoon = (): void => {
    window.clearTimeout(timer.current);
    timer.current = window.setTimeout(() => void reload(), COALESCE_MS);
  };
  useEffect(() => {
    void reload();
    const catchUp = (): void => reloadSoon();
    socket.io.on('reconnect', catchUp);
    return () => {
      socket.io.off('reconnect', catchUp);
      window.clearTimeout(timer.current);
    };
  }, [reload, socket]);
  useSocketEvent(socket, 'agendaChanged', (change) => {
    if (change.eventId === eventId && (change.stageId === null || change.stageId === stageId)) reloadSoon();
  });
  useSocketEvent(socket, 'sessionUpdated', (session) => {
    if (session.eventId === eventId) reloadSoon();
  });
  return { event, stage, items, error };
}
