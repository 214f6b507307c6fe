import { createContext } from 'preact';
import { useContext } from 'preact/hooks';
import type { EventRecord, StageRecord } from '../../../signaling/contract';
import type { ApiClient } from '../lib/api';
import type { StageSocket } from '../lib/signaling';
import type { Identity } from './identity';

/** What every console view works with: who is signed in, the REST client, the live connection, the event. */
export interface ConsoleContext {
  identity: Identity;
  api: ApiClient;
  socket: StageSocket;
  event: EventRecord | null;
  /** The event's stages, by name; refreshed when the agenda changes. */
  stages: StageRecord[];
  /** Loads the event and its stages again (after a change made here, e.g. a stage's names). */
  reloadEvent: () => Promise<void>;
  /** Shows a short message at the bottom of the screen (errors, undo offers). */
  notify: (notice: NoticeInput) => void;
}

export interface NoticeInput {
  text: string;
  tone?: 'info' | 'error' | 'success';
  /** One button next to the text, e.g. Undo. */
  action?: { label: string; run: () => void };
}

export const ConsoleScope = createContext<ConsoleContext | null>(null);

export function useConsole(): ConsoleContext {
  const value = useContext(ConsoleScope);
  if (!value) throw new Error('useConsole() outside the signed-in console');
  return value;
}
