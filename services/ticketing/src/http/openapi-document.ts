import { z } from 'zod';
import {
  AttachmentRef,
  ChatFile,
  HttpErrorBody,
  ticketHttp,
  TicketEventView,
  TicketSummary,
} from '@livedesk/contracts';

/**
 * The OpenAPI 3.1 document of the ticketing HTTP API, generated from the zod schemas the
 * controllers parse requests with (zod 4's `z.toJSONSchema`; OpenAPI 3.1's schemas are JSON
 * Schema 2020-12, zod's default target), so the published contract is the enforced one.
 * Committed as docs/openapi/ticketing.json (`pnpm openapi`); served at `GET /openapi.json`,
 * `GET /v1/openapi.json` and, as a page, `GET /docs`.
 */
interface Route {
  /** Unique in the document (client generators name methods after it). */
  operationId: string;
  method: 'get' | 'post' | 'patch';
  path: string;
  summary: string;
  request?: string;
  /** A raw body of any allowed content type (attachment uploads). */
  rawBody?: boolean;
  query?: { name: string; required?: boolean; description: string }[];
  responses: Record<number, string | { description: string; binary: true }>;
  /** Whether `Authorization: Bearer` is required (default true; a signed download URL needs none). */
  authenticated?: boolean;
}

const SCHEMAS: Record<string, z.ZodType> = {
  TicketSummary,
  TicketEventView,
  AttachmentRef,
  ErrorBody: HttpErrorBody.extend({ error: HttpErrorBody.shape.error.extend({ reason: z.string().optional() }) }),
  CreateTicketRequest: ticketHttp.CreateTicketRequest,
  ReplyRequest: ticketHttp.ReplyRequest,
  NoteRequest: ticketHttp.NoteRequest,
  StatusRequest: ticketHttp.StatusRequest,
  AssignRequest: ticketHttp.AssignRequest,
  UpdateTicketRequest: ticketHttp.UpdateTicketRequest,
  TicketChangeResponse: ticketHttp.TicketChangeResponse,
  TicketListResponse: ticketHttp.TicketListResponse,
  TicketResponse: ticketHttp.TicketResponse,
  MailboxResponse: ticketHttp.MailboxResponse,
  ChatFile,
};

const ORG = '/v1/organizations/{organization_id}';
const TICKET = `${ORG}/tickets/{ticket_id}`;

const ROUTES: Route[] = [
  {
    operationId: 'listTickets',
    method: 'get',
    path: `${ORG}/tickets`,
    summary: 'Tickets most recently changed first; spam only when asked for by status.',
    query: [
      { name: 'status', description: 'open, pending, solved or spam; several comma-separated (default: all but spam)' },
      { name: 'assignee_id', description: 'the assigned agent' },
      { name: 'group_id', description: "the ticket's group" },
      { name: 'requester', description: "the requester's email (case-insensitive) or customer id" },
      { name: 'q', description: 'words of the subject, requester, replies and notes' },
      { name: 'cursor', description: 'next_cursor of the previous page' },
      { name: 'limit', description: '1 to 100 (default 25)' },
    ],
    responses: { 200: 'TicketListResponse' },
  },
  {
    operationId: 'createTicket',
    method: 'post',
    path: `${ORG}/tickets`,
    summary: 'Opens a ticket (source api). A repeat of client_id answers 200 with the same ticket.',
    request: 'CreateTicketRequest',
    responses: { 201: 'TicketChangeResponse', 200: 'TicketChangeResponse' },
  },
  {
    operationId: 'getTicket',
    method: 'get',
    path: TICKET,
    summary: `The ticket with a page of its history (every event, internal notes included), oldest first; while has_more, ask again with since_version = next_since_version. A page stops before ${ticketHttp.TICKET_PAGE_MAX_BYTES} bytes of events.`,
    query: [
      { name: 'since_version', description: 'events after this version (default 0: from the first)' },
      {
        name: 'limit',
        description: `1 to ${ticketHttp.TICKET_PAGE_MAX_EVENTS} events (default ${ticketHttp.TICKET_PAGE_DEFAULT_EVENTS})`,
      },
    ],
    responses: { 200: 'TicketResponse' },
  },
  {
    operationId: 'updateTicket',
    method: 'patch',
    path: TICKET,
    summary: 'Subject, priority, tags and files.',
    request: 'UpdateTicketRequest',
    responses: { 200: 'TicketChangeResponse' },
  },
  {
    operationId: 'replyToTicket',
    method: 'post',
    path: `${TICKET}/replies`,
    summary: 'A public reply, emailed to the requester; the ticket becomes pending unless status says otherwise.',
    request: 'ReplyRequest',
    responses: { 200: 'TicketChangeResponse' },
  },
  {
    operationId: 'addTicketNote',
    method: 'post',
    path: `${TICKET}/notes`,
    summary: 'An internal note: agents only, never shown to the requester, never emailed.',
    request: 'NoteRequest',
    responses: { 200: 'TicketChangeResponse' },
  },
  {
    operationId: 'setTicketStatus',
    method: 'post',
    path: `${TICKET}/status`,
    summary: 'Sets open, pending, solved or spam.',
    request: 'StatusRequest',
    responses: { 200: 'TicketChangeResponse' },
  },
  {
    operationId: 'assignTicket',
    method: 'post',
    path: `${TICKET}/assignment`,
    summary: 'Assigns to an agent and/or a group of the organization (null unassigns).',
    request: 'AssignRequest',
    responses: { 200: 'TicketChangeResponse' },
  },
  {
    operationId: 'uploadAttachment',
    method: 'post',
    path: `${ORG}/attachments`,
    summary:
      "Uploads a file (the body, with the file's Content-Type) for replies, notes and tickets; size limit and content-type allow list apply.",
    rawBody: true,
    query: [
      { name: 'name', required: true, description: 'the file name' },
      { name: 'client_id', required: true, description: 'idempotency key: the same again answers the same attachment' },
    ],
    responses: { 201: 'AttachmentRef' },
  },
  {
    operationId: 'downloadAttachment',
    method: 'get',
    path: `${ORG}/attachments/{attachment_id}`,
    summary: 'Downloads a file.',
    responses: { 200: { description: 'the file', binary: true } },
  },
  {
    operationId: 'uploadCustomerChatFile',
    method: 'post',
    path: '/v1/customer/files',
    summary:
      'A customer uploads a file into their chat (a customer token; the body is the file). Its type is read from its bytes; size limit and type allow list apply. A send_event then names it in attachments.',
    rawBody: true,
    query: [
      { name: 'name', required: true, description: 'the file name' },
      { name: 'chat_id', required: true, description: "the chat the file is for (the customer's own)" },
      { name: 'client_id', description: 'idempotency key: the same again answers the same file' },
    ],
    responses: { 201: 'ChatFile' },
  },
  {
    operationId: 'uploadAgentChatFile',
    method: 'post',
    path: '/v1/agent/files',
    summary:
      'An agent uploads a file into a chat it may read (an agent token; the body is the file); as the customer upload otherwise.',
    rawBody: true,
    query: [
      { name: 'name', required: true, description: 'the file name' },
      { name: 'chat_id', required: true, description: 'the chat the file is for' },
      { name: 'client_id', description: 'idempotency key: the same again answers the same file' },
    ],
    responses: { 201: 'ChatFile' },
  },
  {
    operationId: 'downloadChatFile',
    method: 'get',
    path: '/v1/files/{file_id}',
    summary:
      "Downloads a chat's file by the signed URL the server gave (`url` of an upload, of a message's attachment); 403 when altered (file_url_invalid) or expired (file_url_expired).",
    authenticated: false,
    query: [
      { name: 'expires', required: true, description: 'unix seconds after which the URL is refused' },
      { name: 'signature', required: true, description: 'the HMAC-SHA256 the server signed the URL with' },
    ],
    responses: { 200: { description: 'the file, as an attachment', binary: true } },
  },
  {
    operationId: 'getMailbox',
    method: 'get',
    path: `${ORG}/mailbox`,
    summary: "The organization's inbound email address (supervisors, admins, the installation admin).",
    responses: { 200: 'MailboxResponse' },
  },
];

