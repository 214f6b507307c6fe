import { useEffect, useState } from 'preact/hooks';
import { useConsole } from '../context';
import { type MonitorSnapshot, StageMonitor } from './StageMonitor';

const EMPTY: MonitorSnapshot = { state: 'connecting', sources: [], program: null, previews: new Map(), error: null };

/** The stage's sources, previews and program while the view is open; one media session per stage shown. */
export function useStageMonitor(stageId: string | null): MonitorSnapshot {
  const { identity } = useConsole();
  const [snapshot, setSnapshot] = useState<MonitorSnapshot>(EMPTY);
  useEffect(() => {
    setSnapshot(EMPTY);
    if (!stageId) return;
    const monitor = new StageMonitor({ eventId: identity.eventId, stageId }, identity.token, setSnapshot);
    const leave = (): void => monitor.close();
    window.addEventListener('pagehide', leave);
    return () => {
      window.removeEventListener('pagehide', leave);
      monitor.close();
    };
  }, [stageId, identity.eventId, identity.token]);
  return snapshot;
}
