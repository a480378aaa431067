import { Body, Controller, Get, Headers, Inject, Param, Patch } from '@nestjs/common';
import type { z } from 'zod';
import { UpdateOrganizationRequest, type OrganizationSettings } from '@livedesk/contracts';
import { parseBody } from '@livedesk/service-kit';
import { Directory } from '../directory.js';
import type { Organization } from '../directory-records.js';
import { IdentityError } from '../identity-errors.js';
import { editorOf, SetupAccess } from '../setup-access.js';
import { DirectorySignals } from '../directory-signals.js';

/**
 * `GET|PATCH /v1/organizations/:id` (docs/protocol.md v1.1): the organization's settings, for the
 * installation admin or an admin of that organization; an unknown id, and another
 * organization's id asked by an organization admin, answer 404; other agents 403. A change takes
 * effect on this replica at once, and on the other identity replicas and the gateways with the
 * `organization_changed` signal.
 */
@Controller('v1/organizations')
export class OrganizationSettingsController {
  constructor(
    @Inject(SetupAccess) private readonly access: SetupAccess,
    @Inject(Directory) private readonly directory: Directory,
    @Inject(DirectorySignals) private readonly signals: DirectorySignals,
  ) {}

  @Get(':id')
  async getOrganization(
    @Headers('authorization') authorization: string | undefined,
    @Param('id') organizationId: string,
  ): Promise<z.infer<typeof OrganizationSettings>> {
    await this.access.requireOrganizationAdminHidingOthers(authorization, organizationId);
    const organization = await this.directory.getOrganization(organizationId);
    if (!organization) throw unknownOrganization(organizationId);
    return settingsOf(organization);
  }

  @Patch(':id')
  async updateOrganization(
    @Headers('authorization') authorization: string | undefined,
    @Param('id') organizationId: string,
    @Body() body: unknown,
  ): Promise<z.infer<typeof OrganizationSettings>> {
    const caller = await this.access.requireOrganizationAdminHidingOthers(authorization, organizationId);
    const request = parseBody(UpdateOrganizationRequest, body);
    const organization = await this.directory.updateOrganization(
      organizationId,
      {
        name: request.name,
        allowedOrigins: request.allowed_origins,
        welcomeMessage: request.welcome_message,
        businessHours: request.business_hours,
        widgetOpenDelaySeconds: request.widget_open_delay_seconds,
        searchLanguage: request.search_language,
        transcriptOnClose: request.transcript_on_close,
        chatInactivitySeconds: request.chat_inactivity_seconds,
        surveyQuestions: request.survey_questions,
      },
      editorOf(caller),
    );
    if (!organization) throw unknownOrganization(organizationId);
    await this.signals.organizationChanged({ organization_id: organizationId });
    return settingsOf(organization);
  }
}

function settingsOf(organization: Organization): z.infer<typeof OrganizationSettings> {
  return {
    organization_id: organization.id,
    name: organization.name,
    time_zone: organization.timeZone,
    default_group_id: organization.defaultGroupId,
    allowed_origins: organization.allowedOrigins,
    welcome_message: organization.welcomeMessage,
    business_hours: organization.businessHours,
    widget_open_delay_seconds: organization.widgetOpenDelaySeconds,
    search_language: organization.searchLanguage,
    transcript_on_close: organization.transcriptOnClose,
    chat_inactivity_seconds: organization.chatInactivitySeconds,
    survey_questions: organization.surveyQuestions,
    created_at: organization.createdAt.toISOString(),
  };
}

function unknownOrganization(organizationId: string): IdentityError {
  return new IdentityError('not_found', `no organization "${organizationId}"`);
}
