import type { ContentLocale } from '../store/records';

/**
 * The words of the files the server writes for people (a delegate's calendar, the organisers'
 * matchmaking CSV), in each page language. An interface, so a language missing a phrase fails the
 * type check. Column keys of the CSV stay stable identifiers in the JSON report; only the header row is
 * translated.
 */
export interface ExportText {
  calendarName(eventName: string): string;
  onlineMeeting: string;
  table(eventName: string, table: string): string;
  and: string;
  team: string;
  guest: string;
  csvHeader: readonly string[];
  achievementScope: string;
  sectorScope: string;
}

const EN: ExportText = {
  calendarName: (eventName) => `${eventName}: meetings`,
  onlineMeeting: 'Online meeting',
  table: (eventName, table) => `${eventName}, table ${table}`,
  and: ' and ',
  team: 'team',
  guest: 'guest',
  csvHeader: ['scope', 'id', 'title', 'sector', 'views', 'interests', 'meetingsRequested', 'meetingsHeld', 'agreements'],
  achievementScope: 'achievement',
  sectorScope: 'sector',
};

const ZH: ExportText = {
  calendarName: (eventName) => `${eventName}：洽谈日程`,
  onlineMeeting: '线上洽谈',
  table: (eventName, table) => `${eventName}，${table} 号洽谈桌`,
  and: '、',
  team: '团队',
  guest: '来访方',
  csvHeader: ['范围', '编号', '标题', '领域', '浏览', '意向', '申请洽谈', '已洽谈', '签约'],
  achievementScope: '成果',
  sectorScope: '领域',
};

export function exportText(locale: ContentLocale): ExportText {
  return locale === 'zh-CN' ? ZH : EN;
}
