import { useEffect, useRef, useState } from 'preact/hooks';
import type { AlertRecord, HealthSampleView } from '../../../../signaling/contract';
import { request, RequestError } from '../../lib/signaling';
import { useSocketEvent } from '../../live/hooks';
import { useConsole } from '../context';
import { keepWindow } from './healthSeries';

export interface HealthFeed {
  /** The last ten minutes of samples, oldest first. */
  samples: HealthSampleView[];
  /** Alerts open now, newest first. */
  open: AlertRecord[];
  /** Alerts that cleared, newest first. */
  recent: AlertRecord[];
  intervalMs: number | null;
  subscribed: boolean;
  /** Why the feed is not coming (worded where shown), or null. */
  error: unknown;
}

interface HistoryAnswer {
  intervalMs: number;
  samples: HealthSampleView[];
}

const RECENT_LIMIT = 30;

/**
 * The event's stream health, live: the history for the charts from REST, then every sample and alert
 * pushed after subscribeHealth (done again after each reconnection, with the history refetched so the
 * charts have no hole where the connection was down).
 */
export function useHealth(): HealthFeed {
  const { api, socket } = useConsole();
  const [samples, setSamples] = useState<HealthSampleView[]>([]);
  const [open, setOpen] = useState<ReadonlyMap<string, AlertRecord>>(new Map());
  const [recent, setRecent] = useState<AlertRecord[]>([]);
  const [intervalMs, setIntervalMs] = useState<number | null>(null);
  const [subscribed, setSubscribed] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const mounted = useRef(true);

  const addSamples = (more: HealthSampleView[]): void => setSamples((list) => keepWindow([...list, ...more], Date.now()));

  useEffect(() => {
    mounted.current = true;
    const subscribe = async (): Promise<void> => {
      try {
        const [subscription, history, log] = await Promise.all([
          request(socket, 'subscribeHealth', {}),
          api.get<HistoryAnswer>('/api/health/history'),
          api.get<AlertRecord[]>('/api/health/alerts?state=all'),
        ]);
        if (!mounted.current) return;
        setIntervalMs(subscription.intervalMs);
        addSamples(subscription.sample ? [...history.samples, subscription.sample] : history.samples);
        setOpen(new Map(subscription.alerts.map((a) => [a.id, a])));
        setRecent(log.filter((a) => a.clearedAt !== null).slice(0, RECENT_LIMIT));
        setSubscribed(true);
        setError(null);
      } catch (failure) {
        if (!mounted.current) return;
        setSubscribed(false);
        if (failure instanceof RequestError && failure.code === 'disconnected') return;
        setError(failure);
      }
    };
    const run = (): void => void subscribe();
    const dropped = (): void => setSubscribed(false);
    socket.on('connect', run);
    socket.on('disconnect', dropped);
    if (socket.connected) run();
    return () => {
      mounted.current = false;
      socket.off('connect', run);
      socket.off('disconnect', dropped);
      if (socket.connected) request(socket, 'unsubscribeHealth', {}).catch(() => undefined);
    };
  }, [socket, api]);

  useSocketEvent(socket, 'healthSample', (sample) => addSamples([sample]));
  useSocketEvent(socket, 'alertRaised', (alert) => setOpen((map) => new Map(map).set(alert.id, alert)));
  useSocketEvent(socket, 'alertCleared', (alert) => {
    setOpen((map) => {
      const next = new Map(map);
      next.delete(alert.id);
      return next;
    });
    setRecent((list) => [alert, ...list.filter((a) => a.id !== alert.id)].slice(0, RECENT_LIMIT));
  });

  const openList = [...open.values()].sort((a, b) => b.raisedAt.localeCompare(a.raisedAt));
  return { samples, open: openList, recent, intervalMs, subscribed, error };
}
