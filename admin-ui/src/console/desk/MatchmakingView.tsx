import { useCallback, useEffect, useState } from 'preact/hooks';
import { downloadWithToken, eventPath } from '../../lib/api';
import { useConsole } from '../context';

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

const COLUMNS: { key: keyof Counts; label: string }[] = [
  { key: 'views', label: 'Views' },
  { key: 'interests', label: 'Interests' },
  { key: 'meetingsRequested', label: 'Meetings requested' },
  { key: 'meetingsHeld', label: 'Meetings held' },
  { key: 'agreements', label: 'Agreements' },
];

function CountCells({ row }: { row: Counts }) {
  return (
    <>
      {COLUMNS.map((c) => (
        <td key={c.key} class="number">
          {row[c.key]}
        </td>
      ))}
    </>
  );
}

/** What the desk did for the organisers: per achievement and per sector, with the same figures as CSV. */
export function MatchmakingView() {
  const { api, identity, notify } = useConsole();
  const [report, setReport] = useState<Report | null>(null);
  const [error, setError] = useState<string | null>(null);
  const path = eventPath(identity.eventId, 'desk', 'report');

  const load = useCallback(() => {
    api
      .get<Report>(path)
      .then((loaded) => {
        setReport(loaded);
        setError(null);
      })
      .catch((failure: unknown) => setError(failure instanceof Error ? failure.message : String(failure)));
  }, [api, path]);
  useEffect(load, [load]);

  const downloadCsv = async (): Promise<void> => {
    try {
      await downloadWithToken(`${path}?format=csv`, identity.token, `matchmaking-${identity.eventId}.csv`);
    } catch (failure) {
      notify({ text: `The CSV could not be downloaded: ${failure instanceof Error ? failure.message : String(failure)}`, tone: 'error' });
    }
  };

  return (
    <section class="view matchmaking-view" aria-labelledby="matchmaking-heading">
      <header class="view-head">
        <div>
          <h1 id="matchmaking-heading">Matchmaking</h1>
          <p class="muted">{report ? `As of ${new Date(report.generatedAt).toLocaleTimeString()}` : 'Loading…'}</p>
        </div>
        <div class="toolbar">
          <button type="button" class="button-quiet" onClick={load}>
            Refresh
          </button>
          <button type="button" onClick={() => void downloadCsv()}>
            Download CSV
          </button>
        </div>
      </header>
      {error && <p class="muted">The report could not be loaded ({error}).</p>}
      {report && (
        <>
          <h2>Per sector</h2>
          <table id="matchmaking-sectors">
            <thead>
              <tr>
                <th scope="col">Sector</th>
                {COLUMNS.map((c) => (
                  <th key={c.key} scope="col">
                    {c.label}
                  </th>
                ))}
              </tr>
            </thead>
            <tbody>
              {report.sectors.map((row) => (
                <tr key={row.sector} data-sector={row.sector}>
                  <th scope="row">{row.sector}</th>
                  <CountCells row={row} />
                </tr>
              ))}
            </tbody>
          </table>
          <h2>Per achievement</h2>
          <table id="matchmaking-achievements">
            <thead>
              <tr>
                <th scope="col">Achievement</th>
                <th scope="col">Sector</th>
                {COLUMNS.map((c) => (
                  <th key={c.key} scope="col">
                    {c.label}
                  </th>
                ))}
              </tr>
            </thead>
            <tbody>
              {report.achievements.map((row) => (
                <tr key={row.achievementId} data-achievement={row.achievementId}>
                  <th scope="row">{row.title}</th>
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
