import { Body, Controller, Get, Headers, HttpCode, Param, Patch, Post, Query, Res } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import type { HttpResponse as Response } from './http-types.js';
import { ticketHttp, type TicketStatus } from '@livedesk/contracts';
import { ApiCallers, type ApiCaller } from '@livedesk/auth';
import { ApiError, parseBody, parseOrRefuse } from '@livedesk/service-kit';
import { derivedId } from '../application/command-ids.js';
import { DirectoryCheck } from '../application/directory-check.js';
import { TicketCommands, type TicketOutcome } from '../application/ticket-commands.service.js';
import { TicketQueries } from '../application/ticket-queries.service.js';
import { Attachments } from '../attachments/attachments.js';
import { ticketReference, type TicketCommand } from '../domain/index.js';
import { apiActor, callerKey } from './api-actor.js';

/**
 * The tickets of an organization over HTTP, for agents and ops (OpenAPI: `GET /v1/openapi.json`).
 * Who may: the organization's agents and the installation admin (`ApiCallers.requireAgentOf`);
 * another organization's ticket answers 404 like a missing one. Writes are idempotent: creating,
 * replying and noting take a `client_id`, and the rest changes nothing when repeated.
 */
@Controller('v1/organizations/:organizationId')
export class TicketsController {
  constructor(
    private readonly callers: ApiCallers,
    private readonly commands: TicketCommands,
    private readonly queries: TicketQueries,
    private readonly attachments: Attachments,
    private readonly directory: DirectoryCheck,
  ) {}

  @Get('tickets')
  async list(
    @Param('organizationId') organizationId: string,
    @Headers('authorization') authorization: string | undefined,
    @Query() query: Record<string, unknown>,
  ) {
    await this.callers.requireAgentOf(authorization, organizationId);
    const status = typeof query.status === 'string' ? query.status.split(',') : query.status;
    const parsed = parseOrRefuse(
      ticketHttp.TicketListQuery,
      { ...query, ...(status === undefined ? {} : { status }) },
      'query',
    );
    const statuses = parsed.status === undefined ? undefined : ([] as TicketStatus[]).concat(parsed.status);
    return this.queries.list({
      organizationId,
      ...(statuses ? { statuses } : {}),
      ...(parsed.assignee_id ? { assigneeId: parsed.assignee_id } : {}),
      ...(parsed.group_id ? { groupId: parsed.group_id } : {}),
      ...(parsed.requester ? { requester: parsed.requester } : {}),
      ...(parsed.q ? { text: parsed.q } : {}),
      ...(parsed.cursor ? { cursor: parsed.cursor } : {}),
      limit: parsed.limit ?? 25,
    });
  }

  @Post('tickets')
  async create(
    @Param('organizationId') organizationId: string,
    @Headers('authorization') authorization: string | undefined,
    @Body() body: unknown,
    @Res({ passthrough: true }) response: Response,
  ) {
    const caller = await this.callers.requireAgentOf(authorization, organizationId);
    const request = parseBody(ticketHttp.CreateTicketRequest, body);
    if (request.group_id)
      await this.directory.requireMembers(organizationId, { agentIds: [], groupIds: [request.group_id!] });
    const ticketId = derivedId('api-ticket', organizationId, callerKey(caller), request.client_id);
    const files = await this.refs(organizationId, request.message?.attachment_ids);
    const outcome = await this.execute(caller, organizationId, ticketId, derivedId('api-create', ticketId), {
      type: 'create',
      actor: apiActor(caller),
      ticketId,
      reference: ticketReference(ticketId),
      source: 'api',
      requester: request.requester,
      subject: request.subject,
      ...(request.group_id ? { groupId: request.group_id } : {}),
      ...(request.priority ? { priority: request.priority } : {}),
      ...(request.tags ? { tags: request.tags } : {}),
      ...(request.message
        ? {
            firstMessage: {
              replyId: derivedId('api-first-message', ticketId),
              text: request.message.text,
              via: 'api',
              attachments: files,
            },
          }
        : {}),
    });
    // A repeat of the client id answers the ticket the first request created.
    response.status(outcome.duplicate ? 200 : 201);
    return this.answer(organizationId, ticketId, outcome);
  }

  @Get('tickets/:ticketId')
  async get(
    @Param('organizationId') organizationId: string,
    @Param('ticketId') ticketId: string,
    @Headers('authorization') authorization: string | undefined,
    @Query() query: Record<string, unknown>,
  ) {
    await this.callers.requireAgentOf(authorization, organizationId);
    const page = parseOrRefuse(ticketHttp.TicketHistoryQuery, query, 'query');
    return this.queries.get(organizationId, ticketId, {
      ...(page.since_version === undefined ? {} : { sinceVersion: page.since_version }),
      ...(page.limit === undefined ? {} : { limit: page.limit }),
    });
  }

  @Post('tickets/:ticketId/replies')
  @HttpCode(200)
  async reply(
    @Param('organizationId') organizationId: string,
    @Param('ticketId') ticketId: string,
    @Headers('authorization') authorization: string | undefined,
    @Body() body: unknown,
  ) {
    const caller = await this.callers.requireAgentOf(authorization, organizationId);
    const request = parseBody(ticketHttp.ReplyRequest, body);
    const files = await this.refs(organizationId, request.attachment_ids);
    const key = derivedId('api-reply', ticketId, callerKey(caller), request.client_id);
    const outcome = await this.execute(caller, organizationId, ticketId, key, {
      type: 'reply',
      actor: apiActor(caller),
      replyId: key,
      text: request.text,
      via: 'api',
      attachments: files,
      clientId: request.client_id,
      ...(request.status ? { status: request.status } : {}),
    });
    return this.answer(organizationId, ticketId, outcome);
  }

