import { Inject, Injectable, Logger } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { CommandFailedError } from '@livedesk/messaging';
import { CLOCK, REDIS, type Clock } from '@livedesk/service-kit';
import type { Redis } from 'ioredis';
import { RoutingState } from '../state/routing-state.js';
import { ConversationCommands } from './conversation-commands.js';
import { RoutingSignals } from './routing-signals.js';
import { RoutingTimers, type RoutingTimer } from '../timers/routing-timers.js';
import { groupModes } from './group-modes.js';

/** A reservation not confirmed by its AgentAssigned event within this time is handed back. */
export const RESERVATION_LEASE_MS = 10_000;
/** Assign commands of one group in flight at once. */
const MAX_ASSIGNMENTS_IN_FLIGHT = 256;
/** Reservations of one group asked at once (each after the one before it in its lane). */
const RESERVATION_LANES = 32;
/**
 * After an assign command that got no answer (the conversation service was slow or away), the
 * chat is back in its queue and the group is dispatched again this soon: no other event may
 * come to poke it (a quiet group, agents already waiting).
 */
export const ASSIGN_RETRY_MS = 1000;
/** Queue positions of a group are pushed at most this often. */
const QUEUE_PUSH_INTERVAL_MS = 500;
/**
 * Queue positions of a group pushed per second at most: a longer queue is told less often
 * (10,000 waiting customers every 5 s), where every 500 ms would be 20,000 pushes a second.
 */
const QUEUE_POSITIONS_PER_SECOND = 2000;

