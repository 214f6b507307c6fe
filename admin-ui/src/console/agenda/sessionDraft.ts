import type {
  AchievementRecord,
  AgendaItem,
  ContentLocale,
  ContentTranslations,
  SessionKind,
  SessionRecord,
} from '../../../../signaling/contract';
import type { consoleAgenda } from '../../i18n/messages/consoleAgenda';
import { type ApiClient, eventPath } from '../../lib/api';
import { isoAt, wallClock, zonedToMs } from '../../lib/zonedTime';

/** The session form's fields, in the event's wall-clock time. */
export interface SessionDraft {
  /** null: a new session. */
  id: string | null;
  /** The title as first entered (the record's own field). */
  title: string;
  /** The title per page language; '' where none was entered. */
  titles: Record<ContentLocale, string>;
  kind: SessionKind;
  stageId: string;
  date: string;
  start: string;
  end: string;
  speakerIds: string[];
  achievementIds: string[];
}

/** Form fields the server's 400 answers can name. */
export type DraftField = 'title' | 'titles' | 'kind' | 'stageId' | 'start' | 'end' | 'speakerIds' | 'achievementIds';

const FIELD_OF: Record<string, DraftField> = {
  title: 'title',
  translations: 'titles',
  kind: 'kind',
  stageId: 'stageId',
  plannedStart: 'start',
  plannedEnd: 'end',
  speakerIds: 'speakerIds',
  sessionId: 'achievementIds',
};

export function draftFieldOf(serverField: string): DraftField | null {
  // Nested fields come as "translations.en.title".
  return FIELD_OF[serverField] ?? FIELD_OF[serverField.split('.')[0] ?? ''] ?? null;
}

export function draftOf(item: AgendaItem, zone: string): SessionDraft {
  const start = wallClock(item.plannedStart, zone);
  const end = wallClock(item.plannedEnd, zone);
  return {
    id: item.id,
    title: item.title,
    titles: { 'zh-CN': item.translations?.['zh-CN']?.title ?? '', en: item.translations?.en?.title ?? '' },
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
    titles: { 'zh-CN': '', en: '' },
    kind: 'keynote',
    stageId,
    date,
    start: time(start),
    end: time(Math.min(23 * 60 + 59, start + durationMinutes)),
    speakerIds: [],
    achievementIds: [],
  };
}

type ProblemKey = Extract<Parameters<typeof consoleAgenda.t>[0], `problem.${string}`>;

/**
 * Problems the browser can see before asking the server (the server checks them again), as message
 * keys: the form words them, in whatever language the page has when it shows them.
 */
export function localProblems(draft: SessionDraft, zone: string): Partial<Record<DraftField, ProblemKey>> {
  const problems: [DraftField, ProblemKey][] = [];
  if (draft.title.trim() === '') problems.push(['title', 'problem.title']);
  if (!draft.date || !draft.start) problems.push(['start', 'problem.start']);
  else if (!draft.end) problems.push(['end', 'problem.end']);
  else if (zonedToMs(draft.date, draft.end, zone) <= zonedToMs(draft.date, draft.start, zone)) problems.push(['end', 'problem.order']);
  return Object.fromEntries(problems);
}

/**
 * The titles per language as the API takes them. A patch replaces the whole set, so the set is always
 * sent: a title emptied here is removed, not kept.
 */
export function translationsOf(titles: Record<ContentLocale, string>): ContentTranslations {
  const translations: ContentTranslations = {};
  for (const locale of ['zh-CN', 'en'] as const) {
    const title = titles[locale].trim();
    if (title) translations[locale] = { title };
  }
  return translations;
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
    translations: translationsOf(draft.titles),
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