  @Post('tickets/:ticketId/notes')
  @HttpCode(200)
  async note(
    @Param('organizationId') organizationId: string,
    @Param('ticketId') ticketId: string,
    @Headers('authorization') authorization: string | undefined,
    @Body() body: unknown,
  ) {
    const caller = await this.callers.requireAgentOf(authorization, organizationId);
    const request = parseBody(ticketHttp.NoteRequest, body);
    const files = await this.refs(organizationId, request.attachment_ids);
    const key = derivedId('api-note', ticketId, callerKey(caller), request.client_id);
    const outcome = await this.execute(caller, organizationId, ticketId, key, {
      type: 'add_note',
      actor: apiActor(caller),
      noteId: key,
      text: request.text,
      attachments: files,
      clientId: request.client_id,
    });
    return this.answer(organizationId, ticketId, outcome);
  }

  @Post('tickets/:ticketId/status')
  @HttpCode(200)
  async status(
    @Param('organizationId') organizationId: string,
    @Param('ticketId') ticketId: string,
    @Headers('authorization') authorization: string | undefined,
    @Body() body: unknown,
  ) {
    const caller = await this.callers.requireAgentOf(authorization, organizationId);
    const request = parseBody(ticketHttp.StatusRequest, body);
    const outcome = await this.execute(caller, organizationId, ticketId, randomUUID(), {
      type: 'set_status',
      actor: apiActor(caller),
      status: request.status,
    });
    return this.answer(organizationId, ticketId, outcome);
  }

  @Post('tickets/:ticketId/assignment')
  @HttpCode(200)
  async assign(
    @Param('organizationId') organizationId: string,
    @Param('ticketId') ticketId: string,
    @Headers('authorization') authorization: string | undefined,
    @Body() body: unknown,
  ) {
    const caller = await this.callers.requireAgentOf(authorization, organizationId);
    const request = parseBody(ticketHttp.AssignRequest, body);
    // The ticket first: another organization's ticket answers 404 before its ids are looked up.
    await this.commands.load(organizationId, ticketId);
    await this.directory.requireMembers(organizationId, {
      agentIds: request.agent_id ? [request.agent_id] : [],
      groupIds: request.group_id ? [request.group_id] : [],
    });
    const outcome = await this.execute(caller, organizationId, ticketId, randomUUID(), {
      type: 'assign',
      actor: apiActor(caller),
      ...(request.agent_id === undefined ? {} : { agentId: request.agent_id }),
      ...(request.group_id === undefined ? {} : { groupId: request.group_id }),
    });
    return this.answer(organizationId, ticketId, outcome);
  }

  /** Subject, priority, tags and files, each a change of its own (and none when already so). */
  @Patch('tickets/:ticketId')
  async update(
    @Param('organizationId') organizationId: string,
    @Param('ticketId') ticketId: string,
    @Headers('authorization') authorization: string | undefined,
    @Body() body: unknown,
  ) {
    const caller = await this.callers.requireAgentOf(authorization, organizationId);
    const request = parseBody(ticketHttp.UpdateTicketRequest, body);
    const actor = apiActor(caller);
    const commands: TicketCommand[] = [
      ...(request.subject ? [{ type: 'retitle', actor, subject: request.subject } as const] : []),
      ...(request.priority ? [{ type: 'set_priority', actor, priority: request.priority } as const] : []),
      ...(request.add_tags || request.remove_tags
        ? [{ type: 'change_tags', actor, add: request.add_tags ?? [], remove: request.remove_tags ?? [] } as const]
        : []),
      ...(request.attachment_ids
        ? [
            {
              type: 'add_attachments',
              actor,
              attachments: await this.refs(organizationId, request.attachment_ids),
            } as const,
          ]
        : []),
    ];
    let outcome: TicketOutcome = {
      ticket: await this.commands.load(organizationId, ticketId),
      duplicate: true,
      events: [],
    };
    let changed = false;
    for (const command of commands) {
      outcome = await this.execute(caller, organizationId, ticketId, randomUUID(), command);
      changed ||= !outcome.duplicate;
    }
    return this.answer(organizationId, ticketId, { ...outcome, duplicate: !changed });
  }

  private async execute(
    caller: ApiCaller,
    organizationId: string,
    ticketId: string,
    commandId: string,
    command: TicketCommand,
  ): Promise<TicketOutcome> {
    return this.commands.execute(ticketId, command, {
      organizationId,
      commandId,
      metadata: { actor: apiActor(caller) },
    });
  }

  /** The ticket as the read model has it after the command (written in the command's transaction). */
  private async answer(organizationId: string, ticketId: string, outcome: TicketOutcome) {
    return { ticket: await this.queries.summary(organizationId, ticketId), duplicate: outcome.duplicate };
  }

  /** Attachments are uploaded first (`POST …/attachments`); an id that is not the organization's is refused. */
  private async refs(organizationId: string, ids: readonly string[] | undefined) {
    const { found, missing } = await this.attachments.refsOf(organizationId, ids ?? []);
    if (missing.length > 0)
      throw new ApiError('validation', `attachment ${missing.join(', ')} does not exist`, 'attachment_not_found');
    return found;
  }
}
