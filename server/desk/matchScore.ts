/**
 * The explainable score of one suggestion: each factor adds points and says why. Pure functions over
 * plain data, so the ranking can be read, tested and tuned without a store.
 */

export const SECTOR_POINTS = 50;
export const POINTS_PER_COMMON_WORD = 8;
export const MAX_WORD_POINTS = 40;
export const MATURITY_POINTS = 20;

export type MatchFactor = 'sector' | 'words' | 'maturity';

export interface MatchReason {
  factor: MatchFactor;
  points: number;
  detail: string;
}

/** What the delegate brings: their sectors and their organisation's, the words of what it posted, the maturity it needs. */
export interface MatchProfile {
  sectors: ReadonlySet<string>;
  words: ReadonlySet<string>;
  /** The lowest TRL the delegate's organisation wants (the least its needs ask); null: no wish. */
  maturityWanted: number | null;
  /** The highest TRL the delegate's organisation has reached (its achievements'); null: none stated. */
  maturityOffered: number | null;
}

/** An achievement or a need, as the score sees it. */
export interface MatchCandidate {
  sector: string;
  text: string;
  /** An achievement's TRL; null for needs and achievements that do not say. */
  maturity: number | null;
  /** A need's wish: the TRL the delegate's own achievements must reach. */
  maturityWanted: number | null;
}

/** Function words that say nothing about a subject, in English and Chinese. */
const STOP_WORDS = new Set(
  [
    'the and for with from into that this these those are was were been has have had its our their your which what when where who how not but',
    'of to in on at by as is be it an or if so no we us',
    'can will may use used using based new high low more less very also than such via per all any each one two other',
    '的 了 和 与 及 或 在 是 为 对 等 中 将 可 以 于 其 由 把 被 也 并 而 但 这 那 我们 一种 一个 进行 通过 可以 以及 相关 具有',
  ]
    .join(' ')
    .split(' '),
);

const segmenter = new Intl.Segmenter('zh', { granularity: 'word' });

/**
 * The words of a text, lower case, each once. Intl.Segmenter splits Chinese (written without spaces)
 * into words with ICU's dictionary as well as it splits English on spaces and punctuation. Words of
 * one letter and function words are left out; a single Han character is kept only when it stands alone.
 */
export function wordsOf(text: string): Set<string> {
  const words = new Set<string>();
  for (const { segment, isWordLike } of segmenter.segment(text.normalize('NFKC').toLowerCase())) {
    if (!isWordLike || STOP_WORDS.has(segment)) continue;
    if (segment.length < 2 && !/\p{Script=Han}/u.test(segment)) continue;
    if (/^\d+$/.test(segment)) continue;
    words.add(segment);
  }
  return words;
}

/** The points a candidate earns against a profile, with a reason for each factor that earned any. */
export function scoreMatch(profile: MatchProfile, candidate: MatchCandidate): { score: number; reasons: MatchReason[] } {
  const reasons: MatchReason[] = [];
  if (candidate.sector && profile.sectors.has(candidate.sector)) {
    reasons.push({ factor: 'sector', points: SECTOR_POINTS, detail: `sector: ${candidate.sector}` });
  }
  const common = [...wordsOf(candidate.text)].filter((w) => profile.words.has(w)).sort();
  if (common.length > 0) {
    const points = Math.min(MAX_WORD_POINTS, common.length * POINTS_PER_COMMON_WORD);
    reasons.push({ factor: 'words', points, detail: `words in common: ${common.slice(0, 8).join(', ')}` });
  }
  const maturity = maturityReason(profile, candidate);
  if (maturity) reasons.push(maturity);
  return { score: reasons.reduce((sum, r) => sum + r.points, 0), reasons };
}

function maturityReason(profile: MatchProfile, candidate: MatchCandidate): MatchReason | null {
  if (candidate.maturity !== null && profile.maturityWanted !== null && candidate.maturity >= profile.maturityWanted) {
    return {
      factor: 'maturity',
      points: MATURITY_POINTS,
      detail: `maturity: TRL ${candidate.maturity}, wanted ${profile.maturityWanted} or more`,
    };
  }
  if (candidate.maturityWanted !== null && profile.maturityOffered !== null && profile.maturityOffered >= candidate.maturityWanted) {
    return {
      factor: 'maturity',
      points: MATURITY_POINTS,
      detail: `maturity: wants TRL ${candidate.maturityWanted} or more, yours reach ${profile.maturityOffered}`,
    };
  }
  return null;
}
