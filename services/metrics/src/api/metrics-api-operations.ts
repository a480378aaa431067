import { z } from 'zod';
import type { ApiOperation } from '@livedesk/service-kit';
import { AgentsReport } from '../reports/agents-report.js';
import { DailySummary } from '../reports/daily-summary.js';
import { OverviewReport } from '../reports/overview-report.js';
import { StaffingReport } from '../reports/staffing-report.js';
import { DeadLetterDetail, DeadLetterList, DeadLettersQuery, DeadLetterView } from './dead-letter-schemas.js';
import { RebuildStatus } from './rebuild-schemas.js';
import { AgentsQuery, DailyQuery, OverviewQuery, StaffingQuery } from './report-queries.js';
import { SlaPolicyList, SlaPolicyRequest, SlaPolicyWritten } from './sla-policy-schemas.js';

/** Every operation of the metrics service's HTTP API, for its OpenAPI document. */
export const metricsApiOperations: ApiOperation[] = [
  {
    operationId: 'listSlaPolicies',
    method: 'get',
    path: '/v1/organizations/{organization_id}/sla_policies',
    summary: 'The SLA policies of the organization, in the order they are tried (supervisors, admins).',
    tags: ['SLA'],
    responses: { 200: { description: 'The policies', schema: SlaPolicyList } },
  },
  {
    operationId: 'putSlaPolicy',
    method: 'put',
    path: '/v1/organizations/{organization_id}/sla_policies/{policy_id}',
    summary:
      'Creates or changes a policy, for cycles starting from effective_from (default now); the same definition again stores nothing.',
    tags: ['SLA'],
    body: SlaPolicyRequest,
    responses: { 200: { description: 'The stored version', schema: SlaPolicyWritten } },
  },
  {
    operationId: 'deleteSlaPolicy',
    method: 'delete',
    path: '/v1/organizations/{organization_id}/sla_policies/{policy_id}',
    summary: 'Removes a policy for cycles starting from now.',
    tags: ['SLA'],
    responses: { 200: { description: 'The stored version', schema: SlaPolicyWritten } },
  },
  {
    operationId: 'getOverviewReport',
    method: 'get',
    path: '/v1/organizations/{organization_id}/reports/overview',
    summary:
      'Chats of the period and their figures: counts by status, FRT, response, queue, resolution and handle time, CSAT, NPS, SLA %, conversion (supervisors, admins).',
    description:
      'The cycles that started in [from, to). With agent_id, FRT counts for the first responder, each exchange for the agent whose reply ended it, handle time and ratings for the last human agent, SLA outcomes for the agent holding the chat when decided, and the other figures over the cycles the agent was assigned in.',
    tags: ['Reports'],
    query: OverviewQuery,
    responses: { 200: { description: 'The overview', schema: OverviewReport } },
  },
  {
    operationId: 'getAgentsReport',
    method: 'get',
    path: '/v1/organizations/{organization_id}/reports/agents',
    summary:
      "Each agent's time per routing status, chatting and idle time, concurrency and chat figures in the period (supervisors, admins).",
    description:
      'Status intervals and chats still open count up to now, clipped to the period. Chats count where their event falls (an assignment where it starts, a reply where it is sent, a handle time where the cycle ends). With group_id, chat figures count that group only; time figures are the agent’s whole time.',
    tags: ['Reports'],
    query: AgentsQuery,
    responses: { 200: { description: 'The agents', schema: AgentsReport } },
  },
  {
    operationId: 'getDailySummary',
    method: 'get',
    path: '/v1/organizations/{organization_id}/reports/daily',
    summary:
      'The daily summary: per agent and per team, the day against the mean of the 7 days before, and the chats that missed their SLA that day; CSV with format=csv or Accept: text/csv (supervisors, admins).',
    tags: ['Reports'],
    query: DailyQuery,
    responses: {
      200: {
        description:
          'The summary (CSV columns: date, section (agent, team, sla_miss), agent_id, group_id, figure, day, mean_7_days, conversation_id, cycle, target, exchange, target_seconds, business, due_at, breached_at, breach_seconds)',
        schema: DailySummary,
        alternatives: [{ contentType: 'text/csv' }],
      },
    },
  },
  {
    operationId: 'getStaffingReport',
    method: 'get',
    path: '/v1/organizations/{organization_id}/reports/staffing',
    summary:
      'For each hour of the week: arrivals and handle time of the last weeks, the accepting agents needed to meet the queue target (Erlang C over chat slots), and those who were accepting (supervisors, admins).',
    tags: ['Reports'],
    query: StaffingQuery,
    responses: { 200: { description: 'The staffing estimate', schema: StaffingReport } },
  },
  {
    operationId: 'requestMetricsRebuild',
    method: 'post',
    path: '/v1/metrics/rebuild',
    summary: 'Drops the metrics tables and rebuilds them from the event store (installation admin).',
    tags: ['Rebuild'],
    responses: { 202: { description: 'The rebuild, asked for', schema: RebuildStatus } },
  },
  {
    operationId: 'getMetricsRebuild',
    method: 'get',
    path: '/v1/metrics/rebuild',
    summary: 'Progress of the last rebuild (installation admin).',
    tags: ['Rebuild'],
    responses: { 200: { description: 'The rebuild', schema: RebuildStatus } },
  },
  {
    operationId: 'listDeadLetters',
    method: 'get',
    path: '/v1/dead-letters',
    summary:
      'Events the outbox relay or a subscription parked, oldest first (installation admin; docs/dead-letters.md).',
    tags: ['Dead letters'],
    query: DeadLettersQuery,
    responses: { 200: { description: 'A page of dead letters', schema: DeadLetterList } },
  },
  {
    operationId: 'getDeadLetter',
    method: 'get',
    path: '/v1/dead-letters/{id}',
    summary: 'One dead letter with its stored event (data left out above 64 KiB) (installation admin).',
    tags: ['Dead letters'],
    responses: { 200: { description: 'The dead letter', schema: DeadLetterDetail } },
  },
  {
    operationId: 'replayDeadLetter',
    method: 'post',
    path: '/v1/dead-letters/{id}/replay',
    summary:
      'Asks the reader that parked the event to hand it on again, whatever its position; a replay that fails parks it again with the new error (installation admin).',
    tags: ['Dead letters'],
    responses: { 202: { description: 'The dead letter, replay_requested', schema: DeadLetterView } },
  },
  {
    operationId: 'discardDeadLetter',
    method: 'post',
    path: '/v1/dead-letters/{id}/discard',
    summary: 'Leaves the event as it is; the figure livedesk_dead_letters no longer counts it (installation admin).',
    tags: ['Dead letters'],
    responses: { 200: { description: 'The dead letter, discarded', schema: DeadLetterView } },
  },
  {
    operationId: 'getOpenApiDocument',
    method: 'get',
    path: '/v1/openapi.json',
    summary: 'This document.',
    tags: ['Meta'],
    authenticated: false,
    responses: { 200: { description: 'OpenAPI 3.1', schema: z.record(z.string(), z.unknown()) } },
  },
];
