import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import { allEvents } from '@livedesk/contracts';
import {
  agentWorkingDays,
  conversation,
  Random,
  type LogShape,
  type Organization,
  type PlannedEvent,
} from '@livedesk/demo-history';
import { append, createDatabase, EVENTS_APPENDED_CHANNEL } from '@livedesk/event-store';

export interface SeedOptions {
  databaseUrl?: string;
  days: number;
  chatsPerDay: number;
  seed: number;
}

const DAY_MS = 86_400_000;
/** Appends running at once: enough to hide the round trips, few enough for a shared database. */
const CONCURRENCY = 8;

/**
 * Writes `days` days of realistic history (ending yesterday, UTC) for a demo organization's
 * groups and agents to the event store: each agent's working days and `chatsPerDay` chats a day
 * (queues, answers, transfers, ratings, missed chats; libs/demo-history). Each stream is one
 * append with its events' past times, as the services would have written them; the relay then
 * publishes them and the metrics service projects them like live events, so reports and the
 * `metrics` tables show the history within seconds.
 */
export async function writeDemoHistory(
  databaseUrl: string,
  demo: { organizationId: string; groupIds: string[]; agents: { agent_id: string }[] },
  options: SeedOptions,
  progress: (line: string) => void,
): Promise<{ from: string; to: string; conversations: number; events: number }> {
  const today = Math.floor(Date.now() / DAY_MS) * DAY_MS;
  const shape: LogShape = {
    organizations: 1,
    groupsPerOrganization: demo.groupIds.length,
    agentsPerOrganization: demo.agents.length,
    days: options.days,
    start: today - options.days * DAY_MS,
  };
  const org: Organization = {
    id: demo.organizationId,
    groups: demo.groupIds,
    agents: demo.agents.map((agent) => agent.agent_id),
  };
  const random = new Random(options.seed);
  const streams = new Map<string, PlannedEvent[]>();
  const add = (events: PlannedEvent[]) => {
    for (const event of events) {
      const stream = streams.get(event.streamId);
      if (stream) stream.push(event);
      else streams.set(event.streamId, [event]);
    }
  };
  add(agentWorkingDays(shape, org, random));
  let conversations = 0;
  for (let day = 0; day < options.days; day++) {
    for (let chat = 0; chat < options.chatsPerDay; chat++) {
      // Chats come in the working day, 07:00–16:00 UTC, when the agents are on.
      add(
        conversation(org, shape.start + day * DAY_MS + random.between(7, 16) * 3_600_000, random).filter(
          (event) => event.occurredAt < today,
        ),
      );
      conversations += 1;
    }
  }
  const planned = [...streams.values()].flat();

  const db = createDatabase(databaseUrl, { max: CONCURRENCY, applicationName: 'livedesk-demo-seed' });
  try {
    const queue = [...streams.entries()];
    let written = 0;
    const worker = async () => {
      for (let next = queue.shift(); next; next = queue.shift()) {
        const [streamId, events] = next;
        await append(
          db,
          streamId,
          demo.organizationId,
          // encode validates each event against its contract, as the services' appends do.
          events.map((event) => ({
            eventId: randomUUID(),
            ...allEvents.encode(event.type, event.data),
            occurredAt: new Date(event.occurredAt),
            metadata: { source: 'livedesk demo seed' },
          })),
          'no_stream',
        );
        written += 1;
        if (written % 500 === 0) progress(`${written} of ${streams.size} streams written`);
      }
    };
    await Promise.all(Array.from({ length: CONCURRENCY }, worker));
    // Wakes the relay at once rather than at its next poll.
    await sql`SELECT pg_notify(${EVENTS_APPENDED_CHANNEL}, '')`.execute(db);
  } finally {
    await db.destroy();
  }
  return {
    from: new Date(shape.start).toISOString().slice(0, 10),
    to: new Date(today - DAY_MS).toISOString().slice(0, 10),
    conversations,
    events: planned.length,
  };
}
