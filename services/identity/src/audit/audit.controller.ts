import { Controller, Get, Headers, Inject, Param, Query } from '@nestjs/common';
import type { z } from 'zod';
import { AuditQuery, DEFAULT_AUDIT_PAGE, type AuditResponse } from '@livedesk/contracts';
import { parseBody } from '@livedesk/service-kit';
import { Directory } from '../directory.js';
import { IdentityError } from '../identity-errors.js';
import { SetupAccess } from '../setup-access.js';
import { AuditLog } from './audit-log.js';

/**
 * `GET /v1/organizations/:id/audit?limit=&before=` (docs/protocol.md v1.1): who changed what and
 * when in the organization, newest first, for the installation admin or an admin of the
 * organization (another organization's id answers 404, as an unknown one does).
 */
@Controller('v1/organizations')
export class AuditController {
  constructor(
    @Inject(SetupAccess) private readonly access: SetupAccess,
    @Inject(Directory) private readonly directory: Directory,
    @Inject(AuditLog) private readonly audit: AuditLog,
  ) {}

  @Get(':id/audit')
  async list(
    @Headers('authorization') authorization: string | undefined,
    @Param('id') organizationId: string,
    @Query() query: unknown,
  ): Promise<z.infer<typeof AuditResponse>> {
    await this.access.requireOrganizationAdminHidingOthers(authorization, organizationId);
    const request = parseBody(AuditQuery, query);
    if (!(await this.directory.getOrganization(organizationId)))
      throw new IdentityError('not_found', `no organization "${organizationId}"`);
    const page = await this.audit.page(organizationId, {
      before: request.before === undefined ? undefined : Number(request.before),
      limit: request.limit ?? DEFAULT_AUDIT_PAGE,
    });
    return { entries: page.entries, next_cursor: page.nextCursor };
  }
}
