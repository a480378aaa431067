import type { Redis } from 'ioredis';
import { ASSIGNED_LUA } from './assigned.lua.js';
import { CANCEL_RESERVATION_LUA } from './cancel-reservation.lua.js';
import { CHAT_STARTED_LUA } from './chat-started.lua.js';
import { ENQUEUE_LUA } from './enqueue.lua.js';
import { estimateWaitSeconds } from './estimate-wait.js';
import { MARK_PASSED_LUA } from './mark-passed.lua.js';
import { DAY_MS } from './prelude.lua.js';
import { QUEUE_POSITION_LUA } from './queue-position.lua.js';
import { QUEUE_VIEW_LUA } from './queue-view.lua.js';
import { RedisScript, RoutingStateLostError } from './redis-script.js';
import { RELEASED_LUA } from './released.lua.js';
import { RESERVE_NEXT_LUA } from './reserve-next.lua.js';
import {
  requireChannel,
  requireCount,
  requireGroupMode,
  requireId,
  requireStatus,
  requireTime,
} from './routing-input.js';
import { organizationBaseKey, routingKey } from './routing-keys.js';
import type {
  AgentProfileInput,
  AgentView,
  AssignedResult,
  ChannelCounts,
  ChatStartedInput,
  ChatStartedOutcome,
  ChatView,
  EnqueueResult,
  GroupMode,
  IgnoredReason,
  QueueEntry,
  QueuePosition,
  Reservation,
  RoutingStatus,
  StatusChange,
} from './routing-state-types.js';
import { replyArray, replyNumber, replyOptionalString, replyString, ScriptReplyError } from './script-reply.js';
import { SET_STATUS_LUA } from './set-status.lua.js';
import { UPSERT_AGENT_LUA } from './upsert-agent.lua.js';
import { WAIT_INPUTS_LUA } from './wait-inputs.lua.js';

/**
 * What RoutingState does when Redis lost an organization's state (the epoch key is missing,
 * prelude.lua.ts): `recover` rebuilds it from the event store (or waits for the replica that
 * does) and resolves once the state is whole again; the call is then made once more. `watch`
 * hears of every organization used, so that a periodic check can notice a loss while the
 * organization is quiet.
 */
export interface StateLossRecovery {
  watch(organizationId: string): void;
  recover(organizationId: string): Promise<void>;
}

export interface RoutingStateOptions {
  /** The queue target of the SLA defaults (docs/metrics.md): 45 s. Marks queue entries `pastTarget`. */
  queueTargetSeconds?: number;
  /** Without it, a lost state surfaces as RoutingStateLostError (state tests use that). */
  recovery?: StateLossRecovery;
}

/** A call that found the state lost is made again after a rebuild; twice more at most. */
const RUNS_AFTER_RECOVERY = 2;

const scripts = {
  upsertAgent: new RedisScript('upsert-agent', UPSERT_AGENT_LUA),
  setStatus: new RedisScript('set-status', SET_STATUS_LUA),
  chatStarted: new RedisScript('chat-started', CHAT_STARTED_LUA),
  enqueue: new RedisScript('enqueue', ENQUEUE_LUA),
  assigned: new RedisScript('assigned', ASSIGNED_LUA),
  released: new RedisScript('released', RELEASED_LUA),
  markPassed: new RedisScript('mark-passed', MARK_PASSED_LUA),
  reserveNext: new RedisScript('reserve-next', RESERVE_NEXT_LUA),
  cancelReservation: new RedisScript('cancel-reservation', CANCEL_RESERVATION_LUA),
  queueView: new RedisScript('queue-view', QUEUE_VIEW_LUA),
  queuePosition: new RedisScript('queue-position', QUEUE_POSITION_LUA),
  waitInputs: new RedisScript('wait-inputs', WAIT_INPUTS_LUA),
} as const;

