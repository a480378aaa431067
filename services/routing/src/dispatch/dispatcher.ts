import { Inject, Injectable, Logger } from '@nestjs/common';
import { CommandFailedError } from '@livedesk/messaging';
import { REDIS } from '@livedesk/service-kit';
import type { Redis } from 'ioredis';
import { RoutingState } from '../state/routing-state.js';
import { ConversationCommands } from './conversation-commands.js';
import { RoutingSignals } from './routing-signals.js';
import { RoutingTimers } from '../timers/routing-timers.js';
import { groupModes } from './group-modes.js';

/** A reservation not confirmed by its AgentAssigned event within this time is handed back. */
const RESERVATION_LEASE_MS = 10_000;

/**
 * Assigns the queued chats of a group while someone can take them, then tells every customer
 * still waiting their place. `poke` is cheap and coalescing: a group has at most one run in
 * this replica, and a poke during it runs it once more. Replicas may run the same group at
 * once: `reserveNext` is atomic in Redis, so they never hand out a chat or a slot twice.
 */
@Injectable()
export class Dispatcher {
  private readonly logger = new Logger(Dispatcher.name);
  private readonly running = new Map<string, Promise<void>>();
  private readonly again = new Set<string>();

  constructor(
    private readonly state: RoutingState,
    private readonly conversations: ConversationCommands,
    private readonly signals: RoutingSignals,
    private readonly timers: RoutingTimers,
    @Inject(REDIS) private readonly redis: Redis,
  ) {}

  poke(organizationId: string, groupId: string): void {
    const key = `${organizationId}\u0000${groupId}`;
    if (this.running.has(key)) {
      this.again.add(key);
      return;
    }
    const run = (async () => {
      do {
        this.again.delete(key);
        try {
          await this.dispatch(organizationId, groupId);
        } catch (error) {
          this.logger.error({ err: error, organizationId, groupId }, 'dispatch failed');
        }
      } while (this.again.has(key));
      this.running.delete(key);
    })();
    this.running.set(key, run);
  }

  /** Every group of the organization this replica has seen (after an agent frees a slot). */
  async pokeAll(organizationId: string): Promise<void> {
    for (const groupId of await groupModes(this.redis).groups(organizationId)) this.poke(organizationId, groupId);
  }

  /** Waits for the runs in flight (tests and shutdown). */
  async idle(): Promise<void> {
    while (this.running.size > 0) await Promise.all([...this.running.values()]);
  }

  private async dispatch(organizationId: string, groupId: string): Promise<void> {
    if ((await groupModes(this.redis).mode(organizationId, groupId)) !== 'manual') {
      for (;;) {
        const reserved = await this.state.reserveNext(organizationId, groupId, Date.now());
        if (!reserved) break;
        // A lease on the reservation: should this replica die before the assignment is stored,
        // the timer hands the chat back to the queue (timer-actions.ts).
        await this.timers.set(
          {
            kind: 'reservation',
            organization_id: organizationId,
            chat_id: reserved.chatId,
            agent_id: reserved.agentId,
            group_id: groupId,
            queued_at_ms: reserved.queuedAtMs,
          },
          Date.now() + RESERVATION_LEASE_MS,
        );
        await this.assign(organizationId, reserved.chatId, reserved.agentId, reserved.queuedAtMs);
      }
    }
    await this.publishQueue(organizationId, groupId);
  }

  private async assign(organizationId: string, chatId: string, agentId: string, queuedAtMs: number): Promise<void> {
    try {
      await this.conversations.assign(organizationId, chatId, agentId);
    } catch (error) {
      if (error instanceof CommandFailedError && error.reason === 'already_assigned') {
        // Someone joined it first: their AgentAssigned event moves the slot to them.
        return;
      }
      if (error instanceof CommandFailedError && (error.code === 'conflict' || error.code === 'not_found')) {
        // The chat ended (or never existed) meanwhile: nothing to assign.
        await this.state.released(organizationId, chatId);
        return;
      }
      // No answer: put it back where it was. Should the assignment have happened after all,
      // its AgentAssigned event moves the chat to that agent.
      await this.state.cancelReservation(organizationId, chatId, agentId, queuedAtMs);
      this.logger.warn({ err: error, chatId, agentId }, 'assignment failed; the chat is queued again');
    }
  }

  private async publishQueue(organizationId: string, groupId: string): Promise<void> {
    const queue = await this.state.queue(organizationId, groupId);
    if (queue.length === 0) return;
    const agentsAvailable = await this.state.hasAcceptingAgent(organizationId, groupId);
    const now = Date.now();
    for (const entry of queue) {
      this.signals.publish({
        type: 'queue_position',
        organization_id: organizationId,
        chat_id: entry.chatId,
        customer_id: entry.customerId,
        position: entry.position,
        estimated_wait_seconds: agentsAvailable ? await this.state.estimatedWaitSeconds(organizationId, groupId, entry.position, now) : null,
        agents_available: agentsAvailable,
      });
    }
  }
}
