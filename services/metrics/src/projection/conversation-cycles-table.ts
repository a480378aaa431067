import type { EventStoreTables } from '@livedesk/event-store';
import type { Cycle } from '../domain/cycle-figures.js';

export interface MetricsTables {
  'metrics.conversation_cycles': ConversationCyclesTable;
}

/** What the projections' transactions see: their own tables and the event store (positions, streams). */
export type MetricsDatabase = MetricsTables & EventStoreTables;

export interface ConversationContext {
  organization_id: string;
  conversation_id: string;
  channel: string | null;
  group_id: string | null;
  stream_version: number;
}

/**
 * A row of `metrics.conversation_cycles` (see the migration for each column's meaning): the
 * conversation, and every figure of one cycle but its exchanges, which are the grain of the
 * `responses` table.
 */
export type ConversationCyclesTable = ConversationContext & Omit<Cycle, 'exchanges'>;

export function cycleRow(context: ConversationContext, cycle: Cycle): ConversationCyclesTable {
  const { exchanges, ...figures } = cycle;
  return { ...context, ...figures };
}
