import { Module } from '@nestjs/common';
import { EventStoreModule } from '@livedesk/service-kit';
import { AgentStatusService } from './agents/agent-status.service.js';
import { RoutingController } from './agents/routing.controller.js';
import { ConversationCommands } from './dispatch/conversation-commands.js';
import { Dispatcher } from './dispatch/dispatcher.js';
import { RoutingSignals } from './dispatch/routing-signals.js';
import { RoutingEventHandler } from './events/routing-event-handler.js';
import { RoutingSubscription } from './events/routing-subscription.js';
import { RebuildFollowUp } from './recovery/rebuild-follow-up.js';
import { RoutingStateRecovery } from './recovery/routing-state-recovery.js';
import { routingStateProvider } from './routing-state.provider.js';
import { RoutingTimers } from './timers/routing-timers.js';
import { QueueMetrics } from './state/queue-metrics.js';
import { TimerActions } from './timers/timer-actions.js';

/**
 * The routing service: agent status and capacity, queues, assignment, auto-transfer. State
 * lives in Redis (atomic scripts, shared by the replicas), rebuilt from the event store when
 * Redis loses it (recovery/); every decision is an event
 * (AgentAssigned through the conversation service, AgentStatusChanged in the agent streams).
 */
@Module({
  imports: [EventStoreModule.forRoot({ relay: true })],
  controllers: [RoutingController],
  providers: [
    RoutingSignals,
    RoutingTimers,
    RoutingStateRecovery,
    routingStateProvider,
    ConversationCommands,
    Dispatcher,
    RebuildFollowUp,
    AgentStatusService,
    TimerActions,
    RoutingEventHandler,
    RoutingSubscription,
    QueueMetrics,
  ],
})
export class RoutingModule {}
