import assert from 'node:assert/strict';
import { MATURITY_POINTS, SECTOR_POINTS, type MatchProfile, scoreMatch, wordsOf } from '../../../server/desk/matchScore';
import { reportCsv } from '../../../server/desk/matchmakingReport';
import { exportText } from '../../../server/i18n/exportText';

const profile = (over: Partial<MatchProfile> = {}): MatchProfile => ({
  sectors: new Set(['optoelectronic information']),
  words: wordsOf('需要激光雷达检测方案 for precision inspection'),
  maturityWanted: 6,
  maturityOffered: null,
  ...over,
});

describe('Matchmaking score', () => {
  it('splits Chinese into words as well as English, leaving out function words and single letters', () => {
    assert.deepEqual([...wordsOf('基于激光雷达的检测技术')].sort(), ['基于', '技术', '检测', '激光', '雷达'].sort());
    assert.deepEqual([...wordsOf('A laser-based inspection of the parts')].sort(), ['inspection', 'laser', 'parts']);
  });

  it('explains each point: sector, the words in common, and maturity reached', () => {
    const { score, reasons } = scoreMatch(profile(), {
      sector: 'optoelectronic information',
      text: '高精度激光雷达 inspection system',
      maturity: 7,
      maturityWanted: null,
    });
    assert.deepEqual(
      reasons.map((r) => r.factor),
      ['sector', 'words', 'maturity'],
    );
    assert.equal(reasons[1]?.detail, 'words in common: inspection, 激光, 雷达');
    assert.equal(score, SECTOR_POINTS + 3 * 8 + MATURITY_POINTS);
  });

  it('gives nothing for another sector, no common word and maturity below the wish', () => {
    assert.deepEqual(scoreMatch(profile(), { sector: 'new materials', text: '高分子复合材料', maturity: 4, maturityWanted: null }), {
      score: 0,
      reasons: [],
    });
  });

  it("scores a need by whether the team's achievements reach the maturity it wants", () => {
    const team = profile({ maturityWanted: null, maturityOffered: 8 });
    const need = { sector: '', text: '', maturity: null, maturityWanted: 6 };
    assert.deepEqual(scoreMatch(team, need).reasons[0]?.factor, 'maturity');
    assert.equal(scoreMatch({ ...team, maturityOffered: 5 }, need).score, 0);
  });
});

const counts = { views: 1, interests: 2, meetingsRequested: 3, meetingsHeld: 0, agreements: 1 };
const REPORT = {
  generatedAt: '2033-01-01T00:00:00.000Z',
  achievements: [{ achievementId: 'a1', title: '=HYPERLINK("x"), "quoted"', sector: 'optics', ...counts }],
  sectors: [{ sector: 'optics', ...counts }],
};

describe('Matchmaking report CSV', () => {
  it('quotes what needs quoting and disarms cells a spreadsheet would run as formulas', () => {
    const csv = reportCsv(REPORT, exportText('en'));
    assert.deepEqual(csv.split('\r\n'), [
      'scope,id,title,sector,views,interests,meetingsRequested,meetingsHeld,agreements',
      `achievement,a1,"'=HYPERLINK(""x""), ""quoted""",optics,1,2,3,0,1`,
      'sector,,,optics,1,2,3,0,1',
      '',
    ]);
  });

  it('writes its header and scope words in Chinese for a Chinese reader, the figures unchanged', () => {
    const [header, achievement, sector] = reportCsv(REPORT, exportText('zh-CN')).split('\r\n');
    assert.equal(header, '范围,编号,标题,领域,浏览,意向,申请洽谈,已洽谈,签约');
    assert.match(achievement ?? '', /^成果,a1,.*,optics,1,2,3,0,1$/);
    assert.equal(sector, '领域,,,optics,1,2,3,0,1');
  });
});
