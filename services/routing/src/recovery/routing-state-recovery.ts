import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import type { Redis } from 'ioredis';
import { Counter, Histogram, type Registry } from 'prom-client';
import { streamEntityId } from '@livedesk/contracts';
import { EventStore } from '@livedesk/event-store';
import {
  CLOCK,
  EVENT_STORE,
  METRICS_REGISTRY,
  ReadinessGates,
  REDIS,
  SERVICE_CONFIG,
  type Clock,
} from '@livedesk/service-kit';
import { RoutingSignals } from '../dispatch/routing-signals.js';
import type { RoutingConfig } from '../routing-config.js';
import type { StateLossRecovery } from '../state/routing-state.js';
import { POSITION_TTL_SECONDS } from '../state/prelude.lua.js';
import { RoutingRestore } from '../state/routing-restore.js';
import { RoutingTimers } from '../timers/routing-timers.js';
import { foldAgent, type AgentSnapshot } from './fold-agent.js';
import { foldConversation, type ConversationFold } from './fold-conversation.js';
import { planRestore, restoreParts, type RestorePlan, type RestoreSettings } from './plan-restore.js';
import { RoutingHistory } from './routing-history.js';

/** The rebuild lock expires this long after its last renewal: a replica that dies mid-rebuild holds it no longer. */
const LOCK_TTL_MS = 15_000;
const LOCK_RENEW_MS = 5_000;
/** How often a replica waiting for another's rebuild looks again. */
const WAIT_POLL_MS = 100;
/** Streams read from Postgres per query. */
const READ_BATCH = 500;

export type RebuildListener = (organizationId: string, plan: RestorePlan) => void;

/**
 * Redis is a cache of routing's state; the event store is the truth. When an organization's
 * epoch key is missing (prelude.lua.ts), Redis lost its state, and this rebuilds it:
 * 1. one replica at a time per organization (a lock with a short expiry, renewed while it works);
 *    the others wait until the epoch is back, or take over if the lock expires;
 * 2. what is left of the organization's keys is cleared (a partial loss is not trusted);
 * 3. the conversation streams whose cycle is open and the agent streams are read from Postgres,
 *    folded (fold-conversation.ts, fold-agent.ts) and written (plan-restore.ts, restore.lua.ts)
 *    with the subscription's position in each stream, so live events neither apply twice nor
 *    skip; the other chats of the last month get their positions too, as the live state had;
 * 4. the timers the live handlers would have pending are set (those still pending stay);
 * 5. the epoch is written last: only then do scripts run on the state again;
 * 6. the gateways are asked for their agents' sockets (`presence_wanted`), which bring the
 *    agents' groups and limits; queued chats are dispatched (listeners).
 * While any rebuild runs or is waited for here, the replica reports not ready.
 */
