import type { Assignment, CycleFacts } from '../domain/cycle-facts.js';
import { figuresOf, type Cycle } from '../domain/cycle-figures.js';
import { slaOutcomesOf, slaTimersOf, type SlaOutcome } from '../domain/sla-outcomes.js';
import type { ResolvedPolicy } from '../domain/sla-policy.js';
import type { ConversationProjection } from './conversation-projection.js';
import type {
  AgentAssignmentsRow,
  ConversationCyclesRow,
  ProjectionTimersRow,
  RatingsRow,
  ResponsesRow,
  SlaOutcomesRow,
} from './metrics-tables.js';

/** Every row one cycle contributes to the metrics tables. */
export interface CycleRows {
  cycle: ConversationCyclesRow;
  responses: ResponsesRow[];
  assignments: AgentAssignmentsRow[];
  outcomes: SlaOutcomesRow[];
  ratings: RatingsRow[];
  timers: ProjectionTimersRow[];
  /** the figures the rows came from (derived-table keys are read off them) */
  figures: Cycle;
}

// Rows are built as plain object literals, never by spreading a key into a literal with more
// fields: V8 turns such an object into a slow dictionary, tens of microseconds each, and a
// replay builds millions of rows.

/** The rows of one cycle under its policy. Pure: the same facts and policy give the same rows, live or in a rebuild. */
export function rowsOfCycle(
  conversation: ConversationProjection,
  facts: CycleFacts,
  policy: ResolvedPolicy,
): CycleRows {
  const f = figuresOf(facts, policy.calendar);
  const { organization_id, conversation_id, channel } = conversation;
  const number = facts.cycle;
  const group_id = facts.group_id;
  const lastAgent = lastHuman(facts.assignments)?.agent_id ?? null;
  const cycle: ConversationCyclesRow = {
    organization_id,
    conversation_id,
    cycle: number,
    channel,
    group_id,
    priority: f.priority,
    customer_id: conversation.customer_id,
    policy_id: policy.policy_id,
    policy_version: policy.policy_version,
    started_at: f.started_at,
    ended_at: f.ended_at,
    end_reason: f.end_reason,
    queued_at: f.queued_at,
    first_human_assigned_at: f.first_human_assigned_at,
    bot_handoff_at: f.bot_handoff_at,
    clock_start_at: f.clock_start_at,
    first_response_at: f.first_response_at,
    first_response_agent_id: f.first_response_agent_id,
    last_agent_id: lastAgent,
    queue_seconds: f.queue_seconds,
    queue_business_seconds: f.queue_business_seconds,
    first_response_seconds: f.first_response_seconds,
    first_response_business_seconds: f.first_response_business_seconds,
    exchanges_answered: f.exchanges.filter((exchange) => exchange.replied_at !== null).length,
    longest_wait_seconds: f.longest_wait_seconds,
    longest_wait_business_seconds: f.longest_wait_business_seconds,
    resolution_seconds: f.resolution_seconds,
    resolution_business_seconds: f.resolution_business_seconds,
    handle_seconds: f.handle_seconds,
    handle_business_seconds: f.handle_business_seconds,
    missed: f.missed,
    missed_reason: f.missed_reason,
    transfers_manual: f.transfers_manual,
    transfers_auto: f.transfers_auto,
    csat_score: f.csat_score,
    nps_score: f.nps_score,
    ces_score: f.ces_score,
    converted: f.converted,
    converted_at: f.converted_at,
    goals: f.goals,
    goal_value: f.goal_value,
    assigned_agent_ids: f.assigned_agent_ids,
    stream_version: conversation.cycle_versions[number] ?? conversation.stream_version,
  };
  const responses = f.exchanges.map(
    (exchange, i): ResponsesRow => ({
      organization_id,
      conversation_id,
      cycle: number,
      exchange: i + 1,
      channel,
      group_id,
      agent_id: exchange.agent_id,
      started_at: exchange.started_at,
      replied_at: exchange.replied_at,
      response_seconds: exchange.response_seconds,
      response_business_seconds: exchange.response_business_seconds,
    }),
  );
  const assignments = f.assignments.map(
    (assignment, i): AgentAssignmentsRow => ({
      organization_id,
      agent_id: assignment.agent_id,
      agent_kind: assignment.agent_kind,
      conversation_id,
      cycle: number,
      seq: i + 1,
      group_id,
      assigned_at: assignment.from,
      released_at: assignment.to,
      assigned_via: assignment.via,
      released_by: assignment.released_by,
    }),
  );
  const outcomes = slaOutcomesOf(facts, policy, conversation.alerts[number]);
  const outcomeRows = outcomes.map((outcome) => outcomeRow(conversation, facts, policy, outcome));
  const ratings: RatingsRow[] = [];
  const rating = (kind: RatingsRow['kind'], score: number | null, comment: string | null, rated_at: Date | null) => {
    if (score === null || rated_at === null) return;
    ratings.push({
      organization_id,
      conversation_id,
      cycle: number,
      kind,
      channel,
      group_id,
      agent_id: lastAgent,
      score,
      comment,
      rated_at,
    });
  };
  rating('csat', facts.csat_score, f.csat_comment, f.rated_at);
  rating('nps', facts.nps_score, f.nps_comment, f.nps_at);
  rating('ces', facts.ces_score, null, f.ces_at);
  const holder = facts.ended_at === null ? currentHuman(facts.assignments) : undefined;
  const timers = slaTimersOf(outcomes).map(
    (timer): ProjectionTimersRow => ({
      organization_id,
      conversation_id,
      cycle: number,
      target: timer.target,
      exchange: timer.exchange,
      kind: timer.kind,
      fire_at: timer.fire_at,
      due_at: timer.due_at,
      policy_id: policy.policy_id,
      group_id,
      agent_id: holder?.agent_id ?? null,
      conversation_version: conversation.stream_version,
    }),
  );
  return { cycle, responses, assignments, outcomes: outcomeRows, ratings, timers, figures: f };
}

