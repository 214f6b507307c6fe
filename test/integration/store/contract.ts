import assert from 'node:assert/strict';
import { AppError } from '../../../server/errors';
import type { Store } from '../../../server/store';
import type { MeetingRecord } from '../../../server/store/deskRecords';
import type { QuestionRecord, SessionRecord, StageRecord } from '../../../server/store/records';
import type { OutboxEntry } from '../../../server/store/Outbox';
import type { Booking } from '../../../server/store/Store';

function stage(id: string, eventId = 'ev1'): StageRecord {
  return { id, eventId, name: `Stage ${id}`, programSourceId: null };
}

function session(id: string, eventId: string): SessionRecord {
  return {
    id,
    eventId,
    stageId: 'main',
    title: `Talk ${id}`,
    kind: 'keynote',
    speakerIds: ['sp1'],
    plannedStart: '2026-12-01T09:00:00+08:00',
    plannedEnd: '2026-12-01T09:30:00+08:00',
    status: 'scheduled',
  };
}

function question(id: string, sessionId: string, text = 'Will the code be open?'): QuestionRecord {
  return {
    id,
    eventId: 'ev1',
    sessionId,
    text,
    authorId: 'p1',
    authorName: 'Ada',
    status: 'pending',
    pinned: false,
    createdAt: '2026-12-01T09:05:00.000Z',
  };
}

const NINE = Date.UTC(2033, 0, 1, 9);
const MINUTE = 60_000;

/** An accepted meeting of `guest` with host h1 in slot `slotId`, from `startMin` to `endMin` minutes after nine. */
function meetingBooking(
  id: string,
  guest: string,
  slotId: string,
  startMin: number,
  endMin: number,
  table: string | null = null,
): [Booking, MeetingRecord] {
  const start = new Date(NINE + startMin * MINUTE).toISOString();
  const end = new Date(NINE + endMin * MINUTE).toISOString();
  const meeting: MeetingRecord = {
    id,
    eventId: 'ev1',
    slotId,
    start,
    end,
    mode: table === null ? 'online' : 'on-site',
    table,
    hostDelegateId: 'h1',
    hostOrganisationId: 'o1',
    guestDelegateId: guest,
    guestOrganisationId: 'o2',
    about: null,
    note: '',
    status: 'accepted',
    requestedAt: start,
    answeredAt: start,
    answerNote: '',
    cancelledAt: null,
    cancelledBy: null,
    cancelNote: '',
  };
  const holders = [`delegate:h1`, `delegate:${guest}`, `slot:${slotId}`, ...(table === null ? [] : [`table:${table}`])];
  return [{ eventId: 'ev1', meetingId: id, startMs: Date.parse(start), endMs: Date.parse(end), holders }, meeting];
}

/**
 * The behaviour every Store must have, run against each real implementation.
 * `open` gives a fresh, empty store; `reopen` a second handle on the same data.
 */
