import { useState } from 'preact/hooks';

/** The questions this participant upvoted (kept for the tab: the server counts one vote per participant anyway). */
export function useVotedQuestions(eventId: string): { has(id: string): boolean; add: (id: string) => void; remove(id: string): void } {
  const key = `stagecast.votes.${eventId}`;
  const [ids, setIds] = useState<ReadonlySet<string>>(() => {
    try {
      const stored: unknown = JSON.parse(sessionStorage.getItem(key) ?? '[]');
      return new Set(Array.isArray(stored) ? stored.filter((id): id is string => typeof id === 'string') : []);
    } catch {
      return new Set();
    }
  });
  const save = (next: Set<string>): void => {
    setIds(next);
    try {
      sessionStorage.setItem(key, JSON.stringify([...next]));
    } catch {
      // Storage disabled: votes are remembered until the page reloads.
    }
  };
  return {
    has: (id) => ids.has(id),
    add: (id) => save(new Set(ids).add(id)),
    remove: (id) => {
      const next = new Set(ids);
      next.delete(id);
      save(next);
    },
  };
}
