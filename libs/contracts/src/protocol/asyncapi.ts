import { Author, AttachmentRef, Timestamp } from '../common.js';
import { AttachmentView, ChatFile } from '../files/chat-files.js';
import {
  CHAT_PAGE_DEFAULT_EVENTS,
  CHAT_PAGE_MAX_BYTES,
  CHAT_PAGE_MAX_EVENTS,
  ChatEventView,
  ChatSummary,
} from '../conversation/chat-view.js';
import { MAX_GOAL_VALUE, MESSAGE_TEXT_MAX_CHARS } from '../conversation/events.js';
import { TRANSCRIPT_EXCERPT_MAX_BYTES, TRANSCRIPT_EXCERPT_MAX_MESSAGES } from '../ticket/events.js';
import { TicketSummary } from '../ticket/ticket-view.js';
import { agentActions, customerActions, MessageEvent, type ActionContract } from './actions.js';
import { ErrorResponseFrame, pushFrameOf, requestFrameOf, responseFrameOf } from './asyncapi-frames.js';
import {
  mergeSchemas,
  SCHEMA_REF_PREFIX,
  toJsonSchemas,
  type JsonSchema,
  type NamedSchema,
} from './asyncapi-schemas.js';
import { ErrorCode, ProtocolError } from './errors.js';
import { RequestId } from './frames.js';
import {
  AgentTokenRequest,
  CreateAgentRequest,
  CreateAgentResponse,
  CreateGroupRequest,
  CreateGroupResponse,
  CreateOrganizationRequest,
  CreateOrganizationResponse,
  CustomerTokenRequest,
  HttpErrorBody,
  TokenResponse,
  UpdateAgentRequest,
  UpdateOrganizationRequest,
  TagListResponse,
  TagRequest,
  OrganizationSettings,
  WidgetSettings,
  UpdateAgentResponse,
} from './http.js';
import { pushes, type PushAction } from './pushes.js';

/**
 * The AsyncAPI 3.0 document of the real-time protocol (docs/protocol.md), generated from the zod
 * schemas the gateway parses frames with, so that the published contract is the enforced one.
 * `docs/asyncapi.json` is this document (`pnpm asyncapi` rewrites it; a unit test fails when it
 * is stale) and the gateway serves it at `GET /v1/asyncapi.json`.
 *
 * Direction: an AsyncAPI 3 document describes one application, and its operations say what
 * *that application* does (AsyncAPI 2's inverted publish/subscribe is gone; see "Operation
 * Object" in the 3.0.0 specification). This document describes the gateway, the server that
 * serves it, so a client request is an operation the gateway `receive`s, with the response and
 * the error response as its `reply` (AsyncAPI 3's request/reply, correlated by `request_id`),
 * and a push is an operation the gateway `send`s. A client's code generator reads it from the
 * other side (`asyncapi generate … --perspective client` or the like).
 */

type Side = 'customer' | 'agent';

const SIDES: Record<
  Side,
  { channel: string; address: string; actions: Record<string, ActionContract>; title: string; description: string }
> = {
  customer: {
    channel: 'customerRtm',
    address: '/v1/customer/rtm',
    actions: customerActions,
    title: 'Customer connection',
    description: 'Website visitors and app users. Log in with a token of `POST /v1/customer/token`.',
  },
  agent: {
    channel: 'agentRtm',
    address: '/v1/agent/rtm',
    actions: agentActions,
    title: 'Agent connection',
    description:
      'Agents, supervisors and bots (a bot is an agent account of kind `bot`). Log in with a token of `POST /v1/agent/token`.',
  },
};

const ERROR_MESSAGE = 'error';

