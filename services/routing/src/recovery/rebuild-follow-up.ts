import { Injectable, type OnModuleInit } from '@nestjs/common';
import { Dispatcher } from '../dispatch/dispatcher.js';
import { RoutingStateRecovery } from './routing-state-recovery.js';

/**
 * After a rebuild, the groups with live chats are dispatched: their queued chats' events were
 * applied by the rebuild, not by the handler that would have poked the dispatcher. Agents come
 * back into groups as the gateways report them (agent-status.service.ts pokes then).
 */
@Injectable()
export class RebuildFollowUp implements OnModuleInit {
  constructor(
    private readonly recovery: RoutingStateRecovery,
    private readonly dispatcher: Dispatcher,
  ) {}

  onModuleInit(): void {
    this.recovery.onRebuilt((organizationId, plan) => {
      for (const groupId of plan.groupIds) this.dispatcher.poke(organizationId, groupId);
    });
  }
}
