import { useEffect, useRef, useState } from 'preact/hooks';
import type { ServerToClientEvents } from '../../../signaling/contract';
import type { StageSocket } from '../lib/signaling';

type PushName = keyof ServerToClientEvents;
type PushListener<E extends PushName> = ServerToClientEvents[E];

// socket.io's typed `on`/`off` cannot take an event name generic over the map; this view is the same
// socket, used only with listeners of the shape the contract fixes for that event.
interface UntypedListeners {
  on(event: string, listener: (...args: unknown[]) => void): void;
  off(event: string, listener: (...args: unknown[]) => void): void;
}

/** Calls `listener` for every push `event` while the component is mounted (the latest listener, without re-subscribing). */
export function useSocketEvent<E extends PushName>(socket: StageSocket, event: E, listener: PushListener<E>): void {
  const latest = useRef(listener);
  latest.current = listener;
  useEffect(() => {
    // The server sends event E with E's payload, so the latest listener of E takes these arguments.
    const forward = (...args: unknown[]): void => {
      (latest.current as unknown as (...a: unknown[]) => void)(...args);
    };
    const untyped = socket as unknown as UntypedListeners;
    untyped.on(event, forward);
    return () => untyped.off(event, forward);
  }, [socket, event]);
}

/** Whether the socket is connected now; follows connects and drops. */
export function useConnected(socket: StageSocket): boolean {
  const [connected, setConnected] = useState(socket.connected);
  useEffect(() => {
    const up = (): void => setConnected(true);
    const down = (): void => setConnected(false);
    socket.on('connect', up);
    socket.on('disconnect', down);
    setConnected(socket.connected);
    return () => {
      socket.off('connect', up);
      socket.off('disconnect', down);
    };
  }, [socket]);
  return connected;
}

/** A value that changes every `ms` (a clock for "now" lines and relative times). */
export function useNow(ms: number): number {
  const [now, setNow] = useState(Date.now());
  useEffect(() => {
    const timer = window.setInterval(() => setNow(Date.now()), ms);
    return () => window.clearInterval(timer);
  }, [ms]);
  return now;
}
