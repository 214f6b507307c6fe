import type { HlsHealth, StageHealthView, StageRecord } from '../../../../signaling/contract';
import type { StageLevel, StageStatus } from './healthSeries';

const LEVEL_TEXT: Record<StageLevel, string> = {
  down: 'Source down',
  critical: 'Critical',
  degraded: 'Degraded',
  ok: 'Healthy',
  idle: 'No media',
};

const kbps = (bps: number): string => (bps >= 1_000_000 ? `${(bps / 1_000_000).toFixed(1)} Mbps` : `${Math.round(bps / 1000)} kbps`);

/** Each booth: live or not, the live microphone's level and loss. */
function languagesText(languages: StageHealthView['languages']): string {
  return languages
    .map((l) => {
      if (!l.live) return `${l.language}: no interpreter`;
      const level = l.audioLevelDbov === null ? 'silent' : `${Math.round(l.audioLevelDbov)} dBov`;
      return `${l.language}: live (${l.interpreters} in booth) · ${level} · ${l.lossPercent} % loss`;
    })
    .join(' — ');
}

function hlsText(hls: HlsHealth | null): string {
  if (!hls) return 'off';
  if (!hls.encoderAlive) return `encoder down (restarts ${hls.restarts})`;
  if (!hls.expectingSegments) return 'idle: no source';
  const ladder = hls.renditions.map((r) => `${r.name} ${kbps(r.bitrateBps)}`).join(' · ');
  return `newest segment ${(hls.newestSegmentAgeMs / 1000).toFixed(0)} s ago · ${ladder}${hls.restarts > 0 ? ` · ${hls.restarts} restarts` : ''}`;
}

/** One card per stage: red as soon as a source is down, with what is wrong, who watches, and each source's numbers. */
export function StageHealthCards({ stages, statuses }: { stages: StageRecord[]; statuses: ReadonlyMap<string, StageStatus> }) {
  return (
    <div class="health-cards">
      {stages.map((stage) => {
        const status = statuses.get(stage.id);
        const level = status?.level ?? 'idle';
        const health = status?.health ?? null;
        return (
          <article
            key={stage.id}
            class={`health-card level-${level}`}
            data-stage={stage.id}
            data-level={level}
            aria-label={`${stage.name}: ${LEVEL_TEXT[level]}`}
          >
            <header>
              <h2>{stage.name}</h2>
              <span class="level-badge">{LEVEL_TEXT[level]}</span>
            </header>
            <p class="health-reason">{status?.reason ?? 'No sample yet'}</p>
            {health && (
              <dl class="health-figures">
                <div>
                  <dt>Viewers</dt>
                  <dd>
                    {health.viewers}
                    {health.viewers > 0 && health.receivingViewers < health.viewers && (
                      <span class="muted"> ({health.receivingViewers} receiving)</span>
                    )}
                    {health.hlsViewers > 0 && <span class="muted"> + {health.hlsViewers} over HLS</span>}
                  </dd>
                </div>
                <div>
                  <dt>On air</dt>
                  <dd>{health.program ?? 'auto'}</dd>
                </div>
                <div>
                  <dt>Out</dt>
                  <dd>{kbps(health.bitrateOutBps)}</dd>
                </div>
                <div data-hls={health.hls ? (health.hls.encoderAlive ? 'up' : 'down') : 'off'}>
                  <dt>HLS</dt>
                  <dd>{hlsText(health.hls)}</dd>
                </div>
                {health.languages.length > 0 && (
                  <div data-languages={String(health.languages.every((l) => l.live))}>
                    <dt>Languages</dt>
                    <dd>{languagesText(health.languages)}</dd>
                  </div>
                )}
              </dl>
            )}
            {health && health.sources.length > 0 && (
              <ul class="health-sources">
                {health.sources.map((source) => (
                  <li key={source.id} data-source={source.id} data-receiving={String(source.receiving)}>
                    <span class="source-dot" aria-hidden="true" />
                    <span class="health-source-name">{source.label || source.id}</span>
                    <span class="health-source-figures">
                      {source.receiving ? (
                        <>
                          {kbps(source.bitrateBps)} · {source.lossPercent}% loss · score {source.score ?? '–'}
                        </>
                      ) : (
                        `silent ${(source.silentForMs / 1000).toFixed(0)} s`
                      )}
                    </span>
                  </li>
                ))}
              </ul>
            )}
          </article>
        );
      })}
    </div>
  );
}
