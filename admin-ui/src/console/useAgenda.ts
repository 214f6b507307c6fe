import { useCallback, useEffect, useRef, useState } from 'preact/hooks';
import type { AchievementRecord, AgendaItem, SpeakerRecord } from '../../../signaling/contract';
import { eventPath } from '../lib/api';
import { useConsole } from './context';
import { useSocketEvent } from '../live/hooks';

export interface AgendaData {
  /** Every session of the event in time order, with speakers and achievements spelled out. */
  items: AgendaItem[];
  speakers: SpeakerRecord[];
  achievements: AchievementRecord[];
  loaded: boolean;
  /** Why the last load failed (worded where it is shown), or null. */
  error: unknown;
  reload(): Promise<void>;
}

// One push often comes with others (starting a session ends the previous one): reload once for the lot.
const COALESCE_MS = 120;

/** The event's agenda, speakers and achievements, reloaded whenever the server says the agenda changed. */
export function useAgenda(): AgendaData {
  const { api, socket, identity } = useConsole();
  const [items, setItems] = useState<AgendaItem[]>([]);
  const [speakers, setSpeakers] = useState<SpeakerRecord[]>([]);
  const [achievements, setAchievements] = useState<AchievementRecord[]>([]);
  const [loaded, setLoaded] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const timer = useRef<number | undefined>(undefined);
  const generation = useRef(0);

  const reload = useCallback(async () => {
    // Answers can arrive out of order; only the latest request's answer is kept.
    const mine = ++generation.current;
    try {
      const [agenda, speakerList, achievementList] = await Promise.all([
        api.get<AgendaItem[]>(eventPath(identity.eventId, 'agenda')),
        api.get<SpeakerRecord[]>(eventPath(identity.eventId, 'speakers')),
        api.get<AchievementRecord[]>(eventPath(identity.eventId, 'achievements')),
      ]);
      if (mine !== generation.current) return;
      setItems(agenda);
      setSpeakers(speakerList);
      setAchievements(achievementList);
      setError(null);
    } catch (failure) {
      if (mine === generation.current) setError(failure);
    } finally {
      if (mine === generation.current) setLoaded(true);
    }
  }, [api, identity.eventId]);

  useEffect(() => {
    void reload();
    return () => window.clearTimeout(timer.current);
  }, [reload]);

  const reloadSoon = (): void => {
    window.clearTimeout(timer.current);
    timer.current = window.setTimeout(() => void reload(), COALESCE_MS);
  };
  useSocketEvent(socket, 'agendaChanged', (change) => {
    if (change.eventId === identity.eventId) reloadSoon();
  });
  useSocketEvent(socket, 'sessionUpdated', (session) => {
    if (session.eventId === identity.eventId) reloadSoon();
  });
  // Pushes missed while disconnected are not replayed: catch up after every reconnection.
  useEffect(() => {
    const catchUp = (): void => reloadSoon();
    socket.io.on('reconnect', catchUp);
    return () => {
      socket.io.off('reconnect', catchUp);
    };
  }, [socket]);

  return { items, speakers, achievements, loaded, error, reload };
}