/**
 * The routing service's shared state and decisions, in Redis, safe for any number of replicas.
 *
 * Every change is one Lua script over one organization's keys (routing-keys.ts), so Redis
 * applies it atomically: replicas never see half a change, and a decision (reserveNext) reads
 * and takes in the same step, so no chat is ever given twice and no agent beyond its limit
 * (the race this guards against: two replicas reading the same free agent and both writing).
 * Plain single-key reads (status, load, chats, members) need no script.
 *
 * Times are the caller's epoch milliseconds, never Redis's clock, so decisions are replayable and
 * tests control time. Redis's clock only expires retained data (tombstones, old samples).
 * The organization id comes first everywhere; no script touches another organization's keys.
 */
export class RoutingState {
  private readonly queueTargetMs: number;
  private readonly recovery: StateLossRecovery | undefined;

  constructor(
    private readonly redis: Redis,
    options: RoutingStateOptions = {},
  ) {
    this.queueTargetMs = requireCount('queueTargetSeconds', options.queueTargetSeconds ?? 45) * 1000;
    this.recovery = options.recovery;
  }

  // ── agents ──────────────────────────────────────────────────────────────────────────────

  /** Answers how many groups the agent joined (0 when its memberships were already these), and whether a limit was raised. */
  async upsertAgent(
    organizationId: string,
    profile: AgentProfileInput,
  ): Promise<{ joinedGroups: number; raisedLimit: boolean }> {
    const agentId = requireId('agentId', profile.agentId);
    const groupIds = [...new Set(profile.groupIds.map((groupId) => requireId('groupId', groupId)))];
    const modes: Record<string, GroupMode> = {};
    for (const [groupId, mode] of Object.entries(profile.groupModes ?? {}))
      modes[requireId('groupId', groupId)] = requireGroupMode(mode);
    const reply = await this.run('upsertAgent', organizationId, [
      agentId,
      requireCount('maxChats.chat', profile.maxChats.chat),
      requireCount('maxChats.messaging', profile.maxChats.messaging),
      JSON.stringify(modes),
      ...groupIds,
    ]);
    const [joined, raised] = replyArray('upsert-agent', reply);
    return {
      joinedGroups: replyNumber('upsert-agent', joined),
      raisedLimit: replyNumber('upsert-agent', raised) === 1,
    };
  }

  /** With `chosen`, also records the status the agent (or a supervisor) chose, in the same step. */
  async setStatus(
    organizationId: string,
    agentId: string,
    status: RoutingStatus,
    nowMs: number,
    chosen?: RoutingStatus,
  ): Promise<StatusChange> {
    const reply = replyArray(
      'set-status',
      await this.run('setStatus', organizationId, [
        requireId('agentId', agentId),
        requireStatus(status),
        requireTime('nowMs', nowMs),
        chosen === undefined ? '' : requireStatus(chosen),
      ]),
    );
    return {
      from: requireStatus(replyString('set-status', reply[0])),
      to: requireStatus(replyString('set-status', reply[1])),
    };
  }

  /** `offline` for an agent this state does not know. */
  async status(organizationId: string, agentId: string): Promise<RoutingStatus> {
    const key = routingKey(organizationId, 'agent', requireId('agentId', agentId));
    const status = await this.read(organizationId, () => this.redis.hget(key, 'status'));
    return status === null ? 'offline' : requireStatus(status);
  }

  /** The chats holding one of the agent's slots (for an agent going offline with open chats), sorted. */
  async agentChats(organizationId: string, agentId: string): Promise<string[]> {
    const key = routingKey(organizationId, 'agentChats', requireId('agentId', agentId));
    const chats = await this.read(organizationId, () => this.redis.smembers(key));
    return chats.sort();
  }

  /** Active chats per channel. */
  async load(organizationId: string, agentId: string): Promise<ChannelCounts> {
    const [chat, messaging] = await this.redis.hmget(
      routingKey(organizationId, 'agent', requireId('agentId', agentId)),
      'activeChat',
      'activeMessaging',
    );
    return { chat: Number(chat ?? 0), messaging: Number(messaging ?? 0) };
  }

