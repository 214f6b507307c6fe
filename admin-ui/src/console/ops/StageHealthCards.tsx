import type { HlsHealth, StageHealthView, StageRecord } from '../../../../signaling/contract';
import { localized } from '../../i18n/content';
import { formatNumber } from '../../i18n/format';
import { consoleOps } from '../../i18n/messages/consoleOps';
import { sourceLabel } from '../stage/sourceLabels';
import type { StageStatus } from './healthSeries';

const t = consoleOps.t;

/** A bit rate as ops read it: Mbps with one decimal from 1 Mbps on, whole kbps below. */
const kbps = (bps: number): string =>
  bps >= 1_000_000
    ? t('rate.mbps', { value: formatNumber(bps / 1_000_000, { minimumFractionDigits: 1, maximumFractionDigits: 1 }) })
    : t('rate.kbps', { value: Math.round(bps / 1000) });

/** Each booth: live or not, the live microphone's level and loss. */
function languagesText(languages: StageHealthView['languages']): string {
  return languages
    .map((l) => {
      if (!l.live) return t('language.noInterpreter', { language: l.language });
      const level = l.audioLevelDbov === null ? t('language.silent') : `${Math.round(l.audioLevelDbov)} dBov`;
      return t('language.live', { language: l.language, count: l.interpreters, level, loss: l.lossPercent });
    })
    .join(' — ');
}

function hlsText(hls: HlsHealth | null): string {
  if (!hls) return t('hls.off');
  if (!hls.encoderAlive) return t('hls.encoderDown', { count: hls.restarts });
  if (!hls.expectingSegments) return t('hls.idle');
  const parts = [
    t('hls.newest', { seconds: Math.round(hls.newestSegmentAgeMs / 1000) }),
    ...hls.renditions.map((r) => `${r.name} ${kbps(r.bitrateBps)}`),
  ];
  if (hls.restarts > 0) parts.push(t('hls.restarts', { count: hls.restarts }));
  return parts.join(' · ');
}

/** One card per stage: red as soon as a source is down, with what is wrong, who watches, and each source's numbers. */
export function StageHealthCards({ stages, statuses }: { stages: StageRecord[]; statuses: ReadonlyMap<string, StageStatus> }) {
  return (
    <div class="health-cards">
      {stages.map((stage) => {
        const status = statuses.get(stage.id);
        const level = status?.level ?? 'idle';
        const health = status?.health ?? null;
        const name = localized(stage, 'name');
        return (
          <article
            key={stage.id}
            class={`health-card level-${level}`}
            data-stage={stage.id}
            data-level={level}
            aria-label={`${name}: ${t(`level.${level}`)}`}
          >
            <header>
              <h2>{name}</h2>
              <span class="level-badge">{t(`level.${level}`)}</span>
            </header>
            <p class="health-reason">{status?.reason ?? t('reason.noSample')}</p>
            {health && (
              <dl class="health-figures">
                <div>
                  <dt>{t('card.viewers')}</dt>
                  <dd>
                    {formatNumber(health.viewers)}
                    {health.viewers > 0 && health.receivingViewers < health.viewers && (
                      <span class="muted"> {t('card.receiving', { count: health.receivingViewers })}</span>
                    )}
                    {health.hlsViewers > 0 && <span class="muted"> {t('card.overHls', { count: health.hlsViewers })}</span>}
                  </dd>
                </div>
                <div>
                  <dt>{t('card.onAir')}</dt>
                  <dd>{health.program ?? t('card.auto')}</dd>
                </div>
                <div>
                  <dt>{t('card.out')}</dt>
                  <dd>{kbps(health.bitrateOutBps)}</dd>
                </div>
                <div data-hls={health.hls ? (health.hls.encoderAlive ? 'up' : 'down') : 'off'}>
                  <dt>{t('card.hls')}</dt>
                  <dd>{hlsText(health.hls)}</dd>
                </div>
                {health.languages.length > 0 && (
                  <div data-languages={String(health.languages.every((l) => l.live))}>
                    <dt>{t('card.languages')}</dt>
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
                    <span class="health-source-name">{source.label ? sourceLabel(source.label) : source.id}</span>
                    <span class="health-source-figures">
                      {source.receiving
                        ? t('source.figures', { bitrate: kbps(source.bitrateBps), loss: source.lossPercent, score: source.score ?? '–' })
                        : t('source.silent', { seconds: Math.round(source.silentForMs / 1000) })}
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
