import { Controller, Get } from '@nestjs/common';
import { buildOpenApiDocument } from '@livedesk/service-kit';
import { metricsApiOperations } from './metrics-api-operations.js';

/** `GET /v1/openapi.json`: the metrics service's HTTP API, generated from the schemas its controllers parse with. */
@Controller('v1/openapi.json')
export class OpenApiController {
  private readonly document = buildOpenApiDocument(
    {
      title: 'livedesk metrics',
      version: '1',
      description: 'Reports over the metrics tables (docs/metrics.md), SLA policies, the rebuild of the tables from the event store, and the dead letters (docs/dead-letters.md).',
    },
    metricsApiOperations,
  );

  @Get()
  get(): Record<string, unknown> {
    return this.document;
  }
}
