import { Controller, Get, Headers, Param, Post, Query, Req, Res } from '@nestjs/common';
import type { HttpRequest as Request, HttpResponse as Response } from './http-types.js';
import { ApiCallers } from '@livedesk/auth';
import { ApiError } from '@livedesk/service-kit';
import { derivedId } from '../application/command-ids.js';
import { Attachments } from '../attachments/attachments.js';
import { callerKey } from './api-actor.js';
import { readBody } from './read-body.js';

/**
 * Files for replies, notes and tickets: uploaded as the raw request body (its Content-Type is the
 * file's), then referenced by id. The size limit and the content-type allow list are checked
 * before anything is stored; `client_id` makes an upload idempotent.
 */
@Controller('v1/organizations/:organizationId/attachments')
export class AttachmentsController {
  constructor(
    private readonly callers: ApiCallers,
    private readonly attachments: Attachments,
  ) {}

  @Post()
  async upload(
    @Param('organizationId') organizationId: string,
    @Headers('authorization') authorization: string | undefined,
    @Query('name') name: string | undefined,
    @Query('client_id') clientId: string | undefined,
    @Req() request: Request,
    @Res({ passthrough: true }) response: Response,
  ) {
    const caller = await this.callers.requireAgentOf(authorization, organizationId);
    if (!name || name.length > 255)
      throw new ApiError(
        'validation',
        'query.name (the file name, at most 255 characters) is required',
        'invalid_query',
      );
    if (!clientId || clientId.length > 128)
      throw new ApiError('validation', 'query.client_id (at most 128 characters) is required', 'invalid_query');
    const contentType = request.headers['content-type'] ?? 'application/octet-stream';
    const declared = Number(request.headers['content-length'] ?? NaN);
    // Refused before the body is read when its declared size or type is already wrong.
    this.attachments.check(name, contentType, Number.isFinite(declared) ? declared : 0);
    const content = await readBody(request, this.attachments.policy.maxBytes);
    const attachmentId = derivedId('api-attachment', organizationId, callerKey(caller), clientId);
    const ref = await this.attachments.store(organizationId, attachmentId, { name, contentType, content });
    response.status(201);
    return ref;
  }

  @Get(':attachmentId')
  async download(
    @Param('organizationId') organizationId: string,
    @Param('attachmentId') attachmentId: string,
    @Headers('authorization') authorization: string | undefined,
    @Res() response: Response,
  ) {
    await this.callers.requireAgentOf(authorization, organizationId);
    const file = await this.attachments.content(organizationId, attachmentId);
    if (!file) throw new ApiError('not_found', `attachment ${attachmentId} does not exist`, 'attachment_not_found');
    response
      .status(200)
      .setHeader('content-type', file.ref.content_type)
      .setHeader('content-disposition', `attachment; filename*=UTF-8''${encodeURIComponent(file.ref.name)}`)
      .send(file.content);
  }
}
