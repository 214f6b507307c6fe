import type { Store } from '../store';
import type { AchievementRecord, SessionStatus } from '../store/records';
import type { Clock } from './clock';

export interface AchievementRelease {
  sessionId: string;
  title: string;
  plannedStart: string;
  status: SessionStatus;
  /** The session's replay once its recording is ready; null before, or when it was not recorded. */
  replayUrl: string | null;
}

export interface AchievementView extends AchievementRecord {
  release: AchievementRelease | null;
}

/** The event's achievements with their release session and its replay (`playbackQuery`: '' or `?token=…` for a private event). */
export async function achievementsWithRelease(store: Store, eventId: string, playbackQuery: string): Promise<AchievementView[]> {
  const [achievements, sessions, recordings] = await Promise.all([
    store.collection('achievements').list(eventId),
    store.collection('sessions').list(eventId),
    store.collection('recordings').list(eventId),
  ]);
  const sessionById = new Map(sessions.map((s) => [s.id, s]));
  const ready = new Set(recordings.filter((r) => r.status === 'ready').map((r) => r.id));
  return achievements
    .sort((a, b) => a.title.localeCompare(b.title))
    .map((achievement) => {
      const session = achievement.sessionId === null ? undefined : sessionById.get(achievement.sessionId);
      const release: AchievementRelease | null = session
        ? {
            sessionId: session.id,
            title: session.title,
            plannedStart: session.plannedStart,
            status: session.status,
            replayUrl: ready.has(session.id) ? `/replay/${eventId}/${session.id}${playbackQuery}` : null,
          }
        : null;
      return { ...achievement, release };
    });
}

/** A viewer opened an achievement: counted once per viewer (the report's views). */
export async function recordAchievementView(
  store: Store,
  eventId: string,
  achievementId: string,
  viewerId: string,
  clock: Clock,
): Promise<void> {
  await store.collection('achievementViews').insert({
    id: `${achievementId}:${viewerId}`,
    eventId,
    achievementId,
    viewedAt: new Date(clock()).toISOString(),
  });
}
