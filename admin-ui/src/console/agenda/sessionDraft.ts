import type { AchievementRecord, AgendaItem, SessionKind, SessionRecord } from '../../../../signaling/contract';
import { type ApiClient, eventPath } from '../../lib/api';
import { isoAt, wallClock, zonedToMs } from '../../lib/zonedTime';

/** The session form's fields, in the event's wall-clock time. */
export interface SessionDraft {
  /** null: a new session. */
  id: string | null;
  title: string;
  kind: SessionKind;
  stageId: string;
  date: string;
  start: string;
  end: string;
  speakerIds: string[];
  achievementIds: string[];
}

/** Form fields the server's 400 answers can name. */
export type DraftField = 'title' | 'kind' | 'stageId' | 'start' | 'end' | 'speakerIds' | 'achievementIds';

const FIELD_OF: Record<string, DraftField> = {
  title: 'title',
  kind: 'kind',
  stageId: 'stageId',
  plannedStart: 'start',
  plannedEnd: 'end',
  speakerIds: 'speakerIds',
  sessionId: 'achievementIds',
};

export function draftFieldOf(serverField: string): DraftField | null {
  return FIELD_OF[serverField] ?? null;
}

export function draftOf(item: AgendaItem, zone: string): SessionDraft {
  const start = wallClock(item.plannedStart, zone);
  const end = wallClock(item.plannedEnd, zone);
  return {
    id: item.id,
    title: item.title,
    kind: item.kind,
    stageId: item.stageId,
    date: start.date,
    start: start.time,
    // A session ending at midnight or later ends "24:00" on its own day as far as the form is concerned.
    end: end.date > start.date ? '23:59' : end.time,
    speakerIds: [...item.speakerIds],
    achievementIds: item.achievements.map((a) => a.id),
  };
}

export function newDraft(stageId: string, date: string, startMinutes: number, durationMinutes = 30): SessionDraft {
  const time = (m: number): string => `${String(Math.floor(m / 60)).padStart(2, '0')}:${String(m % 60).padStart(2, '0')}`;
  const start = Math.max(0, Math.min(23 * 60 + 30, startMinutes));
  return {
    id: null,
    title: '',
    kind: 'keynote',
    stageId,
    date,
    start: time(start),
    end: time(Math.min(23 * 60 + 59, start + durationMinutes)),
    speakerIds: [],
    achievementIds: [],
  };
}

/** Problems the browser can see before asking the server (the server checks them again). */
export function localProblems(draft: SessionDraft, zone: string): Partial<Record<DraftField, string>> {
  const problems: Partial<Record<DraftField, string>> = {};
  if (draft.title.trim() === '') problems.title = 'Give the session a title.';
  if (!draft.date || !draft.start) problems.start = 'Pick a day and a start time.';
  else if (!draft.end) problems.end = 'Pick an end time.';
  else if (zonedToMs(draft.date, draft.end, zone) <= zonedToMs(draft.date, draft.start, zone))
    problems.end = 'The end must be after the start.';
  return problems;
}

/**
 * Creates or updates the session, then attaches and detaches achievements to match the draft. A
 * session that stops being an achievement release loses its achievements first: the server refuses
 * a kind change while any is attached.
 */
export async function saveDraft(
  api: ApiClient,
  eventId: string,
  zone: string,
  draft: SessionDraft,
  achievements: AchievementRecord[],
  /** Called once the session itself is stored, before the achievements: a retry must update it, not create another. */
  onSessionStored: (session: SessionRecord) => void,
): Promise<SessionRecord> {
  const [startMinutes, endMinutes] = [draft.start, draft.end].map((t) => {
    const [h, m] = t.split(':').map(Number);
    return (h ?? 0) * 60 + (m ?? 0);
  }) as [number, number];
  const body = {
    stageId: draft.stageId,
    title: draft.title.trim(),
    kind: draft.kind,
    speakerIds: draft.speakerIds,
    plannedStart: isoAt(draft.date, startMinutes, zone),
    plannedEnd: isoAt(draft.date, endMinutes, zone),
  };
  const isRelease = draft.kind === 'achievement-release';
  const wanted = new Set(isRelease ? draft.achievementIds : []);
  const attachedBefore = draft.id ? achievements.filter((a) => a.sessionId === draft.id).map((a) => a.id) : [];
  const detach = (ids: string[]): Promise<unknown> =>
    Promise.all(ids.map((id) => api.patch<AchievementRecord>(eventPath(eventId, 'achievements', id), { sessionId: null })));

  if (!isRelease) await detach(attachedBefore);
  const session = draft.id
    ? await api.patch<SessionRecord>(eventPath(eventId, 'sessions', draft.id), body)
    : await api.post<SessionRecord>(eventPath(eventId, 'sessions'), body);
  onSessionStored(session);
  if (isRelease) {
    await detach(attachedBefore.filter((id) => !wanted.has(id)));
    const toAttach = [...wanted].filter((id) => !attachedBefore.includes(id));
    await Promise.all(
      toAttach.map((id) => api.patch<AchievementRecord>(eventPath(eventId, 'achievements', id), { sessionId: session.id })),
    );
  }
  return session;
}