function outcomeRow(
  conversation: ConversationProjection,
  facts: CycleFacts,
  policy: ResolvedPolicy,
  outcome: SlaOutcome,
): SlaOutcomesRow {
  // The agent it is about: who held the conversation when the target was met, breached or ended.
  const decidedAt =
    outcome.status === 'hit' ? outcome.completed_at : outcome.status === 'missed' ? outcome.breached_at : null;
  const agent = decidedAt ? humanAt(facts.assignments, decidedAt) : currentHuman(facts.assignments);
  return {
    organization_id: conversation.organization_id,
    conversation_id: conversation.conversation_id,
    cycle: facts.cycle,
    target: outcome.target,
    exchange: outcome.exchange,
    channel: conversation.channel,
    group_id: facts.group_id,
    priority: facts.priority,
    policy_id: policy.policy_id,
    policy_version: policy.policy_version,
    target_seconds: outcome.target_seconds,
    business: outcome.business,
    status: outcome.status,
    agent_id: agent?.agent_id ?? null,
    started_at: outcome.started_at,
    due_at: outcome.due_at,
    warn_at: outcome.warn_at,
    completed_at: outcome.completed_at,
    breached_at: outcome.breached_at,
    elapsed_seconds: outcome.elapsed?.seconds ?? null,
    elapsed_business_seconds: outcome.elapsed?.business_seconds ?? null,
    breach_seconds: outcome.breach?.seconds ?? null,
    breach_business_seconds: outcome.breach?.business_seconds ?? null,
    warning_notified_at: outcome.warning_notified_at,
    breach_notified_at: outcome.breach_notified_at,
  };
}

function lastHuman(assignments: readonly Assignment[]): Assignment | undefined {
  for (let i = assignments.length - 1; i >= 0; i--) if (assignments[i]!.agent_kind === 'human') return assignments[i];
  return undefined;
}

/** The human agent holding the chat now (their assignment is open). */
function currentHuman(assignments: readonly Assignment[]): Assignment | undefined {
  const last = lastHuman(assignments);
  return last && last.to === null ? last : undefined;
}

/** The human agent holding the chat at `at`: the last one assigned by then and not yet released before it. */
function humanAt(assignments: readonly Assignment[], at: Date): Assignment | undefined {
  const t = at.getTime();
  for (let i = assignments.length - 1; i >= 0; i--) {
    const a = assignments[i]!;
    if (a.agent_kind === 'human' && a.from.getTime() <= t && (a.to === null || a.to.getTime() >= t)) return a;
  }
  return undefined;
}
