import { randomUUID } from 'node:crypto';
import type { Principal } from '../auth/tokens';
import { type CommitRecord, writeAlone } from '../conference/ConferenceBus';
import { KeyedLock } from '../conference/KeyedLock';
import { cleanHumanText } from '../conference/humanText';
import { AppError } from '../errors';
import type { Store } from '../store';
import type { DelegateRecord, MeetingMode, MeetingRecord, SlotRecord, TargetRef } from '../store/deskRecords';
import { type Clock, isoAt } from './clock';
import { assertSlotShape, bookingOf, describeHolder, overlaps } from './meetingRules';

export interface NewSlot {
  start: string;
  end: string;
  mode: MeetingMode;
  table?: string | null;
}

export interface SlotView extends SlotRecord {
  /** An accepted meeting holds it. */
  taken: boolean;
}

/** Told of every meeting this node accepts or cancels (the reminders). */
export interface MeetingListener {
  accepted(meeting: MeetingRecord): void;
  cancelled(meeting: MeetingRecord): void;
}

const byStart = (a: { start: string }, b: { start: string }): number => a.start.localeCompare(b.start);

/**
 * Availability slots and 1:1 meetings. An accepted meeting is booked in the store (Store.bookings),
 * atomically against every other accepted meeting of its delegates, slot and table, on every node.
 */
export class Meetings {
  readonly #lock = new KeyedLock();

  constructor(
    private readonly store: Store,
    private readonly clock: Clock,
    private readonly listener: MeetingListener,
    /** Writes every meeting change (requested, answered, cancelled) with its report: partner webhooks hear of it. */
    private readonly commit: CommitRecord<MeetingRecord> = writeAlone,
  ) {}

