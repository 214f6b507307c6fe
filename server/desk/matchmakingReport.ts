import type { ExportText } from '../i18n/exportText';
import type { Store } from '../store';
import type { AchievementRecord } from '../store/records';
import type { Clock } from './clock';
import { sectorOf } from './Matchmaking';

export interface ReportCounts {
  views: number;
  interests: number;
  meetingsRequested: number;
  /** Accepted meetings whose time is over. */
  meetingsHeld: number;
  agreements: number;
}

export interface AchievementReportRow extends ReportCounts {
  achievementId: string;
  title: string;
  sector: string;
}

export interface SectorReportRow extends ReportCounts {
  sector: string;
}

export interface MatchmakingReport {
  generatedAt: string;
  achievements: AchievementReportRow[];
  sectors: SectorReportRow[];
}

const zero = (): ReportCounts => ({ views: 0, interests: 0, meetingsRequested: 0, meetingsHeld: 0, agreements: 0 });

/**
 * What the desk did, per achievement and per sector: distinct viewers who opened an achievement,
 * interests, meetings requested (every request, whatever became of it) and held, agreements. Needs
 * count in their sector's row (interests and meetings about them).
 */
export async function matchmakingReport(store: Store, eventId: string, clock: Clock): Promise<MatchmakingReport> {
  const [achievements, needs, views, interests, meetings, agreements] = await Promise.all([
    store.collection('achievements').list(eventId),
    store.collection('needs').list(eventId),
    store.collection('achievementViews').list(eventId),
    store.collection('interests').list(eventId),
    store.collection('meetings').list(eventId),
    store.collection('agreements').list(eventId),
  ]);
  const now = clock();
  const byAchievement = new Map<string, ReportCounts>(achievements.map((a) => [a.id, zero()]));
  const byNeed = new Map<string, ReportCounts>(needs.map((n) => [n.id, zero()]));
  const countsOf = (kind: 'achievement' | 'need', id: string): ReportCounts | undefined =>
    kind === 'achievement' ? byAchievement.get(id) : byNeed.get(id);
  for (const view of views) {
    const counts = byAchievement.get(view.achievementId);
    if (counts) counts.views++;
  }
  for (const interest of interests) {
    const counts = countsOf(interest.target.kind, interest.target.id);
    if (counts) counts.interests++;
  }
  for (const meeting of meetings) {
    const counts = meeting.about ? countsOf(meeting.about.kind, meeting.about.id) : undefined;
    if (!counts) continue;
    counts.meetingsRequested++;
    if (meeting.status === 'accepted' && Date.parse(meeting.end) <= now) counts.meetingsHeld++;
  }
  for (const agreement of agreements) {
    const counts = byAchievement.get(agreement.achievementId);
    if (counts) counts.agreements++;
  }
  const sectors = new Map<string, ReportCounts>();
  const addTo = (sector: string, counts: ReportCounts): void => {
    const total = sectors.get(sector) ?? zero();
    for (const key of Object.keys(total) as (keyof ReportCounts)[]) total[key] += counts[key];
    sectors.set(sector, total);
  };
  const rows = achievements.map((a: AchievementRecord) => {
    const counts = byAchievement.get(a.id) ?? zero();
    addTo(sectorOf(a), counts);
    return { achievementId: a.id, title: a.title, sector: sectorOf(a), ...counts };
  });
  for (const need of needs) addTo(need.sector, byNeed.get(need.id) ?? zero());
  return {
    generatedAt: new Date(now).toISOString(),
    achievements: rows.sort((a, b) => b.interests - a.interests || a.title.localeCompare(b.title)),
    sectors: [...sectors].map(([sector, counts]) => ({ sector, ...counts })).sort((a, b) => a.sector.localeCompare(b.sector)),
  };
}

const COLUMNS: (keyof ReportCounts)[] = ['views', 'interests', 'meetingsRequested', 'meetingsHeld', 'agreements'];

/**
 * One CSV (RFC 4180, CRLF) with a row per achievement then per sector, its header and scope words in the
 * language of `text`. A cell that a spreadsheet would
 * read as a formula (starting with =, +, -, @) is prefixed with an apostrophe: titles come from users.
 */
export function reportCsv(report: MatchmakingReport, text: ExportText): string {
  const cell = (value: string | number): string => {
    const text = typeof value === 'number' ? String(value) : /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
    return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
  };
  const lines: (string | number)[][] = [[...text.csvHeader]];
  for (const row of report.achievements)
    lines.push([text.achievementScope, row.achievementId, row.title, row.sector, ...COLUMNS.map((c) => row[c])]);
  for (const row of report.sectors) lines.push([text.sectorScope, '', '', row.sector, ...COLUMNS.map((c) => row[c])]);
  return lines.map((line) => line.map(cell).join(',')).join('\r\n') + '\r\n';
}