  /** Everything known of one agent, or null for an unknown one (for the HTTP API and tests). */
  async agent(organizationId: string, agentId: string): Promise<AgentView | null> {
    requireId('agentId', agentId);
    const [fields, groupIds] = await Promise.all([
      this.redis.hgetall(routingKey(organizationId, 'agent', agentId)),
      this.redis.smembers(routingKey(organizationId, 'agentGroups', agentId)),
    ]);
    if (Object.keys(fields).length === 0) return null;
    const count = (name: string): number => Number(fields[name] ?? 0);
    return {
      agentId,
      status: requireStatus(fields.status ?? 'offline'),
      groupIds: groupIds.sort(),
      maxChats: { chat: count('maxChat'), messaging: count('maxMessaging') },
      load: { chat: count('activeChat'), messaging: count('activeMessaging') },
      lastAssignedAtMs: fields.lastAssignedAt === undefined ? null : Number(fields.lastAssignedAt),
    };
  }

  /** The group's member agents, whatever their status, sorted. */
  async groupAgents(organizationId: string, groupId: string): Promise<string[]> {
    const agents = await this.redis.smembers(routingKey(organizationId, 'groupAgents', requireId('groupId', groupId)));
    return agents.sort();
  }

  /** Whether some member of the group is accepting, full or not; if none, offer leave_message. */
  async hasAcceptingAgent(organizationId: string, groupId: string): Promise<boolean> {
    const key = routingKey(organizationId, 'groupAccepting', requireId('groupId', groupId));
    return (await this.read(organizationId, () => this.redis.scard(key))) > 0;
  }

  /** How many of the group's members are accepting (full or not) and how many chats wait in its queue. */
  async groupCounts(
    organizationId: string,
    groupId: string,
  ): Promise<{ agents_accepting: number; chats_queued: number }> {
    requireId('groupId', groupId);
    const [accepting, queued] = await this.read(organizationId, () =>
      Promise.all([
        this.redis.scard(routingKey(organizationId, 'groupAccepting', groupId)),
        this.redis.zcard(routingKey(organizationId, 'queue', groupId)),
      ]),
    );
    return { agents_accepting: accepting, chats_queued: queued };
  }

  // ── chats ───────────────────────────────────────────────────────────────────────────────

  /** ConversationStarted (and ConversationReopened, which starts a new cycle of a released chat). */
  async chatStarted(organizationId: string, chat: ChatStartedInput): Promise<ChatStartedOutcome> {
    const reply = await this.run('chatStarted', organizationId, [
      requireId('chatId', chat.chatId),
      requireId('groupId', chat.groupId),
      requireChannel(chat.channel),
      requireId('customerId', chat.customerId),
    ]);
    if (reply !== 'started' && reply !== 'known') throw new ScriptReplyError('chat-started', reply);
    return reply;
  }

  /** ConversationQueued, or a re-queue after a transfer or an agent going offline. */
  async enqueue(organizationId: string, chatId: string, groupId: string, queuedAtMs: number): Promise<EnqueueResult> {
    const reply = replyArray(
      'enqueue',
      await this.run('enqueue', organizationId, [
        requireId('chatId', chatId),
        requireId('groupId', groupId),
        requireTime('queuedAtMs', queuedAtMs),
      ]),
    );
    if (reply[0] === 'ignored') return { outcome: 'ignored', reason: ignoredReason('enqueue', reply[1]) };
    return {
      outcome: 'queued',
      position: replyNumber('enqueue', reply[1]),
      queuedAtMs: replyNumber('enqueue', reply[2]),
    };
  }

  /** AgentAssigned. */
  async assigned(organizationId: string, chatId: string, agentId: string, atMs: number): Promise<AssignedResult> {
    const reply = replyArray(
      'assigned',
      await this.run('assigned', organizationId, [
        requireId('chatId', chatId),
        requireId('agentId', agentId),
        requireTime('atMs', atMs),
      ]),
    );
    switch (reply[0]) {
      case 'assigned':
        return { outcome: 'assigned', previousAgentId: replyOptionalString('assigned', reply[1]) };
      case 'confirmed':
      case 'unchanged':
        return { outcome: reply[0] };
      case 'ignored':
        return { outcome: 'ignored', reason: ignoredReason('assigned', reply[1]) };
      default:
        throw new ScriptReplyError('assigned', reply);
    }
  }

