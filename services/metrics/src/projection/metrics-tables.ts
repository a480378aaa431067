import type { EventStoreTables } from '@livedesk/event-store';

/**
 * The rows of the `metrics` tables (the migration comments every column). Durations are
 * seconds (double precision), instants `Date`s, `date` columns are read as `YYYY-MM-DD` text.
 */
export interface OrganizationsRow {
  organization_id: string;
  name: string;
  time_zone: string;
}

export interface AgentsRow {
  organization_id: string;
  agent_id: string;
  name: string;
  display_name: string | null;
  role: string;
  kind: string;
  group_ids: string[];
  disabled: boolean;
  updated_at: Date | string;
}

export interface GroupsRow {
  organization_id: string;
  group_id: string;
  name: string;
  routing: string;
  updated_at: Date | string;
}

export interface ConversationCyclesRow {
  organization_id: string;
  conversation_id: string;
  cycle: number;
  channel: string;
  group_id: string;
  priority: string;
  customer_id: string;
  policy_id: string;
  policy_version: number;
  started_at: Date;
  ended_at: Date | null;
  end_reason: string | null;
  queued_at: Date | null;
  first_human_assigned_at: Date | null;
  bot_handoff_at: Date | null;
  clock_start_at: Date | null;
  first_response_at: Date | null;
  first_response_agent_id: string | null;
  last_agent_id: string | null;
  queue_seconds: number | null;
  queue_business_seconds: number | null;
  first_response_seconds: number | null;
  first_response_business_seconds: number | null;
  exchanges_answered: number;
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
  nps_score: number | null;
  ces_score: number | null;
  converted: boolean;
  converted_at: Date | null;
  goals: string[];
  goal_value: number;
  assigned_agent_ids: string[];
  stream_version: number;
}

export interface ResponsesRow {
  organization_id: string;
  conversation_id: string;
  cycle: number;
  exchange: number;
  channel: string;
  group_id: string;
  agent_id: string | null;
  started_at: Date;
  replied_at: Date | null;
  response_seconds: number | null;
  response_business_seconds: number | null;
}

export interface AgentAssignmentsRow {
  organization_id: string;
  agent_id: string;
  agent_kind: string;
  conversation_id: string;
  cycle: number;
  seq: number;
  group_id: string;
  assigned_at: Date;
  released_at: Date | null;
  assigned_via: string;
  released_by: string | null;
}

export interface AgentStatusIntervalsRow {
  organization_id: string;
  agent_id: string;
  status: string;
  started_at: Date;
  ended_at: Date | null;
  seconds: number | null;
  reason: string;
  stream_version: number;
}

export interface SlaOutcomesRow {
  organization_id: string;
  conversation_id: string;
  cycle: number;
  target: string;
  exchange: number;
  channel: string;
  group_id: string;
  priority: string;
  policy_id: string;
  policy_version: number;
  target_seconds: number;
  business: boolean;
  status: string;
  agent_id: string | null;
  started_at: Date;
  due_at: Date;
  warn_at: Date;
  completed_at: Date | null;
  breached_at: Date | null;
  elapsed_seconds: number | null;
  elapsed_business_seconds: number | null;
  breach_seconds: number | null;
  breach_business_seconds: number | null;
  warning_notified_at: Date | null;
  breach_notified_at: Date | null;
}

export interface RatingsRow {
  organization_id: string;
  conversation_id: string;
  cycle: number;
  kind: 'csat' | 'nps' | 'ces';
  channel: string;
  group_id: string;
  agent_id: string | null;
  score: number;
  comment: string | null;
  rated_at: Date;
}

export interface AgentDailyRow {
  organization_id: string;
  agent_id: string;
  day: string;
  time_zone: string;
  accepting_seconds: number;
  not_accepting_seconds: number;
  offline_seconds: number;
  chatting_seconds: number;
  idle_seconds: number;
  average_concurrency: number | null;
  chats_handled: number;
  first_responses: number;
  first_response_sum_seconds: number;
  first_response_sum_business_seconds: number;
  responses: number;
  response_sum_seconds: number;
  response_sum_business_seconds: number;
  handled_to_end: number;
  handle_sum_seconds: number;
  handle_sum_business_seconds: number;
  csat_ratings: number;
  csat_good: number;
  csat_sum: number;
  transfers_in: number;
  transfers_out: number;
  missed_assigned: number;
  sla_missed: number;
  ces_answers: number;
  ces_sum: number;
  /** Answers of 1 … 7. */
  ces_distribution: number[];
}

export interface GroupHourlyRow {
  organization_id: string;
  group_id: string;
  hour: Date;
  cycles_started: number;
  with_human_reply: number;
  resolved: number;
  still_open: number;
  missed_left_in_queue: number;
  missed_unanswered: number;
  missed_no_agents: number;
  queued: number;
  queue_sum_seconds: number;
  queue_sum_business_seconds: number;
  first_response_sum_seconds: number;
  first_response_sum_business_seconds: number;
  handled: number;
  handle_sum_seconds: number;
  handle_sum_business_seconds: number;
  resolution_sum_seconds: number;
  resolution_sum_business_seconds: number;
  csat_ratings: number;
  csat_good: number;
  nps_answers: number;
  nps_promoters: number;
  nps_detractors: number;
  converted: number;
  sla_hit: number;
  sla_missed: number;
  ces_answers: number;
  ces_sum: number;
  /** Answers of 1 … 7. */
  ces_distribution: number[];
}

