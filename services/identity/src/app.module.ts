import { Module } from '@nestjs/common';
import { openApiDocsController } from '@livedesk/service-kit';
import { AgentsAdminController } from './agents/agents-admin.controller.js';
import { DirectoryQueriesController } from './directory-queries.controller.js';
import { DirectorySignals } from './directory-signals.js';
import { IdentityModule } from './identity.module.js';
import { OrganizationSettingsController } from './organizations/organization-settings.controller.js';
import { identityOpenApiDocument } from './openapi/identity-api.js';

/**
 * The identity service: organizations, groups, agents, customers and canned responses (the
 * `directory` schema), the tokens and their throttles, the setup API; the directory's reads for
 * the gateway and ticketing over NATS; and the change signals that the gateways act on.
 * ServiceKitModule (added by bootstrapService) already provides config, logs, Postgres, Redis,
 * NATS, health and metrics. `GET /openapi.json` and `GET /docs`: its HTTP API (docs/openapi/identity.json).
 */
@Module({
  imports: [IdentityModule],
  controllers: [
    AgentsAdminController,
    OrganizationSettingsController,
    DirectoryQueriesController,
    openApiDocsController('livedesk identity API', identityOpenApiDocument),
  ],
  providers: [DirectorySignals],
})
export class IdentityServiceModule {}
