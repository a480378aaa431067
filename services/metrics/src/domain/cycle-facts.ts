import type { ConversationEvent, Priority } from '@livedesk/contracts';

/** One event of a conversation stream as the projections read it. */
export type ConversationFact = ConversationEvent & { occurredAt: Date; version: number };

export type CycleEndReason = 'resolved' | 'missed' | 'closed';
export type MissedReason = 'left_in_queue' | 'unanswered' | 'no_agents';

/** An exchange: from a customer message (or the clock start) to the next human reply. */
export interface RawExchange {
  started_at: Date;
  /** null when the cycle ended before a human replied */
  replied_at: Date | null;
  agent_id: string | null;
}

/** How an agent came to hold the chat. */
export type AssignedVia = 'routing' | 'agent' | 'supervisor' | 'transfer';
/** How their hold ended. */
export type ReleasedBy = 'transfer' | 'reassigned' | 'requeued' | 'resolved' | 'closed' | 'missed';

/** An agent (human or bot) holding the chat: from the assignment to its release; `to` null = still holding. */
export interface Assignment {
  agent_id: string;
  agent_kind: 'human' | 'bot';
  from: Date;
  to: Date | null;
  via: AssignedVia;
  released_by: ReleasedBy | null;
}

/** The timestamps of one cycle, folded from its events; `cycle-figures.ts` turns them into figures. */
export interface CycleFacts {
  cycle: number;
  started_at: Date;
  ended_at: Date | null;
  end_reason: CycleEndReason | null;
  missed_event_reason: MissedReason | null;
  /** The group the chat is in: where it started or was last queued or transferred to. */
  group_id: string;
  priority: Priority;
  queued_at: Date | null;
  /** queued and not picked up since (by a human or a bot) */
  in_queue: boolean;
  first_human_assigned_at: Date | null;
  /** a bot holds the chat: assigned, and no human assigned since */
  bot_holds: boolean;
  bot_handoff_at: Date | null;
  first_customer_message_at: Date | null;
  clock_start_at: Date | null;
  open_exchange_at: Date | null;
  exchanges: RawExchange[];
  transfers: { manual: number; auto: number };
  /** the agent a transfer named, until the AgentAssigned that carries it out */
  transfer_to: string | null;
  csat_score: number | null;
  csat_comment: string | null;
  rated_at: Date | null;
  nps_score: number | null;
  nps_comment: string | null;
  nps_at: Date | null;
  /** CES, the survey's 1–7 "how easy was it" answer (SurveyAnswered with `ces`), the last given */
  ces_score: number | null;
  ces_at: Date | null;
  /** goals reported in this cycle, each once, in order */
  goals: string[];
  converted_at: Date | null;
  goal_value: number;
  assigned_agent_ids: string[];
  assignments: Assignment[];
}

export function initialCycleFacts(cycle: number, startedAt: Date, groupId: string, priority: Priority): CycleFacts {
  return {
    cycle,
    started_at: startedAt,
    ended_at: null,
    end_reason: null,
    missed_event_reason: null,
    group_id: groupId,
    priority,
    queued_at: null,
    in_queue: false,
    first_human_assigned_at: null,
    bot_holds: false,
    bot_handoff_at: null,
    first_customer_message_at: null,
    clock_start_at: null,
    open_exchange_at: null,
    exchanges: [],
    transfers: { manual: 0, auto: 0 },
    transfer_to: null,
    csat_score: null,
    csat_comment: null,
    rated_at: null,
    nps_score: null,
    nps_comment: null,
    nps_at: null,
    ces_score: null,
    ces_at: null,
    goals: [],
    converted_at: null,
    goal_value: 0,
    assigned_agent_ids: [],
    assignments: [],
  };
}

/** Folds one event into its cycle. Pure: returns a new value, never changes `facts`. */
export function evolveCycle(facts: CycleFacts, event: ConversationFact): CycleFacts {
  const at = event.occurredAt;
  if (facts.ended_at) return evolveEnded(facts, event);
  switch (event.type) {
    case 'MessagePosted':
      if (event.data.author.kind === 'customer') return onCustomerMessage(facts, at);
      // Only an agent account's message is a human reply: bots post as `bot`, automation as `system`.
      if (event.data.author.kind === 'agent') return onHumanMessage(facts, at, event.data.author.id ?? null);
      return facts;
    case 'ConversationQueued':
      return {
        ...release(facts, at, 'requeued'),
        group_id: event.data.group_id,
        in_queue: true,
        queued_at: facts.first_human_assigned_at ? facts.queued_at : (facts.queued_at ?? at),
      };
    case 'AgentAssigned': {
      const via: AssignedVia = facts.transfer_to === event.data.agent_id ? 'transfer' : event.data.by;
      const held = hold(release(facts, at, 'reassigned'), event.data.agent_id, event.data.agent_kind, at, via);
      return event.data.agent_kind === 'bot' ? onBotAssigned(held) : onHumanAssigned(held, at, event.data.agent_id);
    }
    case 'ConversationTransferred': {
      const counted = {
        ...facts,
        transfers: { ...facts.transfers, [event.data.reason]: facts.transfers[event.data.reason] + 1 },
      };
      const released = release(counted, at, 'transfer');
      return event.data.to_group_id === undefined
        ? { ...released, transfer_to: event.data.to_agent_id ?? null }
        : { ...released, group_id: event.data.to_group_id };
    }
    case 'ConversationResolved':
      return end(facts, at, 'resolved');
    case 'ConversationClosed':
      return end(facts, at, 'closed');
    case 'ConversationMissed':
      return { ...end(facts, at, 'missed'), missed_event_reason: event.data.reason };
    default:
      return evolveFeedback(facts, event);
  }
}

