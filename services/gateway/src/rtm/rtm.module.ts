import { Module } from '@nestjs/common';
import { AuthModule, originProviders } from '@livedesk/auth';
import { DirectoryClient } from '../directory/directory-client.js';
import { AgentActions } from './agent-actions.js';
import { AgentChangedSignals } from './agents/agent-changed-signals.js';
import { AgentProfiles } from './agents/agent-profiles.js';
import { BanActions } from './bans/ban-actions.js';
import { BanClient } from './bans/ban-client.js';
import { CustomerBannedSignals } from './bans/customer-banned-signals.js';
import { TagActions } from './tags/tag-actions.js';
import { TeamListing } from './agents/team-listing.js';
import { OrganizationChangedSignals } from './organizations/organization-changed-signals.js';
import { ChatCommands } from './chat-commands.js';
import { ConnectionRegistry } from './connection-registry.js';
import { ConversationClient } from './conversation-client.js';
import { CustomerActions } from './customer-actions.js';
import { FrameDispatcher } from './frame-dispatcher.js';
import { PushLag } from './overload/admission.js';
import { OverloadGuard } from './overload/overload-guard.js';
import { MessageFiles } from './files/message-files.js';
import { PushDelivery } from './push/push-delivery.js';
import { PushFanout } from './push/push-fanout.js';
import { AgentPresenceReporter } from './routing/agent-presence-reporter.js';
import { CustomerPresence } from './routing/customer-presence.js';
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
import { VisitorLocator } from './visitors/visitor-locator.js';
import { CustomerProfiles } from './customers/customer-profiles.js';

/**
 * The real-time protocol: WebSocket endpoints, token verification (the JWT secret only), the
 * origin checks, actions, pushes and typing; the directory is read from the identity service
 * (DirectoryClient), whose signals close a disabled agent's sockets, a banned customer's, and
 * recheck the origins of customer sockets.
 */
@Module({
  imports: [AuthModule.forRoot()],
  providers: [
    DirectoryClient,
    // Public profiles are kept 30 s; a PATCH of the agent makes every replica forget one at once.
    {
      provide: AgentProfiles,
      useFactory: (directory: DirectoryClient) => new AgentProfiles(directory, 30_000),
      inject: [DirectoryClient],
    },
    ...originProviders(DirectoryClient),
    AgentChangedSignals,
    OrganizationChangedSignals,
    CustomerBannedSignals,
    RtmMetrics,
    ConnectionRegistry,
    ConversationClient,
    { provide: PushLag, useFactory: () => new PushLag() },
    OverloadGuard,
    PushDelivery,
    PushFanout,
    TypingRelay,
    VisitorDirectory,
    VisitorLocator,
    CustomerProfiles,
    VisitorSignals,
    RoutingClient,
    AgentPresenceReporter,
    CustomerPresence,
    RoutingSignalRelay,
    ChatCommands,
    TicketingClient,
    MessageFiles,
    TicketActions,
    TicketPushFollower,
    SlaPushFollower,
    BanClient,
    BanActions,
    TagActions,
    CustomerActions,
    TeamListing,
    AgentActions,
    FrameDispatcher,
    RtmServer,
  ],
})
export class RtmModule {}
