import { Controller, Get, Header, type Type } from '@nestjs/common';
import { apiReference } from '@scalar/nestjs-api-reference';

/**
 * A controller that serves a service's OpenAPI document at `GET /openapi.json` and a reference
 * page over it at `GET /docs` (Scalar: the page loads its viewer script from the jsDelivr CDN,
 * the document from this service). Neither needs a token: the document is the public contract.
 */
export function openApiDocsController(title: string, buildDocument: () => Record<string, unknown>): Type<unknown> {
  const document = buildDocument();
  let page = '';
  // apiReference answers an Express response; the page depends on nothing of the request.
  (
    apiReference({ url: '/openapi.json', pageTitle: title }) as unknown as (
      req: unknown,
      res: { send(body: string): void },
    ) => void
  )(undefined, {
    send: (body) => (page = body),
  });

  @Controller()
  class OpenApiDocsController {
    @Get('openapi.json')
    openapi(): Record<string, unknown> {
      return document;
    }

    @Get('docs')
    @Header('Content-Type', 'text/html; charset=utf-8')
    docs(): string {
      return page;
    }
  }
  return OpenApiDocsController;
}
