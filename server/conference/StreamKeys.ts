import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Principal } from '../auth/tokens';
import { AppError } from '../errors';
import type { Store } from '../store';
import type { StreamKeyRecord } from '../store/records';

/** What every refused key hears, whatever the reason: a caller learns nothing about which keys exist. */
const REFUSED = 'unknown, expired or revoked stream key';
const KEY_SHAPE = /^([a-z0-9][a-z0-9-]{0,63})\.([0-9a-f]{16})\.([0-9a-f]{64})$/;

/** The feed a key publishes to: the stage's main hall feed (`feed` null) or a further hall camera. */
export interface FeedRef {
  eventId: string;
  stageId: string;
  feed: string | null;
}

/** The source id of a stage feed, as the RTP ingest names it. */
export function feedSourceId(feed: string | null): string {
  return feed ? `onsite-${feed}` : 'onsite';
}

function digest(secret: string): string {
  return createHash('sha256').update(secret).digest('hex');
}

/** A key record as it may be shown: never its hash. */
export type StreamKeyView = Omit<StreamKeyRecord, 'secretHash'> & { sourceId: string };

export function viewOf(record: StreamKeyRecord): StreamKeyView {
  const { secretHash: _hidden, ...rest } = record;
  return { ...rest, sourceId: feedSourceId(record.feed) };
}

/**
 * Stream keys: the credential a hall encoder (OBS, vMix, a hardware encoder) publishes one stage feed
 * with, over WHIP, RTMP or SRT. A key reads `<eventId>.<keyId>.<secret>`: the event and key id find its
 * record with one keyed read, and only a SHA-256 of the 256-bit secret is stored, so the store never
 * holds a key that works. The secret is shown once, when the key is created.
 */
export class StreamKeys {
  constructor(private readonly store: Store) {}

  async create(
    feed: FeedRef,
    options: { label?: string; expiresInSeconds?: number },
    by: Principal,
  ): Promise<{ record: StreamKeyRecord; key: string }> {
    const id = randomBytes(8).toString('hex');
    const secret = randomBytes(32).toString('hex');
    const now = Date.now();
    const record: StreamKeyRecord = {
      id,
      eventId: feed.eventId,
      stageId: feed.stageId,
      feed: feed.feed,
      label: options.label ?? (feed.feed ? `Hall camera ${feed.feed}` : 'Hall encoder'),
      secretHash: digest(secret),
      createdAt: new Date(now).toISOString(),
      createdBy: by.id,
      expiresAt: options.expiresInSeconds === undefined ? null : new Date(now + options.expiresInSeconds * 1000).toISOString(),
      revokedAt: null,
      revokedBy: null,
    };
    if (!(await this.store.collection('streamKeys').insert(record))) throw new AppError('conflict', 'stream key id collision; retry');
    return { record, key: `${feed.eventId}.${id}.${secret}` };
  }

  /** The stage's keys, newest first, revoked ones included (they say when and by whom). */
  async list(eventId: string, stageId: string): Promise<StreamKeyRecord[]> {
    const records = await this.store.collection('streamKeys').list(eventId);
    return records.filter((r) => r.stageId === stageId).sort((a, b) => b.createdAt.localeCompare(a.createdAt));
  }

  /** Revokes a key of the stage (a second revocation keeps the first's time and author). */
  async revoke(eventId: string, stageId: string, keyId: string, by: Principal): Promise<StreamKeyRecord> {
    const collection = this.store.collection('streamKeys');
    const record = await collection.get(eventId, keyId);
    if (!record || record.stageId !== stageId) throw new AppError('not_found', `no stream key ${keyId} on stage ${eventId}/${stageId}`);
    if (record.revokedAt !== null) return record;
    const revoked: StreamKeyRecord = { ...record, revokedAt: new Date().toISOString(), revokedBy: by.id };
    await collection.put(revoked);
    return revoked;
  }

  /**
   * The record of a key that may publish now, to `stage` when it is given (a WHIP URL names it).
   * Throws `unauthorized` for a malformed, unknown, expired or revoked key, or a key of another stage.
   */
  async verify(key: string, stage?: { eventId: string; stageId: string }): Promise<StreamKeyRecord> {
    const match = KEY_SHAPE.exec(key);
    if (!match) throw new AppError('unauthorized', REFUSED);
    const [, eventId, id, secret] = match as unknown as [string, string, string, string];
    const record = await this.store.collection('streamKeys').get(eventId, id);
    const expected = Buffer.from(record?.secretHash ?? '0'.repeat(64), 'hex');
    const matches = timingSafeEqual(Buffer.from(digest(secret), 'hex'), expected.length === 32 ? expected : Buffer.alloc(32));
    if (!record || !matches) throw new AppError('unauthorized', REFUSED);
    if (record.revokedAt !== null) throw new AppError('unauthorized', REFUSED);
    if (record.expiresAt !== null && Date.parse(record.expiresAt) <= Date.now()) throw new AppError('unauthorized', REFUSED);
    if (stage && (stage.eventId !== record.eventId || stage.stageId !== record.stageId)) {
      throw new AppError('unauthorized', 'this stream key publishes to another stage');
    }
    return record;
  }
}
