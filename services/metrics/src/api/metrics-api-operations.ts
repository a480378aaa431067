import { z } from 'zod';
import type { ApiOperation } from '@livedesk/service-kit';
import { RebuildStatus } from './rebuild-schemas.js';
import { SlaPolicyList, SlaPolicyRequest, SlaPolicyWritten } from './sla-policy-schemas.js';

/** Every operation of the metrics service's HTTP API, for its OpenAPI document. */
export const metricsApiOperations: ApiOperation[] = [
  {
    method: 'get',
    path: '/v1/organizations/{organization_id}/sla_policies',
    summary: 'The SLA policies of the organization, in the order they are tried (supervisors, admins).',
    tags: ['SLA'],
    responses: { 200: { description: 'The policies', schema: SlaPolicyList } },
  },
  {
    method: 'put',
    path: '/v1/organizations/{organization_id}/sla_policies/{policy_id}',
    summary: 'Creates or changes a policy, for cycles starting from effective_from (default now); the same definition again stores nothing.',
    tags: ['SLA'],
    body: SlaPolicyRequest,
    responses: { 200: { description: 'The stored version', schema: SlaPolicyWritten } },
  },
  {
    method: 'delete',
    path: '/v1/organizations/{organization_id}/sla_policies/{policy_id}',
    summary: 'Removes a policy for cycles starting from now.',
    tags: ['SLA'],
    responses: { 200: { description: 'The stored version', schema: SlaPolicyWritten } },
  },
  {
    method: 'post',
    path: '/v1/metrics/rebuild',
    summary: 'Drops the metrics tables and rebuilds them from the event store (installation admin).',
    tags: ['Rebuild'],
    responses: { 202: { description: 'The rebuild, asked for', schema: RebuildStatus } },
  },
  {
    method: 'get',
    path: '/v1/metrics/rebuild',
    summary: 'Progress of the last rebuild (installation admin).',
    tags: ['Rebuild'],
    responses: { 200: { description: 'The rebuild', schema: RebuildStatus } },
  },
  {
    method: 'get',
    path: '/v1/openapi.json',
    summary: 'This document.',
    tags: ['Meta'],
    authenticated: false,
    responses: { 200: { description: 'OpenAPI 3.1', schema: z.record(z.string(), z.unknown()) } },
  },
];
