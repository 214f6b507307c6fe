import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pino from 'pino';
import { createClient } from 'redis';
import { createTokenSigner } from '../../../server/auth/tokens';
import type { MeetingReminder } from '../../../server/conference/views';
import { MeetingReminders, REMINDER_LEAD_MS } from '../../../server/desk/MeetingReminders';
import { Parties } from '../../../server/desk/Parties';
import { AppError } from '../../../server/errors';
import type { Store } from '../../../server/store';
import type { MeetingRecord } from '../../../server/store/deskRecords';
import { RedisStore } from '../../../server/store/RedisStore';
import { SqliteStore } from '../../../server/store/SqliteStore';
import { waitFor } from '../../../scripts/lib/wait';
import { RedisServer } from '../../helpers/redis';
import { Teardown } from '../../helpers/teardown';

const HOUR = 3_600_000;
const signer = createTokenSigner('a-test-secret-that-is-long-enough-for-hs256', 3600);
const silent = pino({ level: 'silent' });
const host = signer.verify(signer.sign({ role: 'host', eventId: 'ev1', name: 'Host' }));

function code(error: unknown): string | undefined {
  return error instanceof AppError ? error.code : undefined;
}

/** The desk's rules that hold across nodes, against each store: single-use invites, one reminder per meeting. */
for (const kind of ['sqlite', 'redis'] as const) {
  describe(`The desk over a shared store (${kind})`, function () {
    this.timeout(30_000);
    const teardown = new Teardown();
    let open: () => Promise<Store>;
    /** A second handle on the data of the last store `open` gave: what another node (or process) sees. */
    let again: () => Store;
    let store: Store;
    let now: number;
    const clock = (): number => now;

    before(async () => {
      if (kind === 'sqlite') {
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'stagecast-desk-'));
        teardown.add('the SQLite directory', () => fs.rmSync(dir, { recursive: true, force: true }));
        let n = 0;
        open = async () => new SqliteStore(path.join(dir, `desk-${++n}.db`));
        again = () => new SqliteStore(path.join(dir, `desk-${n}.db`));
      } else {
        const redis = teardown.own('redis-server', await RedisServer.start(), (r) => r.stop());
        open = async () => {
          const admin = await createClient({ url: redis.url }).connect();
          await admin.flushAll();
          admin.destroy();
          return new RedisStore({ url: redis.url, commandTimeoutMs: 1000 });
        };
        again = () => new RedisStore({ url: redis.url, commandTimeoutMs: 1000 });
      }
    });
    after(() => teardown.run());

    beforeEach(async () => {
      store = await open();
      now = Date.UTC(2033, 0, 1, 8);
    });
    afterEach(async () => store.close());

    it('an invite works until it expires, and is refused from then on', async () => {
      const parties = new Parties(store, signer, clock);
      const organisation = await parties.createOrganisation('ev1', { name: 'Funiu Capital', kind: 'investor' });
      const early = await parties.inviteDelegate('ev1', { organisationId: organisation.id, name: 'Wang Lei', expiresInHours: 2 }, host);
      const late = await parties.inviteDelegate('ev1', { organisationId: organisation.id, name: 'Liu Yang', expiresInHours: 2 }, host);
      now += 2 * HOUR - 1;
      const accepted = await parties.acceptInvite('ev1', early.code);
      assert.equal(signer.verify(accepted.token).role, 'delegate');
      assert.equal(signer.verify(accepted.token).id, accepted.delegate.id);
      now += 1;
      await assert.rejects(parties.acceptInvite('ev1', late.code), (e: unknown) => code(e) === 'forbidden');
      assert.deepEqual(
        (await parties.listDelegates('ev1')).map((d) => d.name),
        ['Wang Lei'],
        'an expired invite makes no delegate',
      );
    });

    it('of ten simultaneous acceptances of one invite, one makes a delegate and nine are conflicts', async () => {
      // Two "nodes" on the same data.
      const second = again();
      teardown.add('the second store handle', () => second.close());
      const parties = [new Parties(store, signer, clock), new Parties(second, signer, clock)];
      const organisation = await parties[0].createOrganisation('ev1', { name: 'Zhongyuan Optics Co.', kind: 'enterprise' });
      const invite = await parties[0].inviteDelegate('ev1', { organisationId: organisation.id, name: 'Chen Jing' }, host);
      const outcomes = await Promise.allSettled(Array.from({ length: 10 }, (_, i) => parties[i % 2].acceptInvite('ev1', invite.code)));
      assert.equal(outcomes.filter((o) => o.status === 'fulfilled').length, 1);
      assert.equal(outcomes.filter((o) => o.status === 'rejected' && code(o.reason) === 'conflict').length, 9);
      assert.equal((await parties[0].listDelegates('ev1')).length, 1);
    });

    it('of 20 simultaneous bookings of one slot through two handles on the same data, exactly one is booked', async () => {
      const second = again();
      teardown.add('the second store handle', () => second.close());
      const start = Date.UTC(2033, 0, 1, 9);
      const outcomes = await Promise.all(
        Array.from({ length: 20 }, (_, i) => {
          const meeting = { ...acceptedMeeting(`m${i}`, start), guestDelegateId: `g${i}` };
          const booking = {
            eventId: 'ev1',
            meetingId: meeting.id,
            startMs: start,
            endMs: start + 30 * 60_000,
            holders: ['delegate:h1', `delegate:g${i}`, 'slot:s1'],
          };
          return (i % 2 === 0 ? store : second).bookings.book(booking, meeting);
        }),
      );
      assert.equal(outcomes.filter((o) => o === null).length, 1);
      assert.equal((await second.collection('meetings').list('ev1')).length, 1);
    });

    it('two nodes armed with one accepted meeting remind its delegates once, and not at all once it is cancelled', async () => {
      const sent: MeetingReminder[] = [];
      now = Date.now();
      const nodes = [0, 1].map(() => new MeetingReminders(store, clock, (r) => sent.push(r), silent));
      teardown.add('the reminder timers', () => nodes.forEach((n) => n.close()));
      const meeting = acceptedMeeting('m1', now + REMINDER_LEAD_MS - 1);
      const cancelled = acceptedMeeting('m2', now + REMINDER_LEAD_MS - 1);
      await store.collection('meetings').put(meeting);
      await store.collection('meetings').put({ ...cancelled, status: 'cancelled' });
      for (const node of nodes) {
        node.accepted(meeting);
        node.accepted(cancelled);
      }
      await waitFor(async () => nodes.every((n) => n.armed === 0), { what: 'every timer fired', timeoutMs: 5_000 });
      await waitFor(async () => (await store.collection('reminderClaims').get('ev1', 'm1')) !== undefined, {
        what: 'the claim',
        timeoutMs: 5_000,
      });
      assert.deepEqual(
        sent.map((r) => r.meetingId),
        ['m1'],
      );
      assert.deepEqual(sent[0]?.delegateIds, ['h1', 'g1']);
      // A meeting further away than the lead time waits.
      nodes[0].accepted(acceptedMeeting('m3', now + REMINDER_LEAD_MS + HOUR));
      assert.equal(nodes[0].armed, 1);
    });
  });
}

function acceptedMeeting(id: string, startMs: number): MeetingRecord {
  return {
    id,
    eventId: 'ev1',
    slotId: `slot-${id}`,
    start: new Date(startMs).toISOString(),
    end: new Date(startMs + 30 * 60_000).toISOString(),
    mode: 'online',
    table: null,
    hostDelegateId: 'h1',
    hostOrganisationId: 'o1',
    guestDelegateId: 'g1',
    guestOrganisationId: 'o2',
    about: null,
    note: '',
    status: 'accepted',
    requestedAt: new Date(startMs - HOUR).toISOString(),
    answeredAt: new Date(startMs - HOUR).toISOString(),
    answerNote: '',
    cancelledAt: null,
    cancelledBy: null,
    cancelNote: '',
  };
}