  /** ConversationResolved, ConversationClosed or ConversationMissed: the agent whose slot was freed. */
  async released(organizationId: string, chatId: string): Promise<{ agentId: string | null }> {
    const reply = await this.run('released', organizationId, [requireId('chatId', chatId)]);
    return { agentId: replyOptionalString('released', reply) };
  }

  /** A live chat, or null when unknown or released. */
  async chat(organizationId: string, chatId: string): Promise<ChatView | null> {
    const key = routingKey(organizationId, 'chat', requireId('chatId', chatId));
    const fields = await this.read(organizationId, () => this.redis.hgetall(key));
    if (fields.ended !== undefined || fields.channel === undefined) return null;
    return {
      chatId,
      groupId: fields.groupId ?? '',
      channel: requireChannel(fields.channel),
      customerId: fields.customerId ?? '',
      agentId: fields.agentId ?? null,
      reserved: fields.reserved === '1',
      queuedAtMs: fields.queuedAt === undefined ? null : Number(fields.queuedAt),
    };
  }

  /** The agent let the chat pass (auto-transfer): it is never offered this chat again. False for an unknown chat. */
  async markPassed(organizationId: string, chatId: string, agentId: string): Promise<boolean> {
    const reply = await this.run('markPassed', organizationId, [
      requireId('chatId', chatId),
      requireId('agentId', agentId),
    ]);
    return replyNumber('mark-passed', reply) === 1;
  }

  // ── decisions ───────────────────────────────────────────────────────────────────────────

  /**
   * Picks and takes, atomically, the group's next chat and its agent (policy: reserve-next.lua.ts).
   * `leaseId` names the lease timer stored beforehand that hands the chat back should the caller
   * die (`leasedChat`); the dispatcher always gives one.
   */
  async reserveNext(
    organizationId: string,
    groupId: string,
    nowMs: number,
    leaseId?: string,
  ): Promise<Reservation | null> {
    const reply = await this.run('reserveNext', organizationId, [
      requireId('groupId', groupId),
      requireTime('nowMs', nowMs),
      ...(leaseId === undefined ? [] : [requireId('leaseId', leaseId)]),
    ]);
    if (reply === null) return null;
    const [chatId, agentId, queuedAtMs] = replyArray('reserve-next', reply);
    return {
      chatId: replyString('reserve-next', chatId),
      agentId: replyString('reserve-next', agentId),
      queuedAtMs: replyNumber('reserve-next', queuedAtMs),
    };
  }

  /**
   * The assign command of a reservation failed, or its lease ran out: undo it. False when it is no
   * longer reserved to that agent (or, given `leaseId`, no longer under that lease).
   */
  async cancelReservation(
    organizationId: string,
    chatId: string,
    agentId: string,
    queuedAtMs: number,
    leaseId?: string,
  ): Promise<boolean> {
    const reply = await this.run('cancelReservation', organizationId, [
      requireId('chatId', chatId),
      requireId('agentId', agentId),
      requireTime('queuedAtMs', queuedAtMs),
      ...(leaseId === undefined ? [] : [requireId('leaseId', leaseId)]),
    ]);
    return replyNumber('cancel-reservation', reply) === 1;
  }

  /** The chat reserved under the lease and not yet confirmed or undone, or null (I6, prelude.lua.ts). */
  async leasedChat(organizationId: string, leaseId: string): Promise<string | null> {
    return this.redis.get(routingKey(organizationId, 'lease', requireId('leaseId', leaseId)));
  }

  // ── queue ───────────────────────────────────────────────────────────────────────────────

