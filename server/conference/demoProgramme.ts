import { createHash } from 'node:crypto';
import type {
  AchievementRecord,
  EventRecord,
  QuestionRecord,
  SessionKind,
  SessionRecord,
  SpeakerRecord,
  StageRecord,
} from '../store/records';
import { DEMO_ACHIEVEMENTS_ZH, DEMO_EVENT_NAME_ZH, DEMO_SESSION_TITLES_ZH, DEMO_STAGE_NAMES_ZH } from './demoChinese';
import { DEMO_QUESTIONS } from './demoQuestions';
import { zonedIso } from './zonedClock';

/**
 * The demo event's programme for one day: a regional technology-transfer fair on two stages, with
 * opening speeches, a keynote, an industry report, three universities releasing their results, a
 * panel and a signing ceremony. The people and institutions are invented; contacts use example.org.
 */

export const DEMO_EVENT_ID = 'demo';

/**
 * A fixed, valid v4-shaped UUID per demo record. Ids are derived, not random, so seeding twice (a
 * crash half way, or two cluster nodes booting together on an empty Redis) writes the same records
 * again instead of a second copy of the day.
 */
export function demoId(key: string): string {
  const bytes = createHash('sha256').update(`stagecast-demo:${key}`).digest().subarray(0, 16);
  bytes[6] = (bytes[6] & 0x0f) | 0x40;
  bytes[8] = (bytes[8] & 0x3f) | 0x80;
  const hex = bytes.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

const SPEAKERS: Record<string, Omit<SpeakerRecord, 'id' | 'eventId'>> = {
  wang: { name: 'Wang Lei', title: 'Director', organisation: 'Regional Science and Technology Bureau', presence: 'on-site' },
  becker: {
    name: 'Prof. Anna Becker',
    title: 'Vice-President for Research',
    organisation: 'Riverside University of Technology',
    presence: 'on-site',
  },
  okafor: { name: 'Dr. Samuel Okafor', title: 'Chief Technology Officer', organisation: 'Meridian Robotics', presence: 'remote' },
  zhou: { name: 'Zhou Hui', title: 'General Manager', organisation: 'Lakeside Battery Co., Ltd.', presence: 'on-site' },
  liu: {
    name: 'Prof. Liu Yang',
    title: 'Head of the Battery Materials Lab',
    organisation: 'Riverside University of Technology',
    presence: 'on-site',
  },
  santos: {
    name: 'Dr. Maria Santos',
    title: 'Associate Professor of Plant Sciences',
    organisation: 'Northlake Agricultural University',
    presence: 'remote',
  },
  watanabe: {
    name: 'Prof. Kenji Watanabe',
    title: 'Director, Institute of Biomedical Engineering',
    organisation: 'Eastport Medical University',
    presence: 'on-site',
  },
  lindqvist: { name: 'Sofia Lindqvist', title: 'Partner', organisation: 'Northbridge Ventures', presence: 'on-site' },
  karim: {
    name: 'Ahmed Karim',
    title: 'Head of Technology Transfer',
    organisation: 'Riverside University of Technology',
    presence: 'on-site',
  },
};
type SpeakerKey = keyof typeof SPEAKERS;

interface PlannedSession {
  key: string;
  stageId: 'keynote' | 'release';
  title: string;
  kind: SessionKind;
  speakers: SpeakerKey[];
  /** HH:MM on the venue's clock. */
  start: string;
  end: string;
}

const SESSIONS: PlannedSession[] = [
  {
    key: 'opening',
    stageId: 'keynote',
    title: 'Opening speeches',
    kind: 'speech',
    speakers: ['wang', 'becker'],
    start: '09:00',
    end: '09:40',
  },
  {
    key: 'keynote',
    stageId: 'keynote',
    title: 'Keynote: From the lab bench to the production line',
    kind: 'keynote',
    speakers: ['okafor'],
    start: '09:45',
    end: '10:30',
  },
  {
    key: 'report',
    stageId: 'keynote',
    title: 'Industry report: what manufacturers need from university research',
    kind: 'report',
    speakers: ['zhou'],
    start: '10:45',
    end: '11:30',
  },
  {
    key: 'panel',
    stageId: 'keynote',
    title: 'Panel: Financing the first factory — investors, universities and industry',
    kind: 'panel',
    speakers: ['lindqvist', 'karim', 'okafor'],
    start: '14:00',
    end: '15:15',
  },
  {
    key: 'signing',
    stageId: 'keynote',
    title: 'Signing ceremony: cooperation agreements of the fair',
    kind: 'signing',
    speakers: ['wang', 'becker', 'zhou'],
    start: '16:30',
    end: '17:30',
  },
  {
    key: 'release-riverside',
    stageId: 'release',
    title: 'Achievement release: Riverside University of Technology',
    kind: 'achievement-release',
    speakers: ['liu'],
    start: '10:00',
    end: '11:00',
  },
  {
    key: 'release-northlake',
    stageId: 'release',
    title: 'Achievement release: Northlake Agricultural University',
    kind: 'achievement-release',
    speakers: ['santos'],
    start: '11:15',
    end: '12:15',
  },
  {
    key: 'release-eastport',
    stageId: 'release',
    title: 'Achievement release: Eastport Medical University',
    kind: 'achievement-release',
    speakers: ['watanabe'],
    start: '13:30',
    end: '14:30',
  },
];

const ACHIEVEMENTS: (Omit<AchievementRecord, 'id' | 'eventId' | 'sessionId'> & { key: string; session: string })[] = [
  {
    key: 'sodium-ion',
    session: 'release-riverside',
    title: 'Sodium-ion cells with a hard-carbon anode made from rice husks',
    institution: 'Riverside University of Technology',
    field: 'Energy storage',
    summary:
      'A pilot-line cell reaching 150 Wh/kg and 3,000 cycles at 80 % capacity, with an anode carbonised from agricultural waste. No lithium or cobalt; cost per kWh about 30 % below comparable LFP cells. Seeking a manufacturing partner for a 1 GWh line.',
    contact: 'tech-transfer@riverside-tech.example.org',
  },
  {
    key: 'wheat',
    session: 'release-northlake',
    title: 'Drought-tolerant winter wheat line NL-17',
    institution: 'Northlake Agricultural University',
    field: 'Crop breeding',
    summary:
      'Field trials over three seasons kept 92 % of the yield under a 40 % irrigation cut. Conventionally bred, no genetic modification; seed available for regional certification trials.',
    contact: 'Dr. Maria Santos, seeds@northlake-agri.example.org',
  },
  {
    key: 'soil-sensors',
    session: 'release-northlake',
    title: 'Low-cost soil moisture sensor network for smallholder farms',
    institution: 'Northlake Agricultural University',
    field: 'Agricultural IoT',
    summary:
      'Solar-powered probes at under 15 € each, linked over LoRa to a phone app that tells farmers when and how much to water. 400 probes in use on 60 farms.',
    contact: 'iot-lab@northlake-agri.example.org',
  },
  {
    key: 'ultrasound',
    session: 'release-eastport',
    title: 'Handheld ultrasound probe with on-device triage for rural clinics',
    institution: 'Eastport Medical University',
    field: 'Medical devices',
    summary:
      'A phone-sized probe whose on-device model flags suspected gallstones, kidney stones and fluid in the abdomen within seconds, without a network. Clinical study with 1,200 patients under way; licensing for production and distribution.',
    contact: 'Office of Technology Licensing, licensing@eastport-med.example.org',
  },
];

/**
 * Questions sent in ahead (attendees often do), so every session's Q&A shows something whenever the
 * demo is opened: approved ones with votes for attendees, a pending one here and there for moderators.
 */
export interface DemoProgramme {
  event: EventRecord;
  stages: StageRecord[];
  speakers: SpeakerRecord[];
  sessions: SessionRecord[];
  achievements: AchievementRecord[];
  questions: QuestionRecord[];
  /** Upvotes of the seeded questions: question id → voter ids. */
  votes: Map<string, string[]>;
}

/** Every record of the demo event, its sessions on `date` (YYYY-MM-DD) on the clock of `timeZone`. */
export function demoProgramme(date: string, timeZone: string, createdAt: string): DemoProgramme {
  const eventId = DEMO_EVENT_ID;
  // Chinese first for browsers that ask for neither page language: the fair it stands for is Chinese.
  const event: EventRecord = {
    id: eventId,
    name: 'Tech Achievement Fair — Demo',
    defaultLocale: 'zh-CN',
    translations: { 'zh-CN': { name: DEMO_EVENT_NAME_ZH } },
    isPublic: true,
    timezone: timeZone,
    createdAt,
  };
  const stages: StageRecord[] = [
    { id: 'keynote', eventId, name: 'Main hall — keynotes', programSourceId: null },
    { id: 'release', eventId, name: 'Achievement-release stage', programSourceId: null },
  ].map((stage) => ({ ...stage, translations: { 'zh-CN': { name: DEMO_STAGE_NAMES_ZH[stage.id] } } }));
  const speakers: SpeakerRecord[] = Object.entries(SPEAKERS).map(([key, speaker]) => ({
    ...speaker,
    id: demoId(`speaker:${key}`),
    eventId,
  }));
  const sessions: SessionRecord[] = SESSIONS.map((s) => ({
    id: demoId(`session:${s.key}`),
    eventId,
    stageId: s.stageId,
    title: s.title,
    translations: { 'zh-CN': { title: DEMO_SESSION_TITLES_ZH[s.key] } },
    kind: s.kind,
    speakerIds: s.speakers.map((key) => demoId(`speaker:${key}`)),
    plannedStart: zonedIso(date, s.start, timeZone),
    plannedEnd: zonedIso(date, s.end, timeZone),
    status: 'scheduled',
  }));
  const achievements: AchievementRecord[] = ACHIEVEMENTS.map(({ key, session, ...achievement }) => ({
    ...achievement,
    translations: { 'zh-CN': DEMO_ACHIEVEMENTS_ZH[key] },
    id: demoId(`achievement:${key}`),
    eventId,
    sessionId: demoId(`session:${session}`),
  }));
  const questions: QuestionRecord[] = DEMO_QUESTIONS.map((q, i) => ({
    id: demoId(`question:${q.key}`),
    eventId,
    sessionId: demoId(`session:${q.session}`),
    text: q.text,
    authorId: demoId(`attendee:${q.key}`),
    authorName: q.authorName,
    status: q.status,
    pinned: false,
    // Asked in the order listed, a minute apart, the evening before.
    createdAt: new Date(Date.parse(zonedIso(date, '00:00', timeZone)) - (DEMO_QUESTIONS.length - i) * 60_000).toISOString(),
  }));
  const votes = new Map(
    DEMO_QUESTIONS.map((q) => [demoId(`question:${q.key}`), Array.from({ length: q.votes }, (_, n) => demoId(`voter:${n}`))]),
  );
  return { event, stages, speakers, sessions, achievements, questions, votes };
}
