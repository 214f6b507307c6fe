import type Database from 'better-sqlite3';
import type { MeetingRecord } from './deskRecords';
import type { OutboxEntry } from './Outbox';
import type { Booking, BookingClash, Bookings } from './Store';

/**
 * Bookings in SQLite: one row per (holder, meeting). The overlap check and the writes are one
 * IMMEDIATE transaction, which takes the database's write lock before reading: two bookings of one
 * holder cannot both pass the check, even from two processes sharing the file.
 */
export class SqliteBookings implements Bookings {
  #book: (booking: Booking, meeting: MeetingRecord, outbox: readonly OutboxEntry[]) => BookingClash | null;
  #release: (booking: Booking, meeting: MeetingRecord, outbox: readonly OutboxEntry[]) => void;

  /** `addToOutbox`: the outbox's insert, run inside these transactions. */
  constructor(db: Database.Database, addToOutbox: (entries: readonly OutboxEntry[]) => void) {
    db.exec(`
      CREATE TABLE IF NOT EXISTS bookings (
        event_id TEXT NOT NULL, holder TEXT NOT NULL, meeting_id TEXT NOT NULL, start_ms INTEGER NOT NULL, end_ms INTEGER NOT NULL,
        PRIMARY KEY (event_id, holder, meeting_id)
      ) WITHOUT ROWID;
    `);
    const clash = db.prepare<[string, string, number, number, string], { meeting_id: string }>(
      'SELECT meeting_id FROM bookings WHERE event_id = ? AND holder = ? AND start_ms < ? AND end_ms > ? AND meeting_id <> ? LIMIT 1',
    );
    const hold = db.prepare<[string, string, string, number, number]>(
      'INSERT OR IGNORE INTO bookings (event_id, holder, meeting_id, start_ms, end_ms) VALUES (?, ?, ?, ?, ?)',
    );
    const free = db.prepare<[string, string]>('DELETE FROM bookings WHERE event_id = ? AND meeting_id = ?');
    const putMeeting = db.prepare<[string, string, string]>(
      "INSERT OR REPLACE INTO records (collection, scope, id, data) VALUES ('meetings', ?, ?, ?)",
    );
    const book = db.transaction((booking: Booking, meeting: MeetingRecord, outbox: readonly OutboxEntry[]): BookingClash | null => {
      for (const holder of booking.holders) {
        const row = clash.get(booking.eventId, holder, booking.endMs, booking.startMs, booking.meetingId);
        if (row) return { holder, meetingId: row.meeting_id };
      }
      for (const holder of booking.holders) hold.run(booking.eventId, holder, booking.meetingId, booking.startMs, booking.endMs);
      putMeeting.run(meeting.eventId, meeting.id, JSON.stringify(meeting));
      addToOutbox(outbox);
      return null;
    });
    const release = db.transaction((booking: Booking, meeting: MeetingRecord, outbox: readonly OutboxEntry[]): void => {
      free.run(booking.eventId, booking.meetingId);
      putMeeting.run(meeting.eventId, meeting.id, JSON.stringify(meeting));
      addToOutbox(outbox);
    });
    this.#book = (booking, meeting, outbox) => book.immediate(booking, meeting, outbox);
    this.#release = (booking, meeting, outbox) => release.immediate(booking, meeting, outbox);
  }

  async book(booking: Booking, meeting: MeetingRecord, outbox: readonly OutboxEntry[] = []): Promise<BookingClash | null> {
    return this.#book(booking, meeting, outbox);
  }

  async release(booking: Booking, meeting: MeetingRecord, outbox: readonly OutboxEntry[] = []): Promise<void> {
    this.#release(booking, meeting, outbox);
  }
}
