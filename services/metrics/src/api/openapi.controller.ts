import { Controller, Get } from '@nestjs/common';
import { metricsOpenApiDocument } from './metrics-openapi.js';

/**
 * `GET /v1/openapi.json`: the metrics service's HTTP API, generated from the schemas its
 * controllers parse with (also at `GET /openapi.json`, beside the `GET /docs` page).
 */
@Controller('v1/openapi.json')
export class OpenApiController {
  private readonly document = metricsOpenApiDocument();

  @Get()
  get(): Record<string, unknown> {
    return this.document;
  }
}
