import { Controller, Get, Headers, HttpCode, Inject, Param, Post, Query, Req, Res } from '@nestjs/common';
import { ACTIVE_AGENTS, TokenService, type ActiveAgents, type Principal } from '@livedesk/auth';
import { ApiError } from '@livedesk/service-kit';
import type { ChatFile } from '@livedesk/contracts';
import { ChatFiles } from '../files/chat-files.js';
import { readBody } from './read-body.js';
import type { HttpRequest as Request, HttpResponse as Response } from './http-types.js';

/**
 * Files in chats, on the gateway's host (it forwards these paths here): a customer or an agent
 * uploads the raw file into a chat (`?name=&chat_id=&client_id?`), gets its `file_id` and a
 * signed URL, and names the id in a `send_event`. Downloads need no token, only a URL the
 * gateway or this service signed, unexpired. The caller is checked before the body is read.
 */
@Controller('v1')
export class ChatFilesController {
  constructor(
    private readonly tokens: TokenService,
    @Inject(ACTIVE_AGENTS) private readonly activeAgents: ActiveAgents,
    private readonly files: ChatFiles,
  ) {}

  @Post('customer/files')
  @HttpCode(201)
  async customerUpload(
    @Headers('authorization') authorization: string | undefined,
    @Query() query: Record<string, unknown>,
    @Req() request: Request,
  ): Promise<ChatFile> {
    const principal = await this.principalOf(authorization);
    if (principal.kind !== 'customer')
      throw new ApiError(
        'authorization',
        'this URL takes a customer token (agents upload to /v1/agent/files)',
        'customers_only',
      );
    return this.upload(principal.organizationId, { kind: 'customer', id: principal.customerId }, query, request);
  }

  @Post('agent/files')
  @HttpCode(201)
  async agentUpload(
    @Headers('authorization') authorization: string | undefined,
    @Query() query: Record<string, unknown>,
    @Req() request: Request,
  ): Promise<ChatFile> {
    const principal = await this.principalOf(authorization);
    if (principal.kind !== 'agent')
      throw new ApiError(
        'authorization',
        'this URL takes an agent token (customers upload to /v1/customer/files)',
        'agents_only',
      );
    if (!(await this.activeAgents.isActive(principal.organizationId, principal.agentId))) {
      throw new ApiError('authentication', 'the agent of this token is disabled or no longer exists', 'agent_revoked');
    }
    const actor = {
      kind: 'agent' as const,
      id: principal.agentId,
      role: principal.role,
      agent_kind: principal.agentKind,
    };
    return this.upload(principal.organizationId, actor, query, request);
  }

  @Get('files/:fileId')
  async download(
    @Param('fileId') fileId: string,
    @Query('expires') expires: string | undefined,
    @Query('signature') signature: string | undefined,
    @Res() response: Response,
  ): Promise<void> {
    const file = await this.files.download(
      fileId,
      typeof expires === 'string' ? expires : undefined,
      typeof signature === 'string' ? signature : undefined,
    );
    response
      .status(200)
      .setHeader('content-type', file.ref.content_type)
      // Never shown inline, never re-typed by the browser: a file is the uploader's bytes.
      .setHeader('content-disposition', `attachment; filename*=UTF-8''${encodeURIComponent(file.ref.name)}`)
      .setHeader('x-content-type-options', 'nosniff')
      .setHeader('cache-control', 'private, max-age=300')
      .send(file.content);
  }

  private async upload(
    organizationId: string,
    actor: Parameters<ChatFiles['upload']>[0]['actor'],
    query: Record<string, unknown>,
    request: Request,
  ): Promise<ChatFile> {
    const name = query.name;
    const chatId = query.chat_id;
    const clientId = query.client_id;
    if (typeof name !== 'string' || name.length < 1 || name.length > 255 || name.includes('\u0000')) {
      throw new ApiError('validation', 'query.name (the file name, 1 to 255 characters) is required', 'invalid_query');
    }
    if (typeof chatId !== 'string' || chatId.length < 1 || chatId.length > 128) {
      throw new ApiError('validation', 'query.chat_id (the chat the file is for) is required', 'invalid_query');
    }
    if (clientId !== undefined && (typeof clientId !== 'string' || clientId.length < 1 || clientId.length > 128)) {
      throw new ApiError('validation', 'query.client_id is at most 128 characters', 'invalid_query');
    }
    const maxBytes = this.files.maxBytes;
    const declared = Number(request.headers['content-length'] ?? NaN);
    if (Number.isFinite(declared) && declared > maxBytes) {
      throw new ApiError(
        'validation',
        `the file has ${declared} bytes, more than the ${maxBytes} accepted`,
        'attachment_too_large',
      );
    }
    const content = await readBody(request, maxBytes);
    return this.files.upload({ organizationId, actor, chatId, name, clientId, content });
  }

  private async principalOf(authorization: string | undefined): Promise<Principal> {
    const match = /^Bearer +(\S+) *$/i.exec(authorization ?? '');
    if (!match)
      throw new ApiError('authentication', 'an Authorization: Bearer <token> header is required', 'no_credentials');
    return this.tokens.verify(match[1]!);
  }
}
