import { describe, expect, it } from '@jest/globals';
import { buildOpenApiDocument } from './openapi-document.js';

const document = buildOpenApiDocument() as { openapi: string; paths: Record<string, Record<string, any>>; components: { schemas: Record<string, any> } };

function refs(node: unknown, found: string[] = []): string[] {
  if (Array.isArray(node)) for (const item of node) refs(item, found);
  else if (node && typeof node === 'object') {
    for (const [key, value] of Object.entries(node)) {
      if (key === '$ref' && typeof value === 'string') found.push(value);
      else refs(value, found);
    }
  }
  return found;
}

describe('the ticketing OpenAPI document', () => {
  it('lists every endpoint of the API with its methods', () => {
    expect(document.openapi).toBe('3.1.0');
    const operations = Object.entries(document.paths).flatMap(([path, methods]) => Object.keys(methods).map((method) => `${method.toUpperCase()} ${path}`));
    expect(operations.sort()).toEqual(
      [
        'GET /v1/organizations/{organization_id}/tickets',
        'POST /v1/organizations/{organization_id}/tickets',
        'GET /v1/organizations/{organization_id}/tickets/{ticket_id}',
        'PATCH /v1/organizations/{organization_id}/tickets/{ticket_id}',
        'POST /v1/organizations/{organization_id}/tickets/{ticket_id}/replies',
        'POST /v1/organizations/{organization_id}/tickets/{ticket_id}/notes',
        'POST /v1/organizations/{organization_id}/tickets/{ticket_id}/status',
        'POST /v1/organizations/{organization_id}/tickets/{ticket_id}/assignment',
        'POST /v1/organizations/{organization_id}/attachments',
        'GET /v1/organizations/{organization_id}/attachments/{attachment_id}',
        'GET /v1/organizations/{organization_id}/mailbox',
      ].sort(),
    );
  });

  it('describes request bodies from the zod schemas the API parses with, strict ones closed', () => {
    const reply = document.components.schemas.ReplyRequest;
    expect(reply.required).toEqual(['client_id', 'text']);
    expect(reply.additionalProperties).toBe(false);
    expect(reply.properties.status.enum).toEqual(['open', 'pending', 'solved']);
    expect(document.components.schemas.TicketSummary.properties.status.enum).toEqual(['open', 'pending', 'solved', 'spam']);
  });

  it('resolves every $ref', () => {
    const missing = refs(document).filter((ref) => !document.components.schemas[ref.replace('#/components/schemas/', '')]);
    expect(missing).toEqual([]);
  });
});