export function storeContract(open: () => Promise<Store>): void {
  let store: Store;

  beforeEach(async () => {
    store = await open();
  });

  afterEach(async () => {
    await store.close();
  });

  it('answers ping while open', async () => {
    await store.ping();
  });

  it('stores a record and reads back an equal copy', async () => {
    await store.collection('sessions').put(session('s1', 'ev1'));
    assert.deepEqual(await store.collection('sessions').get('ev1', 's1'), session('s1', 'ev1'));
  });

  it('returns undefined for an unknown id and an unknown scope', async () => {
    await store.collection('stages').put(stage('a'));
    assert.equal(await store.collection('stages').get('ev1', 'missing'), undefined);
    assert.equal(await store.collection('stages').get('other-event', 'a'), undefined);
  });

  it('lists exactly the records of one scope', async () => {
    const stages = store.collection('stages');
    await stages.put(stage('a', 'ev1'));
    await stages.put(stage('b', 'ev1'));
    await stages.put(stage('a', 'ev2'));
    const ids = (await stages.list('ev1')).map((s) => s.id).sort();
    assert.deepEqual(ids, ['a', 'b']);
    assert.deepEqual(
      (await stages.list('ev2')).map((s) => s.id),
      ['a'],
    );
    assert.deepEqual(await stages.list('ev3'), []);
  });

  it('keeps collections apart even with equal scopes and ids', async () => {
    await store.collection('stages').put(stage('x', 'ev1'));
    await store.collection('sessions').put(session('x', 'ev1'));
    assert.equal((await store.collection('stages').get('ev1', 'x'))?.name, 'Stage x');
    assert.equal((await store.collection('sessions').get('ev1', 'x'))?.title, 'Talk x');
  });

  it('put replaces a record in place', async () => {
    const stages = store.collection('stages');
    await stages.put(stage('a'));
    await stages.put({ ...stage('a'), programSourceId: 'onsite' });
    assert.equal((await stages.get('ev1', 'a'))?.programSourceId, 'onsite');
    assert.equal((await stages.list('ev1')).length, 1);
  });

  it('insert writes only a new id and reports whether it did', async () => {
    const stages = store.collection('stages');
    assert.equal(await stages.insert(stage('a')), true);
    assert.equal(await stages.insert({ ...stage('a'), name: 'changed' }), false);
    assert.equal((await stages.get('ev1', 'a'))?.name, 'Stage a');
  });

  it('delete removes one record and reports whether it existed', async () => {
    const stages = store.collection('stages');
    await stages.put(stage('a'));
    await stages.put(stage('b'));
    assert.equal(await stages.delete('ev1', 'a'), true);
    assert.equal(await stages.delete('ev1', 'a'), false);
    assert.deepEqual(
      (await stages.list('ev1')).map((s) => s.id),
      ['b'],
    );
  });

  it('keeps text exactly, including markup and non-Latin script', async () => {
    const text = '南阳 <img src=x onerror=alert(1)> "quotes" \\ 🎤';
    await store.collection('questions').put(question('q1', 's1', text));
    assert.equal((await store.collection('questions').get('s1', 'q1'))?.text, text);
  });

  it('counts one vote per voter, idempotently', async () => {
    assert.equal(await store.votes.add('q1', 'alice'), 'counted');
    assert.equal(await store.votes.add('q1', 'alice'), 'duplicate');
    assert.equal(await store.votes.add('q1', 'bob'), 'counted');
    assert.equal(await store.votes.add('q2', 'alice'), 'counted');
    const counts = await store.votes.counts(['q1', 'q2', 'q3']);
    assert.deepEqual(
      [...counts.entries()],
      [
        ['q1', 2],
        ['q2', 1],
        ['q3', 0],
      ],
    );
  });

  it("counts a network's votes on a question up to its budget within the window, holds the rest, and counts them when told", async () => {
    const budget = (source: string, nowMs: number) => ({ source, limit: 2, windowMs: 60_000, nowMs });
    const t0 = 1_000_000;
    assert.equal(await store.votes.add('q1', 'a', budget('net-1', t0)), 'counted');
    assert.equal(await store.votes.add('q1', 'b', budget('net-1', t0 + 1)), 'counted');
    assert.equal(await store.votes.add('q1', 'c', budget('net-1', t0 + 2)), 'held');
    assert.equal(await store.votes.add('q1', 'c', budget('net-1', t0 + 3)), 'duplicate', 'a held voter has voted');
    assert.equal(await store.votes.add('q1', 'x', budget('net-2', t0 + 4)), 'counted', 'another network has its own budget');
    assert.equal(await store.votes.add('q2', 'd', budget('net-1', t0 + 5)), 'counted', 'and another question');
    assert.equal(await store.votes.add('q1', 'e'), 'counted', 'a vote without a budget always counts');
    // Past the window the network's earlier votes no longer use its budget.
    assert.equal(await store.votes.add('q1', 'f', budget('net-1', t0 + 60_001)), 'counted');
    assert.equal((await store.votes.counts(['q1'])).get('q1'), 5);
    assert.equal((await store.votes.held(['q1', 'q2'])).get('q1'), 1);
    assert.equal((await store.votes.held(['q1', 'q2'])).get('q2'), 0);

    assert.equal(await store.votes.countHeld('q1'), 1);
    assert.equal(await store.votes.countHeld('q1'), 0);
    assert.equal((await store.votes.counts(['q1'])).get('q1'), 6);
    assert.equal((await store.votes.held(['q1'])).get('q1'), 0);
  });

  it('decides concurrent votes of one network against one budget', async () => {
    const budget = { source: 'net-3', limit: 5, windowMs: 60_000, nowMs: Date.now() };
    const outcomes = await Promise.all(Array.from({ length: 20 }, (_, i) => store.votes.add('q9', `v${i}`, budget)));
    assert.equal(outcomes.filter((o) => o === 'counted').length, 5);
    assert.equal(outcomes.filter((o) => o === 'held').length, 15);
  });

  it('counts of no questions is empty', async () => {
    assert.equal((await store.votes.counts([])).size, 0);
    assert.equal((await store.votes.held([])).size, 0);
  });

  it('books a meeting with its record, and refuses an overlapping booking of one of its holders', async () => {
    assert.equal(await store.bookings.book(...meetingBooking('m1', 'g1', 's1', 0, 30)), null);
    assert.equal((await store.collection('meetings').get('ev1', 'm1'))?.status, 'accepted', 'the meeting is stored with its booking');
    assert.deepEqual(await store.bookings.book(...meetingBooking('m2', 'g1', 's2', 15, 45)), { holder: 'delegate:h1', meetingId: 'm1' });
    assert.equal(await store.collection('meetings').get('ev1', 'm2'), undefined, 'a refused booking writes nothing');
    // Back to back is no overlap; booking the same meeting again changes nothing.
    assert.equal(await store.bookings.book(...meetingBooking('m3', 'g2', 's3', 30, 60)), null);
    assert.equal(await store.bookings.book(...meetingBooking('m1', 'g1', 's1', 0, 30)), null);
  });

  it('writes a record and the outbox entries that report it together; a refused booking writes neither', async () => {
    const entry = (id: string): OutboxEntry => ({ id, dueAtMs: 0, data: `report of ${id}` });
    await store.collection('questions').put(question('q1', 's1'), [entry('put')]);
    assert.equal((await store.collection('questions').get('s1', 'q1'))?.id, 'q1');
    assert.equal(await store.bookings.book(...meetingBooking('m1', 'g1', 's1', 0, 30), [entry('booked')]), null);
    assert.equal(await store.outbox.size(), 2, 'both reports are in the outbox');
    assert.deepEqual(await store.bookings.book(...meetingBooking('m2', 'g1', 's2', 15, 45), [entry('refused')]), {
      holder: 'delegate:h1',
      meetingId: 'm1',
    });
    const [booking, meeting] = meetingBooking('m1', 'g1', 's1', 0, 30);
    await store.bookings.release(booking, { ...meeting, status: 'cancelled' }, [entry('released')]);
    assert.deepEqual(
      (await store.outbox.claimDue(1, 1000, 10)).map((e) => e.data).sort(),
      ['report of booked', 'report of put', 'report of released'],
      'the refused booking left no report',
    );
  });

  it('frees what a released booking held', async () => {
    const [booking, meeting] = meetingBooking('m1', 'g1', 's1', 0, 30, 'T1');
    assert.equal(await store.bookings.book(booking, meeting), null);
    const [, otherMeeting] = meetingBooking('m2', 'g2', 's1', 0, 30, 'T1');
    const other: Booking = { ...booking, meetingId: 'm2', holders: ['table:T1'] };
    assert.deepEqual(await store.bookings.book(other, otherMeeting), { holder: 'table:T1', meetingId: 'm1' });
    await store.bookings.release(booking, { ...meeting, status: 'cancelled' });
    assert.equal((await store.collection('meetings').get('ev1', 'm1'))?.status, 'cancelled');
    assert.equal(await store.bookings.book(other, otherMeeting), null);
  });

  it('of 20 concurrent bookings of one slot, books exactly one', async () => {
    const outcomes = await Promise.all(
      Array.from({ length: 20 }, (_, i) => store.bookings.book(...meetingBooking(`m${i}`, `g${i}`, 's1', 0, 30))),
    );
    assert.equal(outcomes.filter((o) => o === null).length, 1);
    const accepted = (await store.collection('meetings').list('ev1')).filter((m) => m.status === 'accepted');
    assert.equal(accepted.length, 1, 'only the booked meeting is stored');
  });

  it('fails with unavailable, not a crash, once closed', async () => {
    await store.close();
    await assert.rejects(store.ping(), (error: unknown) => error instanceof AppError && error.code === 'unavailable');
  });
}