/** A group's key in the dispatcher's maps (runs, assign commands, timers). */
const groupKey = (organizationId: string, groupId: string): string => `${organizationId}\u0000${groupId}`;

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
  /** Each group's assign commands on their way; a run does not wait for them to end. */
  private readonly assigning = new Map<string, Set<Promise<void>>>();
  private readonly again = new Set<string>();
  private readonly positionTimers = new Map<string, NodeJS.Timeout>();
  /** When each group's positions may go out again. */
  private readonly positionsDueAt = new Map<string, number>();
  private readonly retryTimers = new Map<string, NodeJS.Timeout>();

  constructor(
    private readonly state: RoutingState,
    private readonly conversations: ConversationCommands,
    private readonly signals: RoutingSignals,
    private readonly timers: RoutingTimers,
    @Inject(REDIS) private readonly redis: Redis,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  poke(organizationId: string, groupId: string): void {
    const key = groupKey(organizationId, groupId);
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

  /** Waits for the runs in flight; pending position pushes are dropped (shutdown). */
  async onApplicationShutdown(): Promise<void> {
    while (this.running.size > 0) await Promise.all([...this.running.values()]);
    for (const inFlight of this.assigning.values()) await Promise.all(inFlight);
    for (const timer of [...this.positionTimers.values(), ...this.retryTimers.values()]) clearTimeout(timer);
    this.positionTimers.clear();
    this.retryTimers.clear();
  }

  private async dispatch(organizationId: string, groupId: string): Promise<void> {
    if ((await groupModes(this.redis).mode(organizationId, groupId)) !== 'manual') {
      // Reservations are atomic in Redis, so the assign commands they lead to can be in
      // flight together; waiting for each before the next reservation would make a group's
      // assignments one conversation-service round trip apart. For the same reason several
      // reservations can be asked at once (RESERVATION_LANES): each lane is a lease and a
      // reservation after another, and the lanes' Redis commands of one moment go in one write
      // (auto-pipelining), where one lane paid two round trips per chat.
      // A run ends when nothing more can be reserved, without waiting for its assign commands:
      // chats queued meanwhile are reserved by the next run at once, not after the slowest
      // command of this one. The group's set of commands outlives its runs (one per group seen).
      const key = groupKey(organizationId, groupId);
      let inFlight = this.assigning.get(key);
      if (!inFlight) this.assigning.set(key, (inFlight = new Set()));
      // One lane first; each reservation made opens another, up to RESERVATION_LANES, so that
      // a run that finds the queue empty (every AgentAssigned pokes one) asks Redis once.
      const lanes: Promise<void>[] = [];
      const lane = async (): Promise<void> => {
        for (;;) {
          while (inFlight.size >= MAX_ASSIGNMENTS_IN_FLIGHT) await Promise.race(inFlight);
          if (!(await this.reserveOne(organizationId, groupId, inFlight))) return;
          if (lanes.length < RESERVATION_LANES) lanes.push(lane());
        }
      };
      lanes.push(lane());
      for (let i = 0; i < lanes.length; i++) await lanes[i];
    }
    this.scheduleQueuePositions(organizationId, groupId);
  }

  /**
   * Reserves the group's next chat and sends its assign command (added to `inFlight`, not
   * awaited); false when nothing could be reserved.
   */
  private async reserveOne(organizationId: string, groupId: string, inFlight: Set<Promise<void>>): Promise<boolean> {
    // A lease on the reservation: should this replica die before the assignment is stored,
    // the timer hands the chat back to the queue (timer-actions.ts). It is stored BEFORE
    // reserving, under an id the reservation records (reserve-next.lua.ts), because the
    // timers and the organization's keys are in different Redis Cluster slots, so no one
    // script can do both. Stored after, as it was, a replica killed while reserveNext's
    // answer was on its way left the chat reserved with no lease and no assign command:
    // out of the queue, never assigned (routing-replicas.e2e.spec.ts, killed mid-stream;
    // reservation-lease.int.spec.ts).
    const now = this.clock.now().getTime();
    const lease: RoutingTimer = {
      kind: 'reservation_lease',
      organization_id: organizationId,
      group_id: groupId,
      lease_id: randomUUID(),
    };
    await this.timers.set(lease, now + RESERVATION_LEASE_MS);
    const reserved = await this.state.reserveNext(organizationId, groupId, now, lease.lease_id);
    if (!reserved) {
      await this.timers.clear(lease); // nothing to hand back (it would fire and find nothing)
      return false;
    }
    const assignment = this.assign(
      organizationId,
      groupId,
      reserved.chatId,
      reserved.agentId,
      reserved.queuedAtMs,
      lease.lease_id,
    ).finally(() => inFlight.delete(assignment));
    inFlight.add(assignment);
    return true;
  }

  /**
   * Positions go out at most every QUEUE_PUSH_INTERVAL_MS per group, and a long queue's less
   * often (QUEUE_POSITIONS_PER_SECOND): under a burst every assignment moves every waiting
   * customer up by one, and telling each of them every time would cost as many pushes as the
   * queue is long, per assignment.
   */
  private scheduleQueuePositions(organizationId: string, groupId: string): void {
    const key = groupKey(organizationId, groupId);
    if (this.positionTimers.has(key)) return;
    const wait = Math.max(0, (this.positionsDueAt.get(key) ?? 0) - Date.now());
    this.positionTimers.set(
      key,
      setTimeout(() => {
        this.positionTimers.delete(key);
        this.positionsDueAt.set(key, Date.now() + QUEUE_PUSH_INTERVAL_MS);
        this.publishQueue(organizationId, groupId).then(
          (sent) => {
            const spread = (sent / QUEUE_POSITIONS_PER_SECOND) * 1000;
            if (spread > QUEUE_PUSH_INTERVAL_MS) this.positionsDueAt.set(key, Date.now() + spread);
          },
          (error: unknown) => this.logger.error({ err: error, organizationId, groupId }, 'queue positions not sent'),
        );
      }, wait),
    );
  }

  private async assign(
    organizationId: string,
    groupId: string,
    chatId: string,
    agentId: string,
    queuedAtMs: number,
    leaseId: string,
  ): Promise<void> {
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
      // No answer: put it back where it was, and try the group again shortly. Should the
      // assignment have happened after all, its AgentAssigned event moves the chat to that agent.
      // (Should Redis fail here too, the reservation's lease hands the chat back.)
      await this.state.cancelReservation(organizationId, chatId, agentId, queuedAtMs, leaseId);
      this.logger.warn({ err: error, chatId, agentId }, 'assignment failed; the chat is queued again');
      this.retryLater(organizationId, groupId);
    }
  }

  /** One poke of the group ASSIGN_RETRY_MS from now, however many assignments failed meanwhile. */
  private retryLater(organizationId: string, groupId: string): void {
    const key = groupKey(organizationId, groupId);
    if (this.retryTimers.has(key)) return;
    this.retryTimers.set(
      key,
      setTimeout(() => {
        this.retryTimers.delete(key);
        this.poke(organizationId, groupId);
      }, ASSIGN_RETRY_MS),
    );
  }

  /** Tells every customer waiting in the group's queue their place; answers how many. */
  private async publishQueue(organizationId: string, groupId: string): Promise<number> {
    const queue = await this.state.queue(organizationId, groupId);
    if (queue.length === 0) return 0;
    const agentsAvailable = await this.state.hasAcceptingAgent(organizationId, groupId);
    const estimate = agentsAvailable
      ? await this.state.waitEstimator(organizationId, groupId, this.clock.now().getTime())
      : () => null;
    for (const entry of queue) {
      this.signals.publish({
        type: 'queue_position',
        organization_id: organizationId,
        chat_id: entry.chatId,
        customer_id: entry.customerId,
        position: entry.position,
        estimated_wait_seconds: estimate(entry.position),
        agents_available: agentsAvailable,
      });
    }
    return queue.length;
  }
}