  /** The group's queue in order. With `nowMs`, entries that waited the queue target or longer are `pastTarget`. */
  async queue(organizationId: string, groupId: string, nowMs?: number): Promise<QueueEntry[]> {
    if (nowMs !== undefined) requireTime('nowMs', nowMs);
    const flat = replyArray('queue-view', await this.run('queueView', organizationId, [requireId('groupId', groupId)]));
    const entries: QueueEntry[] = [];
    for (let i = 0; i + 2 < flat.length; i += 3) {
      const queuedAtMs = replyNumber('queue-view', flat[i + 2]);
      entries.push({
        chatId: replyString('queue-view', flat[i]),
        customerId: replyString('queue-view', flat[i + 1]),
        position: entries.length + 1,
        queuedAtMs,
        pastTarget: nowMs !== undefined && nowMs - queuedAtMs >= this.queueTargetMs,
      });
    }
    return entries;
  }

  /** The chat's group and 1-based place in its queue, or null when it is not queued. */
  async position(organizationId: string, chatId: string): Promise<QueuePosition | null> {
    const reply = await this.run('queuePosition', organizationId, [requireId('chatId', chatId)]);
    if (reply === null) return null;
    const [groupId, position] = replyArray('queue-position', reply);
    return { groupId: replyString('queue-position', groupId), position: replyNumber('queue-position', position) };
  }

  /**
   * Estimated wait in seconds at `position` of the group's queue (estimate-wait.ts), or null.
   * "Today" for the median fallback is the UTC day of `nowMs`.
   */
  async estimatedWaitSeconds(
    organizationId: string,
    groupId: string,
    position: number,
    nowMs: number,
  ): Promise<number | null> {
    return (await this.waitEstimator(organizationId, groupId, nowMs))(position);
  }

  /**
   * The group's wait estimate at any position, from one read of its inputs: a whole queue's
   * positions cost one Redis call, not one each (the inputs do not depend on the position).
   */
  async waitEstimator(
    organizationId: string,
    groupId: string,
    nowMs: number,
  ): Promise<(position: number) => number | null> {
    requireTime('nowMs', nowMs);
    const [drained, median] = replyArray(
      'wait-inputs',
      await this.run('waitInputs', organizationId, [requireId('groupId', groupId), nowMs, Math.floor(nowMs / DAY_MS)]),
    );
    const medianWaitMs = replyOptionalString('wait-inputs', median);
    const drainedInWindow = replyNumber('wait-inputs', drained);
    const medianMs = medianWaitMs === null ? null : replyNumber('wait-inputs', medianWaitMs);
    return (position) => {
      if (!Number.isSafeInteger(position) || position < 1)
        throw new RangeError(`routing state: position must be a positive integer, got ${position}`);
      return estimateWaitSeconds({ position, drainedInWindow, medianWaitMs: medianMs });
    };
  }

  private async run(
    script: keyof typeof scripts,
    organizationId: string,
    args: readonly (string | number)[],
  ): Promise<unknown> {
    const baseKey = organizationBaseKey(organizationId);
    this.recovery?.watch(organizationId);
    for (let runs = 0; ; runs++) {
      try {
        return await scripts[script].run(this.redis, baseKey, args, organizationId);
      } catch (error) {
        if (!(error instanceof RoutingStateLostError) || !this.recovery || runs >= RUNS_AFTER_RECOVERY) throw error;
        await this.recovery.recover(organizationId);
      }
    }
  }

  /**
   * A plain read that decisions depend on, checked like a script: the epoch key is asked first
   * on the same connection, so a read of a lost state is never taken for "nothing there".
   */
  private async read<T>(organizationId: string, read: () => Promise<T>): Promise<T> {
    const epochKey = routingKey(organizationId, 'epoch');
    this.recovery?.watch(organizationId);
    for (let runs = 0; ; runs++) {
      const [epoch, value] = await Promise.all([this.redis.exists(epochKey), read()]);
      if (epoch === 1) return value;
      if (!this.recovery || runs >= RUNS_AFTER_RECOVERY) throw new RoutingStateLostError(organizationId);
      await this.recovery.recover(organizationId);
    }
  }
}

function ignoredReason(script: string, reply: unknown): IgnoredReason {
  if (reply === 'unknown_chat' || reply === 'ended') return reply;
  throw new ScriptReplyError(script, reply);
}
