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

/** The rows of one cycle under its policy. Pure: the same facts and policy give the same rows, live or in a rebuild. */
export function rowsOfCycle(conversation: ConversationProjection, facts: CycleFacts, policy: ResolvedPolicy): CycleRows {
  const figures = figuresOf(facts, policy.calendar);
  const { organization_id, conversation_id, channel } = conversation;
  const key = { organization_id, conversation_id, cycle: facts.cycle };
  const lastAgent = lastHuman(facts.assignments)?.agent_id ?? null;
  const { exchanges, assignments, csat_comment, rated_at, nps_comment, nps_at, ...cycleFigures } = figures;
  const cycle: ConversationCyclesRow = {
    ...cycleFigures,
    organization_id,
    conversation_id,
    channel,
    customer_id: conversation.customer_id,
    policy_id: policy.policy_id,
    policy_version: policy.policy_version,
    last_agent_id: lastAgent,
    exchanges_answered: exchanges.filter((exchange) => exchange.replied_at !== null).length,
    stream_version: conversation.cycle_versions[facts.cycle] ?? conversation.stream_version,
  };
  const responses = exchanges.map(
    (exchange, i): ResponsesRow => ({
      ...key,
      exchange: i + 1,
      channel,
      group_id: facts.group_id,
      agent_id: exchange.agent_id,
      started_at: exchange.started_at,
      replied_at: exchange.replied_at,
      response_seconds: exchange.response_seconds,
      response_business_seconds: exchange.response_business_seconds,
    }),
  );
  const assignmentRows = assignments.map(
    (assignment, i): AgentAssignmentsRow => ({
      organization_id,
      agent_id: assignment.agent_id,
      agent_kind: assignment.agent_kind,
      conversation_id,
      cycle: facts.cycle,
      seq: i + 1,
      group_id: facts.group_id,
      assigned_at: assignment.from,
      released_at: assignment.to,
      assigned_via: assignment.via,
      released_by: assignment.released_by,
    }),
  );
  const outcomes = slaOutcomesOf(facts, policy, conversation.alerts[facts.cycle]);
  const outcomeRows = outcomes.map((outcome) => outcomeRow(key, channel, facts, policy, outcome));
  const ratings: RatingsRow[] = [];
  if (facts.csat_score !== null && rated_at !== null) {
    ratings.push({ ...key, kind: 'csat', channel, group_id: facts.group_id, agent_id: lastAgent, score: facts.csat_score, comment: csat_comment, rated_at });
  }
  if (facts.nps_score !== null && nps_at !== null) {
    ratings.push({ ...key, kind: 'nps', channel, group_id: facts.group_id, agent_id: lastAgent, score: facts.nps_score, comment: nps_comment, rated_at: nps_at });
  }
  const holder = facts.ended_at === null ? currentHuman(facts.assignments) : null;
  const timers = slaTimersOf(outcomes).map(
    (timer): ProjectionTimersRow => ({
      ...key,
      target: timer.target,
      exchange: timer.exchange,
      kind: timer.kind,
      fire_at: timer.fire_at,
      due_at: timer.due_at,
      policy_id: policy.policy_id,
      group_id: facts.group_id,
      agent_id: holder?.agent_id ?? null,
      conversation_version: conversation.stream_version,
    }),
  );
  return { cycle, responses, assignments: assignmentRows, outcomes: outcomeRows, ratings, timers, figures };
}

function outcomeRow(
  key: { organization_id: string; conversation_id: string; cycle: number },
  channel: string,
  facts: CycleFacts,
  policy: ResolvedPolicy,
  outcome: SlaOutcome,
): SlaOutcomesRow {
  // The agent it is about: who held the conversation when the target was met, breached or ended.
  const decidedAt = outcome.status === 'hit' ? outcome.completed_at : outcome.status === 'missed' ? outcome.breached_at : null;
  const agent = decidedAt ? humanAt(facts.assignments, decidedAt) : currentHuman(facts.assignments);
  return {
    ...key,
    target: outcome.target,
    exchange: outcome.exchange,
    channel,
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
  return assignments.findLast((assignment) => assignment.agent_kind === 'human');
}

/** The human agent holding the chat now (their assignment is open). */
function currentHuman(assignments: readonly Assignment[]): Assignment | undefined {
  const last = lastHuman(assignments);
  return last && last.to === null ? last : undefined;
}

/** The human agent holding the chat at `at`: the last one assigned by then and not yet released before it. */
function humanAt(assignments: readonly Assignment[], at: Date): Assignment | undefined {
  const t = at.getTime();
  return assignments.findLast((a) => a.agent_kind === 'human' && a.from.getTime() <= t && (a.to === null || a.to.getTime() >= t));
}
