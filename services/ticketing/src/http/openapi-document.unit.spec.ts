import { describe, expect, it } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { controllerRoutes, openApiRoute, unresolvedRefs } from '@livedesk/service-kit';
import { AttachmentsController } from './attachments.controller.js';
import { ChatFilesController } from './chat-files.controller.js';
import { MailboxController } from './mailbox.controller.js';
import { buildOpenApiDocument } from './openapi-document.js';
import { TicketsController } from './tickets.controller.js';

const COMMITTED = fileURLToPath(new URL('../../../../docs/openapi/ticketing.json', import.meta.url));

const document = buildOpenApiDocument() as {
  openapi: string;
  paths: Record<string, Record<string, any>>;
  components: { schemas: Record<string, any> };
};

describe('the ticketing OpenAPI document', () => {
  it('is the committed docs/openapi/ticketing.json (run `pnpm openapi` after changing the API)', () => {
    expect(readFileSync(COMMITTED, 'utf8')).toBe(`${JSON.stringify(document, null, 2)}\n`);
  });

  it('gives every operation an operationId of its own', () => {
    const ids = Object.values(document.paths).flatMap((methods) =>
      Object.values(methods).map((operation) => operation.operationId as string),
    );
    expect(ids).toHaveLength(14);
    expect(new Set(ids).size).toBe(14);
    expect(document.paths['/v1/organizations/{organization_id}/tickets']!.post.operationId).toBe('createTicket');
  });

  it('lists every endpoint of the API with its methods', () => {
    expect(document.openapi).toBe('3.1.0');
    const operations = Object.entries(document.paths).flatMap(([path, methods]) =>
      Object.keys(methods).map((method) => `${method.toUpperCase()} ${path}`),
    );
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
        'POST /v1/customer/files',
        'POST /v1/agent/files',
        'GET /v1/files/{file_id}',
      ].sort(),
    );
  });

  it('documents every route of the API controllers (the documents themselves aside), and nothing else', () => {
    const documented = Object.entries(document.paths).flatMap(([path, methods]) =>
      Object.keys(methods).map((method) => openApiRoute(method, path)),
    );
    expect(documented.sort()).toEqual(
      controllerRoutes([TicketsController, AttachmentsController, ChatFilesController, MailboxController]).sort(),
    );
    // A signed download URL needs no token; every other route does.
    expect(document.paths['/v1/files/{file_id}']!.get.security).toEqual([]);
    expect(document.paths['/v1/agent/files']!.post.security).toEqual([{ bearer: [] }]);
  });

  it('describes request bodies from the zod schemas the API parses with, strict ones closed', () => {
    const reply = document.components.schemas.ReplyRequest;
    expect(reply.required).toEqual(['client_id', 'text']);
    expect(reply.additionalProperties).toBe(false);
    expect(reply.properties.status.enum).toEqual(['open', 'pending', 'solved']);
    expect(document.components.schemas.TicketSummary.properties.status.enum).toEqual([
      'open',
      'pending',
      'solved',
      'spam',
    ]);
  });

  it('resolves every $ref', () => {
    expect(unresolvedRefs(document)).toEqual([]);
  });
});
