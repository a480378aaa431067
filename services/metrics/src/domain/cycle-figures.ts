import type { BusinessCalendar } from './business-calendar.js';
import type { Priority } from '@livedesk/contracts';
import type { Assignment, CycleEndReason, CycleFacts, MissedReason } from './cycle-facts.js';
import { optionalDuration } from './duration.js';

export interface Exchange {
  started_at: Date;
  replied_at: Date | null;
  agent_id: string | null;
  /** null when the cycle ended before a human replied */
  response_seconds: number | null;
  response_business_seconds: number | null;
}

/** One cycle's figures as docs/metrics.md defines them, every duration in calendar and business seconds. */
export interface Cycle {
  cycle: number;
  started_at: Date;
  ended_at: Date | null;
  end_reason: CycleEndReason | null;
  group_id: string;
  priority: Priority;
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
  exchanges: Exchange[];
  longest_wait_seconds: number | null;
  longest_wait_business_seconds: number | null;
  resolution_seconds: number | null;
  resolution_business_seconds: number | null;
  handle_seconds: number | null;
  handle_business_seconds: number | null;
  missed: boolean;
  missed_reason: MissedReason | null;
  transfers_manual: number;
  transfers_auto: number;
  csat_score: number | null;
  csat_comment: string | null;
  rated_at: Date | null;
  nps_score: number | null;
  nps_comment: string | null;
  nps_at: Date | null;
  /** CES, 1–7 (docs/metrics.md) */
  ces_score: number | null;
  ces_at: Date | null;
  /** a goal was reported in the cycle (conversion) */
  converted: boolean;
  converted_at: Date | null;
  goals: string[];
  goal_value: number;
  assigned_agent_ids: string[];
  /** every agent (human or bot) who held the chat in the cycle, in order */
  assignments: Assignment[];
}

export function figuresOf(facts: CycleFacts, calendar: BusinessCalendar | null): Cycle {
  const exchanges = facts.exchanges.map((exchange) => exchangeOf(exchange, calendar));
  const answered = exchanges.filter((exchange) => exchange.replied_at !== null);
  const first = answered[0] ?? null;
  const longest = answered.reduce<Exchange | null>(
    (max, exchange) => (max === null || exchange.response_seconds! > max.response_seconds! ? exchange : max),
    null,
  );
  const queue = optionalDuration(calendar, facts.queued_at, facts.first_human_assigned_at);
  const resolution =
    facts.end_reason === 'resolved' ? optionalDuration(calendar, facts.started_at, facts.ended_at) : null;
  const handle = optionalDuration(calendar, facts.first_human_assigned_at, facts.ended_at);
  const missed = facts.ended_at !== null && first === null;
  return {
    cycle: facts.cycle,
    started_at: facts.started_at,
    ended_at: facts.ended_at,
    end_reason: facts.end_reason,
    group_id: facts.group_id,
    priority: facts.priority,
    queued_at: facts.queued_at,
    first_human_assigned_at: facts.first_human_assigned_at,
    bot_handoff_at: facts.bot_handoff_at,
    clock_start_at: facts.clock_start_at,
    first_response_at: first?.replied_at ?? null,
    first_response_agent_id: first?.agent_id ?? null,
    queue_seconds: queue?.seconds ?? null,
    queue_business_seconds: queue?.business_seconds ?? null,
    first_response_seconds: first?.response_seconds ?? null,
    first_response_business_seconds: first?.response_business_seconds ?? null,
    exchanges,
    longest_wait_seconds: longest?.response_seconds ?? null,
    longest_wait_business_seconds: longest?.response_business_seconds ?? null,
    resolution_seconds: resolution?.seconds ?? null,
    resolution_business_seconds: resolution?.business_seconds ?? null,
    handle_seconds: handle?.seconds ?? null,
    handle_business_seconds: handle?.business_seconds ?? null,
    missed,
    missed_reason: missed ? missedReason(facts) : null,
    transfers_manual: facts.transfers.manual,
    transfers_auto: facts.transfers.auto,
    csat_score: facts.csat_score,
    csat_comment: facts.csat_comment,
    rated_at: facts.rated_at,
    nps_score: facts.nps_score,
    nps_comment: facts.nps_comment,
    nps_at: facts.nps_at,
    ces_score: facts.ces_score,
    ces_at: facts.ces_at,
    converted: facts.converted_at !== null,
    converted_at: facts.converted_at,
    goals: facts.goals,
    goal_value: facts.goal_value,
    assigned_agent_ids: facts.assigned_agent_ids,
    assignments: facts.assignments,
  };
}

/**
 * The routing's `ConversationMissed` reason when there is one. Otherwise: the customer closed while
 * queued (also when re-queued after a transfer to a group) or before any human took the chat is
 * `left_in_queue`; a chat a human held and never answered is `unanswered`.
 */
function missedReason(facts: CycleFacts): MissedReason {
  if (facts.missed_event_reason) return facts.missed_event_reason;
  return facts.first_human_assigned_at && !facts.in_queue ? 'unanswered' : 'left_in_queue';
}

function exchangeOf(exchange: CycleFacts['exchanges'][number], calendar: BusinessCalendar | null): Exchange {
  const response = optionalDuration(calendar, exchange.started_at, exchange.replied_at);
  return {
    started_at: exchange.started_at,
    replied_at: exchange.replied_at,
    agent_id: exchange.agent_id,
    response_seconds: response?.seconds ?? null,
    response_business_seconds: response?.business_seconds ?? null,
  };
}