const ERRORS: Record<number, string> = {
  400: 'validation: a malformed body or query (`reason` names the rule); every string refuses NUL (U+0000) and unpaired UTF-16 surrogates',
  401: 'authentication: no or a wrong token',
  403: "authorization: a token of another organization, or a customer's",
  404: "not_found: no such ticket in this organization (another organization's answers the same)",
  409: 'conflict: a rule of the ticket refused the request (e.g. ticket_is_spam)',
  503: 'unavailable: a service the request needs does not answer',
};

export function buildOpenApiDocument(): Record<string, unknown> {
  const registry = z.registry<{ id: string }>();
  for (const [id, schema] of Object.entries(SCHEMAS)) registry.add(schema, { id });
  const generated = z.toJSONSchema(registry, {
    uri: (id) => `#/components/schemas/${id}`,
    io: 'input',
    unrepresentable: 'any',
  });
  const schemas: Record<string, unknown> = {};
  for (const id of Object.keys(SCHEMAS)) {
    const { $schema: _dialect, $id: _id, ...rest } = generated.schemas[id] as Record<string, unknown>;
    schemas[id] = rest;
  }
  const ref = (id: string) => ({ $ref: `#/components/schemas/${id}` });
  const json = (id: string) => ({ content: { 'application/json': { schema: ref(id) } } });
  const paths: Record<string, Record<string, unknown>> = {};
  for (const route of ROUTES) {
    const pathParameters = [...route.path.matchAll(/\{(\w+)\}/g)].map((match) => ({
      name: match[1],
      in: 'path',
      required: true,
      schema: { type: 'string' },
    }));
    const responses: Record<string, unknown> = {};
    for (const [status, response] of Object.entries(route.responses)) {
      responses[status] =
        typeof response === 'string'
          ? { description: response, ...json(response) }
          : { description: response.description, content: { '*/*': { schema: { type: 'string', format: 'binary' } } } };
    }
    for (const [status, description] of Object.entries(ERRORS))
      responses[status] = { description, ...json('ErrorBody') };
    (paths[route.path] ??= {})[route.method] = {
      operationId: route.operationId,
      summary: route.summary,
      security: route.authenticated === false ? [] : [{ bearer: [] }],
      parameters: [
        ...pathParameters,
        ...(route.query ?? []).map((query) => ({
          name: query.name,
          in: 'query',
          required: query.required ?? false,
          description: query.description,
          schema: { type: 'string' },
        })),
      ],
      ...(route.request ? { requestBody: { required: true, ...json(route.request) } } : {}),
      ...(route.rawBody
        ? { requestBody: { required: true, content: { '*/*': { schema: { type: 'string', format: 'binary' } } } } }
        : {}),
      responses,
    };
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'livedesk ticketing API',
      version: '1',
      description:
        "Tickets of an organization, for agents and ops. Authorization: `Bearer <agent token>` (from the gateway's `POST /v1/agent/token`) of the organization, or the installation admin token. Errors answer `{error: {code, message, reason?}}`.",
    },
    servers: [{ url: 'http://localhost:8083', description: 'the ticketing service' }],
    paths,
    components: { schemas, securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } } },
  };
}