const DESCRIPTION = `The public WebSocket contract of the livedesk gateway, generated from \`libs/contracts\` (do not edit \`docs/asyncapi.json\` by hand: run \`pnpm asyncapi\`).

**Frames.** JSON text frames. A request \`{request_id, action, payload}\` gets exactly one response \`{request_id, action, type: "response", success, payload}\`, matched by \`request_id\`. What the server starts on its own is a push \`{action, type: "push", payload}\`.

**Login first.** The first request on a connection is \`login\` with \`{token}\`; any other request before it answers an \`authentication\` error.

**Errors.** A failed response has \`success: false\` and \`payload.error\` = \`{code, message, reason?, retry_after_ms?}\`; \`code\` is one of ${ErrorCode.options.map((code) => `\`${code}\``).join(', ')} (\`rate_limited\` with \`retry_after_ms\`; \`unavailable\`, reason \`dependency_unavailable\`, with \`retry_after_ms\` when a service the request needs, or the message bus itself, does not answer: try the same request again after that long; see docs/nats-outages.md; \`unavailable\` with reason \`offline\` and no \`retry_after_ms\` is \`start_chat\` outside the organization's business hours: offer \`leave_message\`; \`unavailable\` with reason \`overloaded\` and \`retry_after_ms\` is \`send_event\` or \`start_chat\` refused by an overloaded gateway, nothing done: send it again after that long, see docs/limits.md). A frame that is not JSON gets an error response with \`request_id: null\`; an oversized frame may instead close the socket with code 1009. The connection otherwise stays up.

**Idempotent client ids.** \`send_event\` carries \`event.client_id\`: a repeat of a client id answers with the event already stored instead of storing it twice, so a client may retry after a timeout or a reconnect.

**Resume.** Every push about a chat carries its \`chat_id\` and the stream \`version\` of the event behind it. A client that reconnects calls \`get_chat\` with \`since_version\` = the last version it saw and receives every event it missed, page by page: while a page answers \`has_more: true\`, it asks again with \`since_version\` = the page's \`next_since_version\`. On one connection a chat's pushes come in version order without gaps: when the gateway finds versions missing from what it is about to push (an event delayed or lost between the store and the gateway), it fetches them from the store and pushes them first, so a client never silently misses one; a version is pushed once, though an event the client sent itself may come back as a push after an outage (the version tells it is the same).

**Limits** (docs/limits.md in the repository lists them all). Every string of every payload refuses NUL (U+0000) and unpaired UTF-16 surrogates with a \`validation\` error, since the store cannot keep them. A message's text is at most ${MESSAGE_TEXT_MAX_CHARS} characters; \`report_goal\`'s \`value\` is finite, at most ${MAX_GOAL_VALUE}. A \`get_chat\` page holds at most \`limit\` events (default ${CHAT_PAGE_DEFAULT_EVENTS}, at most ${CHAT_PAGE_MAX_EVENTS}) and stops before ${CHAT_PAGE_MAX_BYTES} bytes of events (always holding at least one), so a reply stays far under the transport's 1 MiB. A ticket made from a chat keeps the newest ${TRANSCRIPT_EXCERPT_MAX_MESSAGES} messages within ${TRANSCRIPT_EXCERPT_MAX_BYTES} bytes of the chat's transcript, with \`transcript_truncated\` and the chat's \`conversation_id\` and \`chat_version\` to read the rest with \`get_chat\`.

**Compatibility.** Request payloads are strict: an unknown field is a \`validation\` error. Responses and pushes may gain fields within version 1; clients ignore the fields they do not know.

**Direction.** This document describes the gateway: a request is an operation the gateway receives (its reply is the response or the error response), a push is an operation the gateway sends.

**HTTP on the same host** (bodies under \`components.schemas\`, \`http.*\`; errors answer \`http.ErrorBody\`):
- \`POST /v1/customer/token\` {organization_id, identity?} → {token, expires_at}: an anonymous or signed-identity customer.
- \`POST /v1/agent/token\` {email, password} or {api_key} → {token, expires_at}; a wrong password answers 401, a disabled agent 403. Wrong passwords are throttled per account and per client address with a growing lockout, and customer tokens per client address: a throttled request answers 429 \`rate_limited\` with \`Retry-After\` (docs/security.md).
- \`POST /v1/organizations\` {name, time_zone?} → {organization_id, identity_secret, default_group_id}, with the installation admin token (\`Authorization: Bearer <LIVEDESK_ADMIN_TOKEN>\`).
- \`POST /v1/organizations/:id/agents\` {email, name, password, role, kind?, max_chats?, groups?} → {agent_id, api_key}, with the admin token or an admin agent's token of that organization.
- \`POST /v1/organizations/:id/groups\` {name, routing?} → {group_id}, likewise.
- \`PATCH /v1/organizations/:id/agents/:agent_id\` {disabled} → {agent_id, disabled}, likewise: a disabled agent's tokens are refused by every API at once and its sockets are closed (4003 \`agent disabled\`).
- \`GET /v1/organizations/:id\` → {organization_id, name, time_zone, default_group_id, allowed_origins, created_at}, and \`PATCH /v1/organizations/:id\` {name?, allowed_origins?} → the same, likewise (another organization's id answers 404 to an organization admin too). \`allowed_origins\` holds up to 50 origins \`scheme://host[:port]\` (http or https, no path), stored lowercase without the default port.
- \`GET|POST /v1/organizations/:id/tags\` {name} and \`DELETE /v1/organizations/:id/tags/:name\` (or \`DELETE …/tags\` {name}), likewise: the organization's tag list, the only tags \`tag_chat\` accepts (a name already listed answers 409 \`tag_exists\`, an unlisted one 404 \`tag_not_found\`). Every change is an event of the organization's stream.
- \`POST /v1/customer/files?name=&chat_id=&client_id?\` (a customer token) and \`POST /v1/agent/files?name=&chat_id=&client_id?\` (an agent token), the raw file as the body → 201 \`http.ChatFile\` {file_id, name, content_type, size, width?, height?, url}: a file uploaded into a chat the caller may read (another's chat answers 404). Its type is read from its bytes, never from the request's headers; files over the size limit (400 \`attachment_too_large\`) or of a type the installation does not accept (400 \`attachment_type_not_allowed\`) are refused. A \`send_event\` names it in \`event.attachments\` (file ids): only the uploader's own files of that chat (any other answers \`not_found\` / \`file_not_found\`).
- \`GET /v1/files/:file_id?expires=&signature=\`: a file's download, by a URL the server signed (\`url\` of an upload and of each attachment in pushes and \`get_chat\`, fresh at each read, valid \`FILE_URL_TTL_SECONDS\`, an hour by default); a URL forged or altered answers 403 \`file_url_invalid\`, an expired one 403 \`file_url_expired\`.
- \`GET /v1/asyncapi.json\`: this document.

**Origins** (docs/security.md). A browser's request carries \`Origin\`; a client that sends none (an app, a bot, a server) is not checked. \`POST /v1/customer/token\` from an origin the organization does not list in \`allowed_origins\` answers 403 with reason \`origin_not_allowed\`; CORS headers (and the preflight) are answered only for origins that some organization of the installation lists. On \`/v1/customer/rtm\`, a \`login\` whose token's organization does not list the socket's \`Origin\` answers an \`authorization\` error with reason \`origin_not_allowed\`, then the socket is closed with code 4403 \`origin not allowed\` (as are the open sockets of an origin a PATCH removes). \`POST /v1/agent/token\` and \`/v1/agent/rtm\` accept the gateway's own origin and the installation's desk origins (\`DESK_ORIGINS\`); another origin answers 403 \`origin_not_allowed\` (the socket's upgrade is refused with HTTP 403).

**Tags and bans.** Agents who see a chat (its assigned agent and supervisors) get \`chat_tagged\` and \`chat_untagged\` when a tag is put on or taken off it; chat summaries carry \`tags\` for agents only, and customers never see tags. \`ban_customer\` (supervisors and admins) closes the customer's open sockets with code 4004 \`customer banned\`; until the ban ends the customer's \`POST /v1/customer/token\` answers 403 and \`login\` and \`start_chat\` answer \`authorization\`, both with reason \`banned\`.

**Tickets.** \`create_ticket\` opens a ticket from a chat; agents get \`ticket_created\` and \`ticket_updated\`, a customer \`ticket_reply\` when an agent answers one of their tickets in public (internal notes never reach customers). Tickets are worked over the ticketing service's own HTTP API (port 8083 by default: list and filter, read with the history page by page, reply, note, status, assignment, attachments), described by its OpenAPI document at \`GET /v1/openapi.json\` of that service; inbound email reaches it over SMTP (port 2525 by default).`;

/** Schemas named once and referenced wherever they are used. */
const SHARED_CLIENT_SCHEMAS: NamedSchema[] = [
  { id: 'RequestId', schema: RequestId },
  { id: 'MessageEvent', schema: MessageEvent },
];
const SHARED_SERVER_SCHEMAS: NamedSchema[] = [
  { id: 'RequestId', schema: RequestId },
  { id: 'Timestamp', schema: Timestamp },
  { id: 'Author', schema: Author },
  { id: 'ChatSummary', schema: ChatSummary },
  { id: 'TicketSummary', schema: TicketSummary },
  { id: 'ChatEventView', schema: ChatEventView },
  { id: 'AttachmentRef', schema: AttachmentRef },
  { id: 'AttachmentView', schema: AttachmentView },
  { id: 'ProtocolError', schema: ProtocolError },
];
const HTTP_CLIENT_SCHEMAS: NamedSchema[] = [
  { id: 'http.CustomerTokenRequest', schema: CustomerTokenRequest },
  { id: 'http.AgentTokenRequest', schema: AgentTokenRequest },
  { id: 'http.CreateOrganizationRequest', schema: CreateOrganizationRequest },
  { id: 'http.CreateAgentRequest', schema: CreateAgentRequest },
  { id: 'http.CreateGroupRequest', schema: CreateGroupRequest },
  { id: 'http.UpdateAgentRequest', schema: UpdateAgentRequest },
  { id: 'http.UpdateOrganizationRequest', schema: UpdateOrganizationRequest },
  { id: 'http.TagRequest', schema: TagRequest },
];
const HTTP_SERVER_SCHEMAS: NamedSchema[] = [
  { id: 'http.TokenResponse', schema: TokenResponse },
  { id: 'http.CreateOrganizationResponse', schema: CreateOrganizationResponse },
  { id: 'http.CreateAgentResponse', schema: CreateAgentResponse },
  { id: 'http.CreateGroupResponse', schema: CreateGroupResponse },
  { id: 'http.UpdateAgentResponse', schema: UpdateAgentResponse },
  { id: 'http.OrganizationSettings', schema: OrganizationSettings },
  { id: 'http.WidgetSettings', schema: WidgetSettings },
  { id: 'http.TagListResponse', schema: TagListResponse },
  { id: 'http.ChatFile', schema: ChatFile },
  { id: 'http.ErrorBody', schema: HttpErrorBody },
];

const requestKey = (side: Side, action: string) => `${side}.${action}.request`;
const responseKey = (side: Side, action: string) => `${side}.${action}.response`;
const pushKey = (push: string) => `push.${push}`;
const ref = (pointer: string) => ({ $ref: pointer });
/** A JSON Pointer token: `~` and `/` are escaped (RFC 6901). */
const pointerToken = (key: string) => key.replace(/~/g, '~0').replace(/\//g, '~1');

function pushSides(push: PushAction): Side[] {
  const to = pushes[push].to;
  return to === 'both' ? ['customer', 'agent'] : [to];
}

const pushNames = Object.keys(pushes) as PushAction[];

/** The JSON Schemas of every frame, both ways, plus the HTTP bodies. */
function componentSchemas(): Record<string, JsonSchema> {
  const clientFrames: NamedSchema[] = [];
  const serverFrames: NamedSchema[] = [{ id: ERROR_MESSAGE, schema: ErrorResponseFrame }];
  for (const side of Object.keys(SIDES) as Side[]) {
    for (const [action, contract] of Object.entries(SIDES[side].actions)) {
      clientFrames.push({ id: requestKey(side, action), schema: requestFrameOf(action, contract.request) });
      serverFrames.push({ id: responseKey(side, action), schema: responseFrameOf(action, contract.response) });
    }
  }
  for (const push of pushNames) {
    serverFrames.push({ id: pushKey(push), schema: pushFrameOf(push, pushes[push].payload) });
  }
  return mergeSchemas(
    toJsonSchemas([...SHARED_CLIENT_SCHEMAS, ...HTTP_CLIENT_SCHEMAS, ...clientFrames], 'client_to_server'),
    toJsonSchemas([...SHARED_SERVER_SCHEMAS, ...HTTP_SERVER_SCHEMAS, ...serverFrames], 'server_to_client'),
  );
}

const correlation = {
  description: 'A response echoes the request_id of its request.',
  location: '$message.payload#/request_id',
};

function componentMessages(): Record<string, Record<string, unknown>> {
  const messages: Record<string, Record<string, unknown>> = {
    [ERROR_MESSAGE]: {
      name: 'error',
      title: 'Error response',
      summary:
        'The failed response to any request: success false and payload.error {code, message, reason?, retry_after_ms?}.',
      description: 'request_id and action are null when the frame could not be read (not JSON, or no request id).',
      payload: ref(`${SCHEMA_REF_PREFIX}${ERROR_MESSAGE}`),
      correlationId: correlation,
    },
  };
  for (const side of Object.keys(SIDES) as Side[]) {
    for (const [action, contract] of Object.entries(SIDES[side].actions)) {
      messages[requestKey(side, action)] = {
        name: action,
        title: `${action} request (${side})`,
        summary: contract.summary,
        payload: ref(`${SCHEMA_REF_PREFIX}${requestKey(side, action)}`),
        correlationId: correlation,
      };
      messages[responseKey(side, action)] = {
        name: action,
        title: `${action} response (${side})`,
        summary: `The successful response to ${action}.`,
        payload: ref(`${SCHEMA_REF_PREFIX}${responseKey(side, action)}`),
        correlationId: correlation,
      };
    }
  }
  for (const push of pushNames) {
    messages[pushKey(push)] = {
      name: push,
      title: `${push} push`,
      summary: pushes[push].summary,
      description: `Sent to ${pushSides(push)
        .map((side) => `${side}s`)
        .join(' and ')}.`,
      payload: ref(`${SCHEMA_REF_PREFIX}${pushKey(push)}`),
    };
  }
  return messages;
}

/** The messages of one channel, in docs/protocol.md's order: each action's request and response, the error, the pushes. */
function channelMessages(side: Side): Record<string, { $ref: string }> {
  const messages: Record<string, { $ref: string }> = {};
  for (const action of Object.keys(SIDES[side].actions)) {
    messages[requestKey(side, action)] = ref(`#/components/messages/${pointerToken(requestKey(side, action))}`);
    messages[responseKey(side, action)] = ref(`#/components/messages/${pointerToken(responseKey(side, action))}`);
  }
  messages[ERROR_MESSAGE] = ref(`#/components/messages/${ERROR_MESSAGE}`);
  for (const push of pushNames) {
    if (pushSides(push).includes(side))
      messages[pushKey(push)] = ref(`#/components/messages/${pointerToken(pushKey(push))}`);
  }
  return messages;
}

function operations(): Record<string, Record<string, unknown>> {
  const result: Record<string, Record<string, unknown>> = {};
  for (const side of Object.keys(SIDES) as Side[]) {
    const { channel, actions } = SIDES[side];
    const channelRef = ref(`#/channels/${channel}`);
    const message = (key: string) => ref(`#/channels/${channel}/messages/${pointerToken(key)}`);
    for (const [action, contract] of Object.entries(actions)) {
      result[`${side}.${action}`] = {
        action: 'receive',
        channel: channelRef,
        title: `${action} (${side})`,
        summary: contract.summary,
        messages: [message(requestKey(side, action))],
        reply: { channel: channelRef, messages: [message(responseKey(side, action)), message(ERROR_MESSAGE)] },
      };
    }
    for (const push of pushNames) {
      if (!pushSides(push).includes(side)) continue;
      result[`${side}.push.${push}`] = {
        action: 'send',
        channel: channelRef,
        title: `${push} push (${side})`,
        summary: pushes[push].summary,
        messages: [message(pushKey(push))],
      };
    }
  }
  return result;
}

/** Lookup tables (components) in alphabetical order; channels and operations follow docs/protocol.md. */
function sortedByKey<T>(record: Record<string, T>): Record<string, T> {
  return Object.fromEntries(Object.entries(record).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

export function buildAsyncApiDocument(): Record<string, unknown> {
  const channels: Record<string, unknown> = {};
  for (const side of Object.keys(SIDES) as Side[]) {
    const { channel, address, title, description } = SIDES[side];
    channels[channel] = { address, title, description, messages: channelMessages(side) };
  }
  return {
    asyncapi: '3.0.0',
    info: {
      title: 'livedesk real-time protocol',
      version: '1',
      description: DESCRIPTION,
    },
    defaultContentType: 'application/json',
    servers: {
      local: {
        host: 'localhost:8080',
        protocol: 'ws',
        title: 'A gateway on a developer machine',
        description: 'The gateway of `docker compose up` or `pnpm start`. Production serves the same paths over wss.',
      },
    },
    channels,
    operations: operations(),
    components: {
      messages: sortedByKey(componentMessages()),
      schemas: sortedByKey(componentSchemas()),
    },
  };
}

/** The text of `docs/asyncapi.json`: two-space indentation and a final newline. */
export function serializeAsyncApiDocument(document: Record<string, unknown> = buildAsyncApiDocument()): string {
  return `${JSON.stringify(document, null, 2)}\n`;
}
