import { Controller, Get } from '@nestjs/common';
import { buildOpenApiDocument } from './openapi-document.js';

/** `GET /v1/openapi.json`: the ticketing API's OpenAPI document (no token needed: it is the public contract). */
@Controller('v1')
export class OpenApiController {
  private readonly document = buildOpenApiDocument();

  @Get('openapi.json')
  openapi(): Record<string, unknown> {
    return this.document;
  }
}
