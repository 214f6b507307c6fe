import type { QuestionRecord } from '../store/records';

/**
 * The demo event's audience questions, keyed by the session they were asked in (demoProgramme.ts):
 * some approved with votes for attendees to see, some pending for moderators, whatever the hour.
 */
export const DEMO_QUESTIONS: {
  key: string;
  session: string;
  text: string;
  authorName: string;
  status: QuestionRecord['status'];
  votes: number;
}[] = [
  {
    key: 'q-opening-1',
    session: 'opening',
    text: 'Will the recordings of today’s sessions be available afterwards?',
    authorName: 'Lena W.',
    status: 'approved',
    votes: 5,
  },
  {
    key: 'q-keynote-1',
    session: 'keynote',
    text: 'Which of today’s results could a small manufacturer license this year, and on what terms?',
    authorName: 'Elena M.',
    status: 'approved',
    votes: 4,
  },
  {
    key: 'q-keynote-2',
    session: 'keynote',
    text: 'How long does a typical pilot line take to go from a university lab to the first customer?',
    authorName: 'Tomás R.',
    status: 'approved',
    votes: 2,
  },
  {
    key: 'q-keynote-3',
    session: 'keynote',
    text: 'Will the slides be shared after the session?',
    authorName: 'Guest',
    status: 'pending',
    votes: 0,
  },
  {
    key: 'q-report-1',
    session: 'report',
    text: 'Which sectors show the widest gap between what universities offer and what factories need?',
    authorName: 'Hannah K.',
    status: 'approved',
    votes: 3,
  },
  {
    key: 'q-report-2',
    session: 'report',
    text: 'Who owns the rights when students worked on the project?',
    authorName: 'Ravi P.',
    status: 'pending',
    votes: 0,
  },
  {
    key: 'q-riverside-1',
    session: 'release-riverside',
    text: 'What is the cell’s performance at −20 °C?',
    authorName: 'Priya K.',
    status: 'approved',
    votes: 3,
  },
  {
    key: 'q-riverside-2',
    session: 'release-riverside',
    text: 'Is the rice-husk supply seasonal, and how is the feedstock stored?',
    authorName: 'Jonas B.',
    status: 'pending',
    votes: 0,
  },
  {
    key: 'q-northlake-1',
    session: 'release-northlake',
    text: 'Has NL-17 been tried on saline soils?',
    authorName: 'Amara O.',
    status: 'approved',
    votes: 6,
  },
  {
    key: 'q-northlake-2',
    session: 'release-northlake',
    text: 'Does the sensor app work where there is no mobile coverage?',
    authorName: 'Chen L.',
    status: 'approved',
    votes: 2,
  },
  {
    key: 'q-northlake-3',
    session: 'release-northlake',
    text: 'What does a farmer pay per season for the LoRa gateway?',
    authorName: 'Guest',
    status: 'pending',
    votes: 0,
  },
  {
    key: 'q-eastport-1',
    session: 'release-eastport',
    text: 'How was the triage model checked against radiologists’ readings?',
    authorName: 'Sara N.',
    status: 'approved',
    votes: 4,
  },
  {
    key: 'q-eastport-2',
    session: 'release-eastport',
    text: 'Does the probe need a particular phone model?',
    authorName: 'Guest',
    status: 'pending',
    votes: 0,
  },
  {
    key: 'q-panel-1',
    session: 'panel',
    text: 'What share of a first factory’s cost do public funds usually cover?',
    authorName: 'Marco D.',
    status: 'approved',
    votes: 5,
  },
  {
    key: 'q-panel-2',
    session: 'panel',
    text: 'Do investors prefer a licence or a spin-off company?',
    authorName: 'Yuki T.',
    status: 'approved',
    votes: 2,
  },
  {
    key: 'q-panel-3',
    session: 'panel',
    text: 'When should a university take equity rather than royalties?',
    authorName: 'Guest',
    status: 'pending',
    votes: 0,
  },
  {
    key: 'q-signing-1',
    session: 'signing',
    text: 'Will the terms of the agreements be published?',
    authorName: 'Ines F.',
    status: 'approved',
    votes: 1,
  },
  {
    key: 'q-signing-2',
    session: 'signing',
    text: 'Which of the agreements set up joint laboratories?',
    authorName: 'Guest',
    status: 'pending',
    votes: 0,
  },
];
