import { Module } from '@nestjs/common';
import { IdentityModule } from '../identity/identity.module.js';
import { AgentActions } from './agent-actions.js';
import { AgentChangedSignals } from './agents/agent-changed-signals.js';
import { AgentProfiles } from './agents/agent-profiles.js';
import { Directory } from '../identity/directory.js';
import { TeamListing } from './agents/team-listing.js';
import { AgentsAdminController } from './agents/agents-admin.controller.js';
import { OrganizationChangedSignals } from './organizations/organization-changed-signals.js';
import { OrganizationSettingsController } from './organizations/organization-settings.controller.js';
import { WidgetSettingsController } from './organizations/widget-settings.controller.js';
import { ChatCommands } from './chat-commands.js';
import { ConnectionRegistry } from './connection-registry.js';
import { ConversationClient } from './conversation-client.js';
import { CustomerActions } from './customer-actions.js';
import { FrameDispatcher } from './frame-dispatcher.js';
import { PushDelivery } from './push/push-delivery.js';
import { PushFanout } from './push/push-fanout.js';
import { AgentPresenceReporter } from './routing/agent-presence-reporter.js';
import { RoutingClient } from './routing/routing-client.js';
import { RoutingSignalRelay } from './routing/routing-signal-relay.js';
import { RtmMetrics } from './rtm-metrics.js';
import { RtmServer } from './rtm-server.js';
import { SlaPushFollower } from './sla/sla-push-follower.js';
import { TicketActions } from './tickets/ticket-actions.js';
import { TicketPushFollower } from './tickets/ticket-push-follower.js';
import { TicketingClient } from './tickets/ticketing-client.js';
import { TypingRelay } from './typing/typing-relay.js';
import { VisitorDirectory } from './visitors/visitor-directory.js';
import { VisitorSignals } from './visitors/visitor-signals.js';

/**
 * The real-time protocol: WebSocket endpoints, actions, pushes and typing; disabling agents,
 * which closes their sockets; and organization settings, whose changes every replica must hear.
 */
@Module({
  imports: [IdentityModule],
  controllers: [AgentsAdminController, OrganizationSettingsController, WidgetSettingsController],
  providers: [
    // Public profiles are kept 30 s; a PATCH of the agent makes every replica forget one at once.
    { provide: AgentProfiles, useFactory: (directory: Directory) => new AgentProfiles(directory, 30_000), inject: [Directory] },
    AgentChangedSignals,
    OrganizationChangedSignals,
    RtmMetrics,
    ConnectionRegistry,
    ConversationClient,
    PushDelivery,
    PushFanout,
    TypingRelay,
    VisitorDirectory,
    VisitorSignals,
    RoutingClient,
    AgentPresenceReporter,
    RoutingSignalRelay,
    ChatCommands,
    TicketingClient,
    TicketActions,
    TicketPushFollower,
    SlaPushFollower,
    CustomerActions,
    TeamListing,
    AgentActions,
    FrameDispatcher,
    RtmServer,
  ],
})
export class RtmModule {}
