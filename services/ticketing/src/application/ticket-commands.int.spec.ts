import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import { createDatabase, EventStore, migrateEventStore } from '@livedesk/event-store';
import { systemClock } from '@livedesk/service-kit';
import { createTestDatabase, type TestDatabase } from '@livedesk/testing';
import { ticketReference, type TicketCommand } from '../domain/index.js';
import { MailboxAddresses } from '../email/inbound/mailbox-addresses.js';
import { migrateTicketing } from '../read-model/migrate-ticketing.js';
import { TicketCommands } from './ticket-commands.service.js';

const ACKNOWLEDGEMENT_LIMITS = {
  ACKNOWLEDGEMENTS_PER_ADDRESS_PER_HOUR: 3,
  ACKNOWLEDGEMENTS_PER_ORGANIZATION_PER_HOUR: 200,
};
const ORG = 'org-1';

describe('ticket commands against the real event store', () => {
  let database: TestDatabase;
  let db: Kysely<any>;
  let replicas: [TicketCommands, TicketCommands];
  let store: EventStore;

  beforeAll(async () => {
    database = await createTestDatabase();
    db = createDatabase(database.url, { max: 8 });
    await migrateEventStore(db);
    await migrateTicketing(db);
    store = new EventStore(db);
    const mailboxes = new MailboxAddresses('x'.repeat(32), 'inbound.test');
    replicas = [
      new TicketCommands(store, db, systemClock, mailboxes, ACKNOWLEDGEMENT_LIMITS),
      new TicketCommands(store, db, systemClock, mailboxes, ACKNOWLEDGEMENT_LIMITS),
    ];
  });

  afterAll(async () => {
    await db?.destroy();
    await database?.drop();
  });

  async function openTicket(): Promise<string> {
    const ticketId = randomUUID();
    await replicas[0].execute(
      ticketId,
      {
        type: 'create',
        actor: { kind: 'system', id: 'test' },
        ticketId,
        reference: ticketReference(ticketId),
        source: 'email',
        requester: { email: 'ann@example.test' },
        subject: 'Help',
      },
      { organizationId: ORG, commandId: randomUUID() },
    );
    return ticketId;
  }

  it('serializes concurrent replies of two replicas: each stored once, versions contiguous, one outbox row per reply', async () => {
    const ticketId = await openTicket();
    const replies = Array.from({ length: 20 }, (_, i) => {
      const command: TicketCommand = {
        type: 'reply',
        actor: { kind: 'agent', id: `agent-${i % 3}` },
        replyId: `r-${i}`,
        text: `reply ${i}`,
        via: 'api',
        attachments: [],
        clientId: `c-${i}`,
        status: 'open',
      };
      return replicas[i % 2]!.execute(ticketId, command, { organizationId: ORG, commandId: randomUUID() });
    });
    await Promise.all(replies);
    const events = await store.readStream(`ticket-${ticketId}`);
    expect(events.map((event) => event.streamVersion)).toEqual(events.map((_, i) => i + 1));
    expect(events.filter((event) => event.type === 'TicketReplied')).toHaveLength(20);
    const outbox = await db
      .selectFrom('ticketing.outbound_emails')
      .select(['kind', 'references_ids'])
      .where('ticket_id', '=', ticketId)
      .execute();
    expect(outbox.filter((row: any) => row.kind === 'reply')).toHaveLength(20);
    const row = await db
      .selectFrom('ticketing.tickets')
      .selectAll()
      .where('ticket_id', '=', ticketId)
      .executeTakeFirstOrThrow();
    expect(row.version).toBe(events.length);
  });

  it('recognises a retried command by its id, and answers another organization like a missing ticket', async () => {
    const ticketId = await openTicket();
    const commandId = randomUUID();
    const note: TicketCommand = {
      type: 'add_note',
      actor: { kind: 'agent', id: 'a' },
      noteId: 'n-1',
      text: 'note',
      attachments: [],
    };
    const first = await replicas[0].execute(ticketId, note, { organizationId: ORG, commandId });
    const again = await replicas[1].execute(ticketId, note, { organizationId: ORG, commandId });
    expect([first.duplicate, again.duplicate]).toEqual([false, true]);
    expect(
      (await store.readStream(`ticket-${ticketId}`)).filter((event) => event.type === 'InternalNoteAdded'),
    ).toHaveLength(1);
    await expect(
      replicas[0].execute(ticketId, note, { organizationId: 'org-2', commandId: randomUUID() }),
    ).rejects.toMatchObject({ code: 'not_found', reason: 'ticket_not_found' });
    await expect(replicas[0].load('org-2', ticketId)).rejects.toMatchObject({ reason: 'ticket_not_found' });
  });
});
