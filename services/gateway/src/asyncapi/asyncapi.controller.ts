import { Controller, Get, Header } from '@nestjs/common';
import { buildAsyncApiDocument } from '@livedesk/contracts';

/**
 * Serves the AsyncAPI document of the real-time protocol, the same text as the committed
 * docs/asyncapi.json (both come from `buildAsyncApiDocument`). Built once per process: the
 * contracts do not change while the gateway runs, and a JSON Schema conversion of every frame
 * is not free.
 */
@Controller()
export class AsyncApiController {
  private readonly document = buildAsyncApiDocument();

  @Get('v1/asyncapi.json')
  @Header('Cache-Control', 'public, max-age=300')
  asyncApiDocument(): Record<string, unknown> {
    return this.document;
  }
}
