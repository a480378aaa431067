import type { EventStoreTables } from '@livedesk/event-store';
import type { Cycle } from '../domain/cycle-figures.js';

/** A row of `metrics.conversation_cycles` (see the migration for each column's meaning). */
export interface ConversationCyclesTable {
  organization_id: string;
  conversation_id: string;
  cycle: number;
  channel: string | null;
  group_id: string | null;
  started_at: Date;
  ended_at: Date | null;
  end_reason: string | null;
  queued_at: Date | null;
  first_human_assigned_at: Date | null;
  bot_handoff_at: Date | null;
  clock_start_at: Date | null;
  first_response_at: Date | null;
  first_response_agent_id: string | null;
  queue_seconds: number | null;
  queue_business_seconds: number | null;
  first_response_seconds: number | null;
  first_response_business_seconds: number | null;
  longest_wait_seconds: number | null;
  longest_wait_business_seconds: number | null;
  resolution_seconds: number | null;
  resolution_business_seconds: number | null;
  handle_seconds: number | null;
  handle_business_seconds: number | null;
  missed: boolean;
  missed_reason: string | null;
  transfers_manual: number;
  transfers_auto: number;
  csat_score: number | null;
  assigned_agent_ids: string[];
  stream_version: number;
}

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

/** A cycle's row. The exchanges are not stored here: they are the grain of the `responses` table. */
export function cycleRow(context: ConversationContext, cycle: Cycle): ConversationCyclesTable {
  return {
    ...context,
    cycle: cycle.cycle,
    started_at: cycle.started_at,
    ended_at: cycle.ended_at,
    end_reason: cycle.end_reason,
    queued_at: cycle.queued_at,
    first_human_assigned_at: cycle.first_human_assigned_at,
    bot_handoff_at: cycle.bot_handoff_at,
    clock_start_at: cycle.clock_start_at,
    first_response_at: cycle.first_response_at,
    first_response_agent_id: cycle.first_response_agent_id,
    queue_seconds: cycle.queue_seconds,
    queue_business_seconds: cycle.queue_business_seconds,
    first_response_seconds: cycle.first_response_seconds,
    first_response_business_seconds: cycle.first_response_business_seconds,
    longest_wait_seconds: cycle.longest_wait_seconds,
    longest_wait_business_seconds: cycle.longest_wait_business_seconds,
    resolution_seconds: cycle.resolution_seconds,
    resolution_business_seconds: cycle.resolution_business_seconds,
    handle_seconds: cycle.handle_seconds,
    handle_business_seconds: cycle.handle_business_seconds,
    missed: cycle.missed,
    missed_reason: cycle.missed_reason,
    transfers_manual: cycle.transfers_manual,
    transfers_auto: cycle.transfers_auto,
    csat_score: cycle.csat_score,
    assigned_agent_ids: cycle.assigned_agent_ids,
  };
}
