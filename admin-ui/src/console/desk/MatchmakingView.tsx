import { useCallback, useEffect, useState } from 'preact/hooks';
import type { AchievementRecord } from '../../../../signaling/contract';
import { localized } from '../../i18n/content';
import { compareNames, formatDateTime, formatNumber, nameMatches } from '../../i18n/format';
import { consoleDesk } from '../../i18n/messages/consoleDesk';
import { consoleText } from '../../i18n/messages/console';
import { useLocale } from '../../i18n/preact';
import { downloadWithToken, eventPath } from '../../lib/api';
import { usableZone } from '../../lib/zonedTime';
import { useConsole } from '../context';
import { errorText } from '../errorText';

const t = consoleDesk.t;

interface Counts {
  views: number;
  interests: number;
  meetingsRequested: number;
  meetingsHeld: number;
  agreements: number;
}

/** The desk's `matchmakingReport`, as far as this view shows it. */
interface Report {
  generatedAt: string;
  achievements: (Counts & { achievementId: string; title: string; sector: string })[];
  sectors: (Counts & { sector: string })[];
}

const COLUMNS: (keyof Counts)[] = ['views', 'interests', 'meetingsRequested', 'meetingsHeld', 'agreements'];

function CountCells({ row }: { row: Counts }) {
  return (
    <>
      {COLUMNS.map((key) => (
        <td key={key} class="number">
          {formatNumber(row[key])}
        </td>
      ))}
    </>
  );
}

/** What the desk did for the organisers: per achievement and per sector, with the same figures as CSV. */
export function MatchmakingView() {
  useLocale();
  const { api, identity, event, notify } = useConsole();
  const zone = usableZone(event?.timezone);
  const [report, setReport] = useState<Report | null>(null);
  // The achievements themselves: the report names each by its first-entered title only.
  const [achievements, setAchievements] = useState<ReadonlyMap<string, AchievementRecord>>(new Map());
  const [error, setError] = useState<{ failure: unknown } | null>(null);
  const [query, setQuery] = useState('');
  const path = eventPath(identity.eventId, 'desk', 'report');

  const load = useCallback(() => {
    Promise.all([api.get<Report>(path), api.get<AchievementRecord[]>(eventPath(identity.eventId, 'achievements'))])
      .then(([loaded, records]) => {
        setReport(loaded);
        setAchievements(new Map(records.map((a) => [a.id, a])));
        setError(null);
      })
      .catch((failure: unknown) => setError({ failure }));
  }, [api, path, identity.eventId]);
  useEffect(load, [load]);

  const downloadCsv = async (): Promise<void> => {
    try {
      await downloadWithToken(`${path}?format=csv`, identity.token, `matchmaking-${identity.eventId}.csv`);
    } catch (failure) {
      notify({ text: t('csvFailed', { error: errorText(failure) }), tone: 'error' });
    }
  };

  const titleOf = (row: Report['achievements'][number]): string => {
    const record = achievements.get(row.achievementId);
    return record ? localized(record, 'title') : row.title;
  };
  // The server ranks achievements by interest; ties, and the sectors, go by name in the page's language.
  const achievementRows = (report?.achievements ?? [])
    .filter((row) => {
      const record = achievements.get(row.achievementId);
      return (
        nameMatches(titleOf(row), query) || nameMatches(row.sector, query) || (record ? nameMatches(record.institution, query) : false)
      );
    })
    .sort((a, b) => b.interests - a.interests || compareNames(titleOf(a), titleOf(b)));
  const sectorRows = (report?.sectors ?? [])
    .filter((row) => nameMatches(row.sector, query))
    .sort((a, b) => compareNames(a.sector, b.sector));

  return (
    <section class="view matchmaking-view" aria-labelledby="matchmaking-heading">
      <header class="view-head">
        <div>
          <h1 id="matchmaking-heading">{t('heading')}</h1>
          <p class="muted">{report ? t('asOf', { time: formatDateTime(report.generatedAt, zone) }) : consoleText.t('common.loading')}</p>
        </div>
        <div class="toolbar">
          <input
            type="search"
            id="matchmaking-search"
            aria-label={t('search')}
            placeholder={t('searchPlaceholder')}
            value={query}
            onInput={(e) => setQuery(e.currentTarget.value)}
          />
          <button type="button" class="button-quiet" onClick={load}>
            {consoleText.t('common.refresh')}
          </button>
          <button type="button" onClick={() => void downloadCsv()}>
            {t('csv')}
          </button>
        </div>
      </header>
      {error && <p class="muted">{t('loadFailed', { error: errorText(error.failure) })}</p>}
      {report && achievementRows.length === 0 && sectorRows.length === 0 && query.trim() !== '' && <p class="empty">{t('noMatch')}</p>}
      {report && (
        <>
          <h2>{t('perSector')}</h2>
          <table id="matchmaking-sectors">
            <thead>
              <tr>
                <th scope="col">{t('col.sector')}</th>
                {COLUMNS.map((key) => (
                  <th key={key} scope="col">
                    {t(`col.${key}`)}
                  </th>
                ))}
              </tr>
            </thead>
            <tbody>
              {sectorRows.map((row) => (
                <tr key={row.sector} data-sector={row.sector}>
                  <th scope="row">{row.sector}</th>
                  <CountCells row={row} />
                </tr>
              ))}
            </tbody>
          </table>
          <h2>{t('perAchievement')}</h2>
          <table id="matchmaking-achievements">
            <thead>
              <tr>
                <th scope="col">{t('col.achievement')}</th>
                <th scope="col">{t('col.sector')}</th>
                {COLUMNS.map((key) => (
                  <th key={key} scope="col">
                    {t(`col.${key}`)}
                  </th>
                ))}
              </tr>
            </thead>
            <tbody>
              {achievementRows.map((row) => (
                <tr key={row.achievementId} data-achievement={row.achievementId}>
                  <th scope="row">{titleOf(row)}</th>
                  <td>{row.sector}</td>
                  <CountCells row={row} />
                </tr>
              ))}
            </tbody>
          </table>
        </>
      )}
    </section>
  );
}