  async publishSlots(delegate: DelegateRecord, input: NewSlot[]): Promise<SlotRecord[]> {
    const createdAt = isoAt(this.clock);
    const slots: SlotRecord[] = input.map((slot) => ({
      id: randomUUID(),
      eventId: delegate.eventId,
      organisationId: delegate.organisationId,
      delegateId: delegate.id,
      start: new Date(slot.start).toISOString(),
      end: new Date(slot.end).toISOString(),
      mode: slot.mode,
      table: slot.table === undefined || slot.table === null ? null : cleanHumanText(slot.table),
      createdAt,
    }));
    slots.forEach((slot, i) => assertSlotShape(slot, this.clock(), i));
    return this.#lock.run(`slots:${delegate.id}`, async () => {
      const existing = (await this.store.collection('slots').list(delegate.eventId)).filter((s) => s.delegateId === delegate.id);
      for (const [i, slot] of slots.entries()) {
        const clash = [...existing, ...slots.slice(0, i)].find((other) => overlaps(other, slot));
        if (clash) throw new AppError('conflict', `slot ${i} overlaps your slot ${clash.start}–${clash.end}`, { details: { slot: clash } });
      }
      for (const slot of slots) await this.store.collection('slots').put(slot);
      return slots;
    });
  }

  async listSlots(eventId: string, organisationId?: string): Promise<SlotView[]> {
    const [slots, meetings] = await Promise.all([
      this.store.collection('slots').list(eventId),
      this.store.collection('meetings').list(eventId),
    ]);
    const taken = new Set(meetings.filter((m) => m.status === 'accepted').map((m) => m.slotId));
    return slots
      .filter((s) => organisationId === undefined || s.organisationId === organisationId)
      .sort(byStart)
      .map((s) => ({ ...s, taken: taken.has(s.id) }));
  }

  async requestMeeting(guest: DelegateRecord, slotId: string, note: string, about: TargetRef | null): Promise<MeetingRecord> {
    const slot = await this.store.collection('slots').get(guest.eventId, slotId);
    if (!slot) throw new AppError('not_found', `no slot ${slotId}`);
    if (slot.organisationId === guest.organisationId) throw new AppError('bad_request', 'a slot of your own organisation');
    if (Date.parse(slot.end) <= this.clock()) throw new AppError('conflict', 'the slot is over');
    if (about !== null) await this.#assertTarget(guest.eventId, about);
    const meetings = await this.store.collection('meetings').list(guest.eventId);
    // Friendly early refusals; the booking at acceptance is what guarantees them.
    if (meetings.some((m) => m.slotId === slotId && m.status === 'accepted')) throw new AppError('conflict', 'the slot is already taken');
    if (meetings.some((m) => m.slotId === slotId && m.guestDelegateId === guest.id && m.status === 'requested')) {
      throw new AppError('conflict', 'you have already requested this slot');
    }
    const busy = meetings.find((m) => m.status === 'accepted' && involves(m, guest.id) && overlaps(m, slot));
    if (busy) throw new AppError('conflict', 'you already have a meeting at that time', { details: { meetingId: busy.id } });
    const meeting: MeetingRecord = {
      id: randomUUID(),
      eventId: guest.eventId,
      slotId,
      start: slot.start,
      end: slot.end,
      mode: slot.mode,
      table: slot.table,
      hostDelegateId: slot.delegateId,
      hostOrganisationId: slot.organisationId,
      guestDelegateId: guest.id,
      guestOrganisationId: guest.organisationId,
      about,
      note: cleanHumanText(note),
      status: 'requested',
      requestedAt: isoAt(this.clock),
      answeredAt: null,
      answerNote: '',
      cancelledAt: null,
      cancelledBy: null,
      cancelNote: '',
    };
    await this.commit((outbox) => this.store.collection('meetings').put(meeting, outbox), meeting);
    return meeting;
  }

  /** The slot's team accepts or declines; an acceptance that would double-book anyone or anything is a `conflict`. */
  async answerMeeting(host: DelegateRecord, meetingId: string, action: 'accept' | 'decline', note: string): Promise<MeetingRecord> {
    const answered = await this.#lock.run(`meeting:${meetingId}`, async () => {
      const meeting = await this.#meeting(host.eventId, meetingId);
      if (meeting.hostOrganisationId !== host.organisationId) {
        throw new AppError('forbidden', "only delegates of the slot's organisation answer a meeting request");
      }
      const status = action === 'accept' ? 'accepted' : 'declined';
      if (meeting.status === status) return null;
      if (meeting.status !== 'requested') throw new AppError('conflict', `the meeting is ${meeting.status}`);
      if (action === 'accept' && Date.parse(meeting.end) <= this.clock()) throw new AppError('conflict', 'the slot is over');
      const next: MeetingRecord = { ...meeting, status, answeredAt: isoAt(this.clock), answerNote: cleanHumanText(note) };
      if (action === 'decline') {
        await this.commit((outbox) => this.store.collection('meetings').put(next, outbox), next);
        return next;
      }
      await this.commit(async (outbox) => {
        const clash = await this.store.bookings.book(bookingOf(next), next, outbox);
        if (clash) {
          throw new AppError('conflict', describeHolder(clash.holder, next), {
            details: { holder: clash.holder, meetingId: clash.meetingId },
          });
        }
      }, next);
      this.listener.accepted(next);
      return next;
    });
    if (answered === null) return this.#meeting(host.eventId, meetingId);
    if (answered.status === 'accepted') await this.#declineOthers(answered);
    return answered;
  }

  /** A participant of the meeting (either organisation's delegates) or a host or admin cancels it, with a note. */
  async cancelMeeting(principal: Principal, delegate: DelegateRecord | null, meetingId: string, note: string): Promise<MeetingRecord> {
    return this.#lock.run(`meeting:${meetingId}`, async () => {
      const meeting = await this.#meeting(principal.eventId, meetingId);
      const party =
        delegate !== null &&
        (delegate.organisationId === meeting.hostOrganisationId || delegate.organisationId === meeting.guestOrganisationId);
      if (!party && principal.role === 'delegate') throw new AppError('forbidden', "only the meeting's organisations cancel it");
      if (meeting.status === 'cancelled') return meeting;
      if (meeting.status === 'declined') throw new AppError('conflict', 'the meeting was declined');
      const cancelled: MeetingRecord = {
        ...meeting,
        status: 'cancelled',
        cancelledAt: isoAt(this.clock),
        cancelledBy: principal.id,
        cancelNote: cleanHumanText(note),
      };
      if (meeting.status === 'accepted') {
        await this.commit((outbox) => this.store.bookings.release(bookingOf(meeting), cancelled, outbox), cancelled);
        this.listener.cancelled(cancelled);
      } else {
        await this.commit((outbox) => this.store.collection('meetings').put(cancelled, outbox), cancelled);
      }
      return cancelled;
    });
  }

  /** To a delegate, the meetings of their organisation (the team answers together); every meeting to a host or admin (`delegate` null). */
  async listMeetings(eventId: string, delegate: DelegateRecord | null): Promise<MeetingRecord[]> {
    const all = await this.store.collection('meetings').list(eventId);
    const organisation = delegate?.organisationId;
    return all
      .filter((m) => organisation === undefined || m.hostOrganisationId === organisation || m.guestOrganisationId === organisation)
      .sort(byStart);
  }

  async acceptedMeetingsOf(delegate: DelegateRecord): Promise<MeetingRecord[]> {
    const all = await this.store.collection('meetings').list(delegate.eventId);
    return all.filter((m) => m.status === 'accepted' && involves(m, delegate.id)).sort(byStart);
  }

  async #assertTarget(eventId: string, target: TargetRef): Promise<void> {
    const found =
      target.kind === 'achievement'
        ? await this.store.collection('achievements').get(eventId, target.id)
        : await this.store.collection('needs').get(eventId, target.id);
    if (!found) throw new AppError('not_found', `no ${target.kind} ${target.id}`);
  }

  async #meeting(eventId: string, meetingId: string): Promise<MeetingRecord> {
    const meeting = await this.store.collection('meetings').get(eventId, meetingId);
    if (!meeting) throw new AppError('not_found', `no meeting ${meetingId}`);
    return meeting;
  }

  /** The other requests for a slot just taken are declined, so their guests learn it now. */
  async #declineOthers(accepted: MeetingRecord): Promise<void> {
    const others = (await this.store.collection('meetings').list(accepted.eventId)).filter(
      (m) => m.slotId === accepted.slotId && m.id !== accepted.id && m.status === 'requested',
    );
    for (const other of others) {
      await this.#lock.run(`meeting:${other.id}`, async () => {
        const current = await this.store.collection('meetings').get(other.eventId, other.id);
        if (current?.status !== 'requested') return;
        const declined: MeetingRecord = { ...current, status: 'declined', answeredAt: isoAt(this.clock), answerNote: 'the slot was taken' };
        await this.commit((outbox) => this.store.collection('meetings').put(declined, outbox), declined);
      });
    }
  }
}

function involves(meeting: MeetingRecord, delegateId: string): boolean {
  return meeting.hostDelegateId === delegateId || meeting.guestDelegateId === delegateId;
}
