import type { Cluster } from '../cluster/Cluster';
import type { Config } from '../config';
import type { Logger } from '../logger';
import type { NodeOps } from '../ops/NodeOps';
import type { Store } from '../store';
import { Webhooks } from '../webhooks/Webhooks';
import type { MediaNode } from '../../media/MediaNode';
import type { ConferenceParts } from './parts';

/**
 * Partner webhooks, delivering from the outbox at once: what other nodes or a previous run left
 * pending is sent by this node too (each claimed by one node).
 */
export function openWebhooks(
  config: Config,
  parts: { store: Store; conference: ConferenceParts; ops: NodeOps; media: MediaNode; cluster: Cluster | null },
  logger: Logger,
): Webhooks {
  const { cluster } = parts;
  const webhooks = new Webhooks(
    parts.store,
    {
      allowPrivate: config.allowPrivateWebhookTargets,
      timeoutMs: config.webhookTimeoutMs,
      leaseMs: config.webhookLeaseMs,
      pollMs: config.webhookPollMs,
      disableAfterFailures: config.webhookDisableAfterFailures,
      batch: 32,
      retry: { baseDelayMs: config.webhookRetryBaseMs, maxDelayMs: config.webhookRetryMaxDelayMs, giveUpAfterMs: config.webhookRetryForMs },
      rotationOverlapMs: config.webhookSecretOverlapMs,
    },
    (endpoint) => parts.ops.alerts.webhookEndpointDisabled(endpoint),
    logger,
  );
  webhooks.start({
    bus: parts.conference.conference.bus,
    alerts: parts.ops.alerts,
    stages: parts.media,
    isOrigin: cluster ? (key) => cluster.describeStage(key).role === 'origin' : () => true,
  });
  return webhooks;
}
