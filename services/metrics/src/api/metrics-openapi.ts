import { buildOpenApiDocument } from '@livedesk/service-kit';
import { AgentsReport } from '../reports/agents-report.js';
import { DailySummary } from '../reports/daily-summary.js';
import { OverviewReport } from '../reports/overview-report.js';
import { StaffingReport } from '../reports/staffing-report.js';
import { DeadLetterDetail, DeadLetterList, DeadLetterView } from './dead-letter-schemas.js';
import { metricsApiOperations } from './metrics-api-operations.js';
import { RebuildStatus } from './rebuild-schemas.js';
import { SlaPolicyList, SlaPolicyRequest, SlaPolicyWritten } from './sla-policy-schemas.js';

/**
 * The metrics service's OpenAPI document (docs/openapi/metrics.json, `GET /openapi.json` and
 * `GET /v1/openapi.json`), generated from the schemas its controllers parse and answer with.
 */
export function metricsOpenApiDocument(): Record<string, unknown> {
  return buildOpenApiDocument(
    {
      title: 'livedesk metrics',
      version: '1',
      description:
        'Reports over the metrics tables (docs/metrics.md), SLA policies, the rebuild of the tables from the event store, and the dead letters (docs/dead-letters.md).',
    },
    metricsApiOperations,
    {
      servers: [{ url: 'http://localhost:8084', description: 'the metrics service' }],
      schemas: {
        OverviewReport,
        AgentsReport,
        DailySummary,
        StaffingReport,
        SlaPolicyList,
        SlaPolicyRequest,
        SlaPolicyWritten,
        RebuildStatus,
        DeadLetterList,
        DeadLetterDetail,
        DeadLetterView,
      },
    },
  );
}
