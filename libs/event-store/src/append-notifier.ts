import { sql, type Kysely } from 'kysely';

/** The LISTEN/NOTIFY channel that wakes the outbox relay. */
export const EVENTS_APPENDED_CHANNEL = 'event_store_appended';

/**
 * Wakes the relay after appends commit. The NOTIFY is sent after the commit, in a statement of
 * its own, not inside the appending transaction: a transaction that notifies takes a
 * database-wide lock from its pre-commit until its end, including the WAL flush, which
 * serializes every concurrent committer and defeats group commit. At most one NOTIFY is in
 * flight per process; appends that commit meanwhile are covered by one more after it. A notify
 * lost to a crash is covered by the relay's fallback poll.
 */
export class AppendNotifier {
  private inFlight = false;
  private again = false;

  constructor(private readonly db: Kysely<any>) {}

  poke(): void {
    if (this.inFlight) {
      this.again = true;
      return;
    }
    this.inFlight = true;
    void this.send();
  }

  private async send(): Promise<void> {
    do {
      this.again = false;
      try {
        await sql`SELECT pg_notify(${EVENTS_APPENDED_CHANNEL}, '')`.execute(this.db);
      } catch {
        // A lost wake-up only delays the relay until its fallback poll.
      }
    } while (this.again);
    this.inFlight = false;
  }
}
