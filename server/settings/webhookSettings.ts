import type { Config } from '../configSchema';
import type { Setting } from './setting';

/** Partner webhooks. */
export const WEBHOOK_SETTINGS = {
  allowPrivateWebhookTargets: {
    env: 'ALLOW_PRIVATE_WEBHOOK_TARGETS',
    kind: 'bool',
    allowed: 'true | false',
    doc: 'let webhooks reach loopback, private and link-local addresses (tests, development; never where partners register URLs)',
  },
  webhookTimeoutMs: {
    env: 'WEBHOOK_TIMEOUT_MS',
    kind: 'int',
    allowed: 'an integer 100–30000',
    doc: 'a webhook attempt not answered within this long fails',
  },
  webhookRetryBaseMs: {
    env: 'WEBHOOK_RETRY_BASE_MS',
    kind: 'int',
    allowed: 'an integer 10–3600000',
    doc: 'wait before the second attempt of a webhook; doubled for each further one, with jitter',
  },
  webhookRetryMaxDelayMs: {
    env: 'WEBHOOK_RETRY_MAX_DELAY_MS',
    kind: 'int',
    allowed: 'an integer 10–86400000',
    doc: 'longest wait between two attempts of a webhook',
  },
  webhookRetryForMs: {
    env: 'WEBHOOK_RETRY_FOR_MS',
    kind: 'int',
    allowed: 'an integer 1000–604800000',
    doc: 'a webhook not delivered this long after its first attempt is given up (failed)',
  },
  webhookDisableAfterFailures: {
    env: 'WEBHOOK_DISABLE_AFTER_FAILURES',
    kind: 'int',
    allowed: 'an integer 1–100000',
    doc: 'an endpoint is disabled (and webhook_disabled raised) after this many failed attempts in a row',
  },
  webhookLeaseMs: {
    env: 'WEBHOOK_LEASE_MS',
    kind: 'int',
    allowed: 'an integer 1000–600000, above WEBHOOK_TIMEOUT_MS',
    doc: 'how long a node holds the webhooks it claimed; those of a node that died are sent by another after it',
  },
  webhookPollMs: {
    env: 'WEBHOOK_POLL_MS',
    kind: 'int',
    allowed: 'an integer 20–60000',
    doc: 'how often a node looks for due webhook retries (its own new messages go out at once)',
  },
  webhookSecretOverlapMs: {
    env: 'WEBHOOK_SECRET_OVERLAP_MS',
    kind: 'int',
    allowed: 'an integer 0–2592000000',
    doc: "after an endpoint's secret is rotated, the old one keeps signing (a second signature) this long",
  },
} satisfies Partial<Record<keyof Config, Setting>>;
