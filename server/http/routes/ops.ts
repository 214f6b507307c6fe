import type { HealthSampler } from '../../../media/health/HealthSampler';
import type { Principal } from '../../auth/tokens';
import type { Conference } from '../../conference/Conference';
import { AppError } from '../../errors';
import type { AlertEngine } from '../../ops/AlertEngine';
import { viewForEvent } from '../../ops/healthView';
import type { Store } from '../../store';
import type { AlertRecord } from '../../store/records';
import type { ApiRegistry } from '../api';
import { AlertsQuery, HealthHistoryQuery } from '../dto/ops';

export interface OpsRouteDeps {
  conference: Conference;
  health: HealthSampler;
  alerts: AlertEngine;
  store: Store;
}

/** The stored alert log is capped per answer: a long event raises many. */
const STORED_ALERTS_LIMIT = 500;

function caller(principal: Principal | null): Principal {
  if (!principal) throw new AppError('unauthorized', 'missing bearer token');
  return principal;
}

/**
 * Stream health for ops, hosts and admins: the current sample, its history for charts, and alerts.
 * Each answers for the caller's event only (its stages), plus the node and its workers.
 */
export function registerOpsRoutes(api: ApiRegistry, { conference, health, alerts, store }: OpsRouteDeps): void {
  api.add({
    method: 'get',
    path: '/api/health',
    operationId: 'getHealth',
    summary: "The latest health sample of this node (the caller's event's stages) and the open alerts",
    tag: 'ops',
    access: 'health.view',
    handler: async ({ principal }) => {
      const { eventId } = caller(principal);
      const latest = health.latest();
      return {
        nodeId: health.nodeId,
        intervalMs: health.intervalMs,
        historyMs: health.historyMs,
        sample: latest ? viewForEvent(latest, eventId) : null,
        alerts: alerts.openAlerts(eventId),
      };
    },
  });

  api.add({
    method: 'get',
    path: '/api/health/history',
    operationId: 'getHealthHistory',
    summary: 'The kept health samples, oldest first, for one stage (?stage=) or all of the event',
    tag: 'ops',
    access: 'health.view',
    query: HealthHistoryQuery,
    handler: async ({ principal, query }) => {
      const { eventId } = caller(principal);
      if (query.stage !== undefined) await conference.agenda.getStage(eventId, query.stage);
      return {
        nodeId: health.nodeId,
        intervalMs: health.intervalMs,
        historyMs: health.historyMs,
        samples: health.history().map((sample) => viewForEvent(sample, eventId, query.stage)),
      };
    },
  });

  api.add({
    method: 'get',
    path: '/api/health/alerts',
    operationId: 'listAlerts',
    summary: "Alerts of the caller's event and node-wide ones: open now, or the stored log (?state=all), newest first",
    tag: 'ops',
    access: 'health.view',
    query: AlertsQuery,
    handler: async ({ principal, query }) => {
      const { eventId } = caller(principal);
      if ((query.state ?? 'open') === 'open') return alerts.openAlerts(eventId).reverse();
      const collection = store.collection('alerts');
      const [own, nodeWide] = await Promise.all([collection.list(eventId), collection.list('')]);
      const byRaised = (a: AlertRecord, b: AlertRecord): number => b.raisedAt.localeCompare(a.raisedAt) || a.id.localeCompare(b.id);
      return [...own, ...nodeWide].sort(byRaised).slice(0, STORED_ALERTS_LIMIT);
    },
  });
}
