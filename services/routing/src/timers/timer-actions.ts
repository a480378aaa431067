import { Injectable, Logger, type OnModuleInit } from '@nestjs/common';
import { AgentStatusService } from '../agents/agent-status.service.js';
import { ChatExpiry } from '../customers/chat-expiry.js';
import { ConversationCommands } from '../dispatch/conversation-commands.js';
import { Dispatcher } from '../dispatch/dispatcher.js';
import { TRANSFER_NOTES } from '../dispatch/transfer-notes.js';
import { RoutingState } from '../state/routing-state.js';
import { RoutingTimers, type RoutingTimer } from './routing-timers.js';

/** What a due timer does. */
@Injectable()
export class TimerActions implements OnModuleInit {
  private readonly logger = new Logger(TimerActions.name);

  constructor(
    private readonly timers: RoutingTimers,
    private readonly state: RoutingState,
    private readonly conversations: ConversationCommands,
    private readonly agents: AgentStatusService,
    private readonly dispatcher: Dispatcher,
    private readonly expiry: ChatExpiry,
  ) {}

  onModuleInit(): void {
    this.timers.onFire((timer) => this.fire(timer));
  }

  private async fire(timer: RoutingTimer): Promise<void> {
    if (timer.kind === 'presence_grace') {
      await this.agents.graceEnded(timer.organization_id, timer.agent_id);
      return;
    }
    if (timer.kind === 'customer_left') {
      await this.expiry.checkCustomerLeft(timer.organization_id, timer.chat_id);
      return;
    }
    if (timer.kind === 'inactivity') {
      await this.expiry.checkInactive(timer.organization_id, timer.chat_id);
      return;
    }
    if (timer.kind === 'reservation_lease') {
      // The reservation's replica died before the assignment was stored (no AgentAssigned
      // confirmed it, which would have ended the lease): the chat goes back to its place in
      // the queue. Nothing leased (the replica died before reserving, or found no chat): no-op.
      const chatId = await this.state.leasedChat(timer.organization_id, timer.lease_id);
      const chat = chatId === null ? null : await this.state.chat(timer.organization_id, chatId);
      if (!chatId || !chat?.reserved || !chat.agentId || chat.queuedAtMs === null) return;
      if (
        await this.state.cancelReservation(timer.organization_id, chatId, chat.agentId, chat.queuedAtMs, timer.lease_id)
      ) {
        this.dispatcher.poke(timer.organization_id, chat.groupId);
      }
      return;
    }
    if (timer.kind === 'reservation') {
      // A replica reserved the chat and died before its assign command went out (no
      // AgentAssigned confirmed it): the chat goes back to its place in the queue.
      const chat = await this.state.chat(timer.organization_id, timer.chat_id);
      if (!chat?.reserved || chat.agentId !== timer.agent_id) return;
      await this.state.cancelReservation(timer.organization_id, timer.chat_id, timer.agent_id, timer.queued_at_ms);
      this.dispatcher.poke(timer.organization_id, timer.group_id);
      return;
    }
    // Auto-transfer: the agent still holds the chat and never replied. The chat goes back to
    // its group's queue (an automatic transfer) and this agent is never offered it again.
    const chat = await this.state.chat(timer.organization_id, timer.chat_id);
    if (chat?.agentId !== timer.agent_id) return;
    await this.state.markPassed(timer.organization_id, timer.chat_id, timer.agent_id);
    try {
      await this.conversations.requeue(timer.organization_id, timer.chat_id, timer.group_id, TRANSFER_NOTES.noReply);
    } catch (error) {
      this.logger.warn({ err: error, chatId: timer.chat_id }, 'auto-transfer failed');
    }
  }
}