/** After the end only feedback (ratings, goals) and the routing's verdict on a miss still belong to the cycle. */
function evolveEnded(facts: CycleFacts, event: ConversationFact): CycleFacts {
  if (event.type === 'ConversationMissed' && !facts.missed_event_reason) {
    return { ...facts, missed_event_reason: event.data.reason };
  }
  return evolveFeedback(facts, event);
}

/** Ratings, NPS and CES answers, goals and priority: the last rating and answer count, each goal once. */
function evolveFeedback(facts: CycleFacts, event: ConversationFact): CycleFacts {
  switch (event.type) {
    case 'ConversationRated':
      return {
        ...facts,
        csat_score: event.data.score,
        csat_comment: event.data.comment ?? null,
        rated_at: event.occurredAt,
      };
    case 'NpsAnswered':
      return {
        ...facts,
        nps_score: event.data.score,
        nps_comment: event.data.comment ?? null,
        nps_at: event.occurredAt,
      };
    case 'SurveyAnswered': {
      const ces = event.data.answers.ces;
      // A survey answered without CES (only the organization's own questions) leaves CES as it was.
      return typeof ces === 'number' ? { ...facts, ces_score: ces, ces_at: event.occurredAt } : facts;
    }
    case 'GoalReported':
      if (facts.goals.includes(event.data.goal)) return facts;
      return {
        ...facts,
        goals: [...facts.goals, event.data.goal],
        converted_at: facts.converted_at ?? event.occurredAt,
        goal_value: sumOfGoalValues(facts.goal_value, event.data.value ?? 0),
      };
    case 'PrioritySet':
      return { ...facts, priority: event.data.priority };
    default:
      return facts;
  }
}

/**
 * Adds a goal's value to the cycle's sum, saturating at Number.MAX_VALUE: `report_goal` bounds a
 * value (MAX_GOAL_VALUE) but events stored before the bound may hold values near MAX_VALUE,
 * and two of them summed to Infinity, which the NOT NULL `goal_value` column refused: the
 * projector then failed on that event and every later one of the chat.
 */
export function sumOfGoalValues(sum: number, value: number): number {
  const total = sum + value;
  return Number.isFinite(total) ? total : Number.MAX_VALUE;
}

function onCustomerMessage(facts: CycleFacts, at: Date): CycleFacts {
  const withFirst = { ...facts, first_customer_message_at: facts.first_customer_message_at ?? at };
  if (withFirst.clock_start_at) {
    return withFirst.open_exchange_at ? withFirst : { ...withFirst, open_exchange_at: at };
  }
  // While a bot holds the chat the clock waits for the handoff (bot time is not waiting time).
  return facts.bot_holds ? withFirst : { ...withFirst, clock_start_at: at, open_exchange_at: at };
}

/** A human message with no open exchange (a proactive greeting, a follow-up) answers nothing. */
function onHumanMessage(facts: CycleFacts, at: Date, agentId: string | null): CycleFacts {
  if (!facts.open_exchange_at) return facts;
  const exchange = { started_at: facts.open_exchange_at, replied_at: at, agent_id: agentId };
  return { ...facts, open_exchange_at: null, exchanges: [...facts.exchanges, exchange] };
}

/**
 * A bot assigned before any human takes the chat out of the queue: queue time counts from the
 * next `ConversationQueued` (the bot handing over to the human queue), not from the first one.
 */
function onBotAssigned(facts: CycleFacts): CycleFacts {
  if (facts.first_human_assigned_at) return { ...facts, bot_holds: true, in_queue: false };
  // A bot picking up a chat the customer already wrote in: the clock moves to the handoff.
  return { ...facts, bot_holds: true, in_queue: false, queued_at: null, clock_start_at: null, open_exchange_at: null };
}

function onHumanAssigned(facts: CycleFacts, at: Date, agentId: string): CycleFacts {
  const next: CycleFacts = {
    ...facts,
    first_human_assigned_at: facts.first_human_assigned_at ?? at,
    assigned_agent_ids: facts.assigned_agent_ids.includes(agentId)
      ? facts.assigned_agent_ids
      : [...facts.assigned_agent_ids, agentId],
    bot_holds: false,
    in_queue: false,
  };
  if (!facts.bot_holds) return next;
  // The handoff: the first human after a bot. The clock starts here if the customer already wrote.
  const handoff = { ...next, bot_handoff_at: facts.bot_handoff_at ?? at };
  return facts.first_customer_message_at && !facts.clock_start_at
    ? { ...handoff, clock_start_at: at, open_exchange_at: at }
    : handoff;
}

/** The agent now holding the chat starts an assignment. */
function hold(facts: CycleFacts, agentId: string, agentKind: 'human' | 'bot', at: Date, via: AssignedVia): CycleFacts {
  const assignment: Assignment = {
    agent_id: agentId,
    agent_kind: agentKind,
    from: at,
    to: null,
    via,
    released_by: null,
  };
  return { ...facts, transfer_to: null, assignments: [...facts.assignments, assignment] };
}

/** The current holder, if any, lets go. */
function release(facts: CycleFacts, at: Date, by: ReleasedBy): CycleFacts {
  const last = facts.assignments.at(-1);
  if (!last || last.to !== null) return facts;
  return { ...facts, assignments: [...facts.assignments.slice(0, -1), { ...last, to: at, released_by: by }] };
}

function end(facts: CycleFacts, at: Date, reason: CycleEndReason): CycleFacts {
  const unanswered = facts.open_exchange_at
    ? [{ started_at: facts.open_exchange_at, replied_at: null, agent_id: null }]
    : [];
  return {
    ...release(facts, at, reason),
    ended_at: at,
    end_reason: reason,
    open_exchange_at: null,
    exchanges: [...facts.exchanges, ...unanswered],
  };
}
