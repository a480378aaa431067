import type { Kysely, Transaction } from 'kysely';
import { allEvents, streamCategory } from '@livedesk/contracts';
import { readStream, rebuild, type EventStoreTables, type RecordedEvent } from '@livedesk/event-store';
import { cyclesOf } from '../domain/conversation-cycles.js';
import type { ConversationFact } from '../domain/cycle-facts.js';
import { cycleRow, type ConversationContext, type MetricsDatabase } from './conversation-cycles-table.js';

/** The durable consumer (and position owner) of the conversation-cycles projection. */
export const CONVERSATION_CYCLES_CONSUMER = 'metrics-conversations';

const CONVERSATION_PREFIX = 'conversation-';

/**
 * The projection handler, shared by live consumption and rebuild: recomputes the conversation's
 * cycles from its events up to and including `event` (never later ones, so a rebuild that can
 * already see the whole stream writes the same rows as live consumption did) and replaces its
 * rows. Events of other stream categories are ignored.
 */
export async function projectConversation(event: RecordedEvent, trx: Transaction<MetricsDatabase>): Promise<void> {
  if (streamCategory(event.streamId) !== 'conversation') return;
  const recorded = await readStream(trx as unknown as Kysely<EventStoreTables>, event.streamId, { limit: event.streamVersion });
  const facts = recorded.filter((e) => e.streamVersion <= event.streamVersion).flatMap(toFact);
  const conversationId = event.streamId.slice(CONVERSATION_PREFIX.length);
  const started = facts.find((fact) => fact.type === 'ConversationStarted');
  const context: ConversationContext = {
    organization_id: event.organizationId,
    conversation_id: conversationId,
    channel: started?.type === 'ConversationStarted' ? started.data.channel : null,
    group_id: started?.type === 'ConversationStarted' ? started.data.group_id : null,
    stream_version: event.streamVersion,
  };
  const rows = cyclesOf(facts, null).map((cycle) => cycleRow(context, cycle));
  await trx.deleteFrom('metrics.conversation_cycles').where('conversation_id', '=', conversationId).execute();
  if (rows.length > 0) await trx.insertInto('metrics.conversation_cycles').values(rows).execute();
}

/** A stored event as the pure cores read it: upcast and validated; none for a type this reader does not know. */
function toFact(event: RecordedEvent): ConversationFact[] {
  if (!allEvents.has(event.type)) return [];
  const data = allEvents.decode(event.type, event.schemaVersion, event.data);
  return [{ type: event.type, data, occurredAt: event.occurredAt, version: event.streamVersion } as ConversationFact];
}

/**
 * Rebuilds `metrics.conversation_cycles` from the whole event store through the live handler.
 * Stop the live subscription first (see `rebuild`).
 */
export function rebuildConversationCycles(
  db: Kysely<MetricsDatabase>,
  options: { batchSize?: number; onProgress?: (progress: { events: number; applied: number }) => void } = {},
): Promise<{ events: number; applied: number }> {
  return rebuild<MetricsDatabase>({
    db,
    consumer: CONVERSATION_CYCLES_CONSUMER,
    handler: projectConversation,
    filter: (event) => streamCategory(event.streamId) === 'conversation',
    // rebuild() deletes the consumer's positions in this same transaction.
    reset: async (trx) => {
      await trx.deleteFrom('metrics.conversation_cycles').execute();
    },
    ...options,
  });
}