export interface SlaPoliciesRow {
  organization_id: string;
  policy_id: string;
  version: number;
  effective_from: Date;
  removed: boolean;
  name: string | null;
  position: number | null;
  match: unknown;
  targets: unknown;
  calendar: unknown;
  recorded_at: Date;
}

export interface TicketsRow {
  organization_id: string;
  ticket_id: string;
  source: string;
  conversation_id: string | null;
  group_id: string | null;
  agent_id: string | null;
  priority: string;
  status: string;
  policy_id: string;
  created_at: Date;
  first_reply_at: Date | null;
  first_reply_agent_id: string | null;
  first_reply_seconds: number | null;
  first_reply_business_seconds: number | null;
  first_solved_at: Date | null;
  first_solve_seconds: number | null;
  first_solve_business_seconds: number | null;
  solved_at: Date | null;
  solve_seconds: number | null;
  solve_business_seconds: number | null;
  reopened: number;
  agent_replies: number;
  requester_replies: number;
  spam: boolean;
  stream_version: number;
}

/** A tag a conversation carries now (migrations/2026-12-05-01-conversation-tags.ts). */
export interface ConversationTagsRow {
  organization_id: string;
  conversation_id: string;
  tag: string;
  tagged_at: Date;
  stream_version: number;
}

export interface ProjectionConversationsRow {
  organization_id: string;
  conversation_id: string;
  channel: string;
  customer_id: string;
  stream_version: number;
  /** JSON text (conversation-projection.ts, `encodeState`) */
  state: string;
}

export interface ProjectionTimersRow {
  organization_id: string;
  conversation_id: string;
  cycle: number;
  target: string;
  exchange: number;
  kind: 'warning' | 'breach';
  fire_at: Date;
  due_at: Date;
  policy_id: string;
  group_id: string;
  agent_id: string | null;
  conversation_version: number;
}

export interface ProjectionControlRow {
  id: boolean;
  projection_version: number;
  leader_epoch: string;
  rebuild_status: 'none' | 'requested' | 'running' | 'done' | 'failed';
  rebuild_requested_at: Date | null;
  rebuild_started_at: Date | null;
  rebuild_finished_at: Date | null;
  events_total: string | null;
  events_done: string;
  rebuild_error: string | null;
}

export interface ProjectionDirtyRow {
  id: string;
  key: string;
}

/** The daily summary emails (migrations/2026-12-05-12-daily-summary-mails.ts): not projected, never rebuilt. */
export interface DailySummaryMailsRow {
  organization_id: string;
  agent_id: string;
  date: string;
  claimed_until: Date | null;
  queued_at: Date | null;
}

export interface DailySummaryDaysRow {
  organization_id: string;
  date: string;
  done_at: Date;
}

export interface MetricsTables {
  'metrics.organizations': OrganizationsRow;
  'metrics.agents': AgentsRow;
  'metrics.groups': GroupsRow;
  'metrics.conversation_cycles': ConversationCyclesRow;
  'metrics.responses': ResponsesRow;
  'metrics.agent_assignments': AgentAssignmentsRow;
  'metrics.agent_status_intervals': AgentStatusIntervalsRow;
  'metrics.sla_outcomes': SlaOutcomesRow;
  'metrics.ratings': RatingsRow;
  'metrics.agent_daily': AgentDailyRow;
  'metrics.group_hourly': GroupHourlyRow;
  'metrics.sla_policies': SlaPoliciesRow;
  'metrics.tickets': TicketsRow;
  'metrics.conversation_tags': ConversationTagsRow;
  'metrics.projection_conversations': ProjectionConversationsRow;
  'metrics.projection_timers': ProjectionTimersRow;
  'metrics.projection_control': ProjectionControlRow;
  'metrics.projection_dirty': ProjectionDirtyRow;
  'metrics.daily_summary_mails': DailySummaryMailsRow;
  'metrics.daily_summary_days': DailySummaryDaysRow;
}

/** What the projector's transactions see: its own tables and the event store (positions, streams). */
export type MetricsDatabase = MetricsTables & EventStoreTables;

/** The tables the projector builds from the event store (every one but the control row), in dependency order. */
export const PROJECTED_TABLES = [
  'metrics.organizations',
  'metrics.agents',
  'metrics.groups',
  'metrics.conversation_cycles',
  'metrics.responses',
  'metrics.agent_assignments',
  'metrics.agent_status_intervals',
  'metrics.sla_outcomes',
  'metrics.ratings',
  'metrics.agent_daily',
  'metrics.group_hourly',
  'metrics.sla_policies',
  'metrics.tickets',
  'metrics.conversation_tags',
  'metrics.projection_conversations',
  'metrics.projection_timers',
  'metrics.projection_dirty',
] as const satisfies readonly (keyof MetricsTables)[];
