import type { Kysely } from 'kysely';
import { readAll, START, type RecordedEvent } from '@livedesk/event-store';

/**
 * Every event of the store, in commit-safe order. A transaction open anywhere on the server
 * (another test's) holds the log back for a moment (read-all.ts): then it reads again.
 */
export async function wholeLog(db: Kysely<any>): Promise<RecordedEvent[]> {
  const events: RecordedEvent[] = [];
  let after = START;
  for (;;) {
    const read = await readAll(db, { after, limit: 1000 });
    if (read.events.length === 0) {
      if (!read.heldBack) return events;
      await new Promise((resolve) => setTimeout(resolve, 20));
      continue;
    }
    events.push(...read.events);
    after = read.checkpoint;
  }
}
