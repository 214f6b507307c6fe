import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { ConferenceBus } from '../conference/ConferenceBus';
import { AppError } from '../errors';
import type { Store } from '../store';
import type { ApiKeyRecord } from '../store/integrationRecords';
import type { Principal } from './tokens';

/** Every API key starts so: a bearer credential is told from a JWT by its first four characters, not by trying both. */
export const API_KEY_PREFIX = 'sck_';
const KEY_SHAPE = /^sck_([a-z0-9][a-z0-9-]{0,63})\.([0-9a-f]{16})\.([0-9a-f]{64})$/;
/** What every refused key hears: a caller learns nothing about which keys exist. */
const REFUSED = 'unknown or revoked API key';
/** How stale a key's last-used time may be: one write a minute per key and node at most. */
const LAST_USED_RESOLUTION_MS = 60_000;

export const API_KEY_ROLES = ['moderator', 'host', 'ops', 'admin'] as const;
export type ApiKeyRole = (typeof API_KEY_ROLES)[number];

export function isApiKey(bearer: string): boolean {
  return bearer.startsWith(API_KEY_PREFIX);
}

function digest(secret: string): string {
  return createHash('sha256').update(secret).digest('hex');
}

/** A key as it may be shown: never its hash. */
export type ApiKeyView = Omit<ApiKeyRecord, 'secretHash'> & { lastUsedAt: string | null };

/**
 * Server-to-server API keys of an event: a partner platform's servers call the API with one instead of
 * a token. A key reads `sck_<eventId>.<keyId>.<secret>`; the store keeps a SHA-256 of its 256-bit
 * secret, so it never holds a key that works, and the secret is shown once. Every use reads the key's
 * record, so a revocation holds on every node at once; open sockets of the key are closed through the
 * bus's `tokenrevoked` (relayed by the cluster), as for tokens.
 */
export class ApiKeys {
  /** When this node last wrote each key's last-used time. */
  readonly #touched = new Map<string, number>();

  constructor(
    private readonly store: Store,
    private readonly bus: ConferenceBus,
  ) {}

  async create(eventId: string, input: { role: ApiKeyRole; label: string }, by: Principal): Promise<{ record: ApiKeyRecord; key: string }> {
    const id = randomBytes(8).toString('hex');
    const secret = randomBytes(32).toString('hex');
    const record: ApiKeyRecord = {
      id,
      eventId,
      role: input.role,
      label: input.label,
      secretHash: digest(secret),
      createdAt: new Date().toISOString(),
      createdBy: by.id,
      revokedAt: null,
      revokedBy: null,
    };
    if (!(await this.store.collection('apiKeys').insert(record))) throw new AppError('conflict', 'API key id collision; retry');
    return { record, key: `${API_KEY_PREFIX}${eventId}.${id}.${secret}` };
  }

  /** The event's keys with their last use, newest first, revoked ones included. */
  async list(eventId: string): Promise<ApiKeyView[]> {
    const [keys, uses] = await Promise.all([
      this.store.collection('apiKeys').list(eventId),
      this.store.collection('apiKeyUses').list(eventId),
    ]);
    const lastUsed = new Map(uses.map((use) => [use.id, use.lastUsedAt]));
    return keys.sort((a, b) => b.createdAt.localeCompare(a.createdAt)).map((record) => viewOf(record, lastUsed.get(record.id) ?? null));
  }

  async revoke(eventId: string, keyId: string, by: Principal): Promise<ApiKeyView> {
    const collection = this.store.collection('apiKeys');
    const record = await collection.get(eventId, keyId);
    if (!record) throw new AppError('not_found', `no API key ${keyId} in event ${eventId}`);
    if (record.revokedAt !== null) return viewOf(record, null);
    const revoked: ApiKeyRecord = { ...record, revokedAt: new Date().toISOString(), revokedBy: by.id };
    await collection.put(revoked);
    this.bus.emit('tokenrevoked', { eventId, tokenId: keyId });
    return viewOf(revoked, null);
  }

  /** The principal a key acts as; `unauthorized` for a malformed, unknown or revoked key. */
  async verify(key: string): Promise<Principal> {
    const match = KEY_SHAPE.exec(key);
    if (!match) throw new AppError('unauthorized', REFUSED);
    const [, eventId, id, secret] = match as unknown as [string, string, string, string];
    const record = await this.store.collection('apiKeys').get(eventId, id);
    const expected = Buffer.from(record?.secretHash ?? '0'.repeat(64), 'hex');
    const matches = timingSafeEqual(Buffer.from(digest(secret), 'hex'), expected.length === 32 ? expected : Buffer.alloc(32));
    if (!record || !matches || record.revokedAt !== null) throw new AppError('unauthorized', REFUSED);
    this.#touch(record);
    return {
      id: `apikey-${record.id}`,
      role: record.role,
      eventId: record.eventId,
      name: record.label,
      tokenId: record.id,
      expiresAtMs: Number.MAX_SAFE_INTEGER,
      anonymous: false,
    };
  }

  #touch(record: ApiKeyRecord): void {
    const now = Date.now();
    if (now - (this.#touched.get(record.id) ?? 0) < LAST_USED_RESOLUTION_MS) return;
    this.#touched.set(record.id, now);
    // A hint, not part of the request: a failed write is tried again at the next use.
    this.store
      .collection('apiKeyUses')
      .put({ id: record.id, eventId: record.eventId, lastUsedAt: new Date(now).toISOString() })
      .catch(() => this.#touched.delete(record.id));
  }
}

function viewOf(record: ApiKeyRecord, lastUsedAt: string | null): ApiKeyView {
  const { secretHash: _hidden, ...rest } = record;
  return { ...rest, lastUsedAt };
}