@Injectable()
export class RoutingStateRecovery implements StateLossRecovery, OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(RoutingStateRecovery.name);
  private readonly history: RoutingHistory;
  private readonly restore: RoutingRestore;
  private readonly inFlight = new Map<string, Promise<void>>();
  private readonly watched = new Set<string>();
  private readonly listeners: RebuildListener[] = [];
  private readonly rebuilds: Counter<'outcome'>;
  private readonly rebuildSeconds: Histogram;
  private checker: NodeJS.Timeout | undefined;
  private checking: Promise<void> | undefined;
  private readonly owner = `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;

  constructor(
    @Inject(REDIS) redis: Redis,
    @Inject(EVENT_STORE) store: EventStore,
    @Inject(SERVICE_CONFIG) private readonly config: RoutingConfig,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(METRICS_REGISTRY) registry: Registry,
    private readonly timers: RoutingTimers,
    private readonly signals: RoutingSignals,
    gates: ReadinessGates,
  ) {
    this.history = new RoutingHistory(store);
    this.restore = new RoutingRestore(redis);
    this.rebuilds = new Counter({
      name: 'routing_state_rebuilds_total',
      help: 'Builds of an organization routing state from the event store by this replica: rebuilt (Redis had lost it), empty (nothing to restore: a new organization), failed',
      labelNames: ['outcome'],
      registers: [registry],
    });
    this.rebuildSeconds = new Histogram({
      name: 'routing_state_rebuild_seconds',
      help: 'Time to rebuild an organization routing state from the event store',
      buckets: [0.01, 0.05, 0.1, 0.5, 1, 5, 30],
      registers: [registry],
    });
    gates.add('routing_state', () =>
      this.inFlight.size === 0 ? { ready: true } : { ready: false, detail: { rebuilding: this.inFlight.size } },
    );
  }

  onRebuilt(listener: RebuildListener): void {
    this.listeners.push(listener);
  }

  watch(organizationId: string): void {
    this.watched.add(organizationId);
  }

  /** Resolves once the organization's state is whole (rebuilt here or by another replica). */
  recover(organizationId: string): Promise<void> {
    let running = this.inFlight.get(organizationId);
    if (!running) {
      running = this.ensureWhole(organizationId).finally(() => this.inFlight.delete(organizationId));
      this.inFlight.set(organizationId, running);
    }
    return running;
  }

  onApplicationBootstrap(): void {
    this.checker = setInterval(() => {
      this.checking ??= this.checkWatched().finally(() => (this.checking = undefined));
    }, this.config.ROUTING_STATE_CHECK_MS);
  }

  async onApplicationShutdown(): Promise<void> {
    clearInterval(this.checker);
    await this.checking;
  }

  /**
   * A chat whose position is unknown (never stored, expired, or lost with a partial loss) gets
   * its state from its stream up to `upToVersion`, with that position, unless a live event of
   * the stream was applied meanwhile. Answers whether it wrote.
   */
  async catchUpChat(organizationId: string, streamId: string, upToVersion: number): Promise<boolean> {
    const streams = await this.history.conversationEvents([streamId], upToVersion);
    const folds = this.fold(streams);
    const plan = planRestore(folds, [], this.settings(organizationId));
    const written = await this.restore.restore(organizationId, {
      positions: plan.positions,
      chats: plan.chats,
      holds: plan.holds,
      groupIds: plan.groupIds,
    });
    if (!written) return false;
    for (const { timer, dueAtMs } of plan.timers) await this.timers.setIfAbsent(timer, dueAtMs);
    this.logger.log(
      { organizationId, streamId, version: upToVersion, live: plan.chats.length > 0 },
      'chat caught up from the event store',
    );
    return true;
  }

  /** How long ago the event at `version` of the stream was stored, or null when it is not there. */
  storedAgoMs(streamId: string, version: number): Promise<number | null> {
    return this.history.storedAgoMs(streamId, version);
  }

  private async checkWatched(): Promise<void> {
    try {
      for (const organizationId of await this.restore.lost([...this.watched])) {
        this.recover(organizationId).catch((error: unknown) =>
          this.logger.error({ err: error, organizationId }, 'routing state rebuild failed'),
        );
      }
    } catch (error) {
      this.logger.warn({ err: error }, 'routing state check failed');
    }
  }

  private async ensureWhole(organizationId: string): Promise<void> {
    const deadline = Date.now() + this.config.ROUTING_REBUILD_WAIT_SECONDS * 1000;
    let announced = false;
    for (;;) {
      if (await this.restore.hasEpoch(organizationId)) return;
      if (await this.restore.acquireLock(organizationId, this.owner, LOCK_TTL_MS)) {
        try {
          await this.rebuildHoldingLock(organizationId);
          return;
        } catch (error) {
          // Lock lost or raced: whoever holds the state now, the epoch check above decides.
          if (Date.now() > deadline) throw error;
          this.logger.warn({ err: error, organizationId }, 'routing state rebuild failed; trying again');
        }
      }
      if (!announced) {
        this.logger.log({ organizationId }, 'routing state lost; waiting for the replica rebuilding it');
        announced = true;
      }
      if (Date.now() > deadline)
        throw new Error(
          `routing state of organization ${organizationId} not rebuilt within ${this.config.ROUTING_REBUILD_WAIT_SECONDS} s`,
        );
      await new Promise((resolve) => setTimeout(resolve, WAIT_POLL_MS));
    }
  }

  private async rebuildHoldingLock(organizationId: string): Promise<void> {
    let lockLost = false;
    const renewal = setInterval(() => {
      this.restore.renewLock(organizationId, this.owner, LOCK_TTL_MS).then(
        (renewed) => (lockLost ||= !renewed),
        () => undefined,
      );
    }, LOCK_RENEW_MS);
    const stopTimer = this.rebuildSeconds.startTimer();
    try {
      // Another replica may have finished between our epoch check and taking the lock.
      if (await this.restore.hasEpoch(organizationId)) return;
      const plan = await this.rebuild(organizationId, () => lockLost);
      stopTimer();
      const counts = {
        chats: plan.chats.length,
        held: plan.holds.length,
        agents: plan.agents.length,
        positions: plan.positions.length,
        timers: plan.timers.length,
      };
      if (plan.agents.length + plan.positions.length === 0) {
        // A new organization (or one with nothing routing keeps): its first build, no loss to report.
        this.rebuilds.inc({ outcome: 'empty' });
        this.logger.log({ organizationId }, 'routing state built for an organization with no history');
      } else {
        this.rebuilds.inc({ outcome: 'rebuilt' });
        this.logger.warn(
          { organizationId, ...counts },
          'routing state was lost from Redis and is rebuilt from the event store',
        );
      }
      this.afterRebuild(organizationId, plan);
    } catch (error) {
      this.rebuilds.inc({ outcome: 'failed' });
      throw error;
    } finally {
      clearInterval(renewal);
      await this.restore.releaseLock(organizationId, this.owner).catch(() => undefined);
    }
  }

  /** The state is whole: what follows is best effort, and a failure of it is no failed rebuild. */
  private afterRebuild(organizationId: string, plan: RestorePlan): void {
    try {
      this.signals.publish({ type: 'presence_wanted', organization_id: organizationId });
    } catch (error) {
      this.logger.warn(
        { err: error, organizationId },
        'presence not asked of the gateways; their periodic reports will come',
      );
    }
    for (const listener of this.listeners) {
      try {
        listener(organizationId, plan);
      } catch (error) {
        this.logger.error({ err: error, organizationId }, 'after-rebuild step failed');
      }
    }
  }

  /**
   * When the organization's state was last rebuilt with agents in it (the clock's time), or null:
   * an organization's first rebuild, before any agent had a status, restores no one to wait for.
   */
  async rebuiltWithAgentsAtMs(organizationId: string): Promise<number | null> {
    const epoch = await this.restore.epoch(organizationId);
    return epoch && epoch.agents > 0 ? epoch.rebuilt_at_ms : null;
  }

  private async rebuild(organizationId: string, lockLost: () => boolean): Promise<RestorePlan> {
    await this.restore.clear(organizationId);
    // Read first: a chat reopened after this read is found live below (see planRestore).
    const recent = await this.history.recentConversationVersions(organizationId, POSITION_TTL_SECONDS / 86_400);
    const liveStreams = await this.history.liveConversationStreams(organizationId);
    const folds = new Map<string, ConversationFold>();
    for (let i = 0; i < liveStreams.length; i += READ_BATCH) {
      for (const [streamId, fold] of this.fold(
        await this.history.conversationEvents(liveStreams.slice(i, i + READ_BATCH)),
      ))
        folds.set(streamId, fold);
    }
    const agents: AgentSnapshot[] = [];
    const agentStreams = await this.history.agentStreams(organizationId);
    for (let i = 0; i < agentStreams.length; i += READ_BATCH) {
      for (const [streamId, events] of await this.history.agentEvents(agentStreams.slice(i, i + READ_BATCH))) {
        const agent = foldAgent(streamEntityId(streamId), events);
        if (agent) agents.push(agent);
      }
    }
    const plan = planRestore(folds, agents, this.settings(organizationId), recent);
    for (const part of restoreParts(plan)) {
      if (lockLost()) throw new Error(`routing state rebuild of ${organizationId}: the lock was lost`);
      if (!(await this.restore.restore(organizationId, part))) {
        throw new Error(`routing state rebuild of ${organizationId}: a stream was applied while rebuilding`);
      }
    }
    for (const { timer, dueAtMs } of plan.timers) await this.timers.setIfAbsent(timer, dueAtMs);
    if (lockLost()) throw new Error(`routing state rebuild of ${organizationId}: the lock was lost`);
    const at = this.clock.now().getTime();
    await this.restore.seal(organizationId, {
      rebuilt_at_ms: at,
      by: this.owner,
      chats: plan.chats.length,
      agents: plan.agents.length,
    });
    return plan;
  }

  private fold(
    streams: Map<string, { version: number; events: Parameters<typeof foldConversation>[1] }>,
  ): Map<string, ConversationFold> {
    const folds = new Map<string, ConversationFold>();
    for (const [streamId, { version, events }] of streams) {
      // The stream's version, not its last routing event's: the position must pass every event read.
      folds.set(streamId, { ...foldConversation(streamEntityId(streamId), events), version });
    }
    return folds;
  }

  private settings(organizationId: string): RestoreSettings {
    return {
      organizationId,
      nowMs: this.clock.now().getTime(),
      autoTransferMs: this.config.ROUTING_AUTO_TRANSFER_SECONDS * 1000,
      presenceWaitMs:
        (this.config.ROUTING_PRESENCE_GRACE_SECONDS + this.config.ROUTING_PRESENCE_REFRESH_SECONDS) * 1000,
      abandonMs: this.config.CHAT_ABANDON_SECONDS * 1000,
    };
  }
}
