import type { RestorePart } from '../state/routing-restore.js';
import type { RoutingTimer } from '../timers/routing-timers.js';
import type { AgentSnapshot } from './fold-agent.js';
import type { ChatSnapshot, ConversationFold } from './fold-conversation.js';

/** A slot to give back, in the order the agents took them. */
export interface Hold {
  chatId: string;
  agentId: string;
  assignedAtMs: number;
}

/** Everything one rebuild writes for an organization, in the order it must be written. */
export interface RestorePlan {
  /** Live chats, in queue order (first queued time, then arrival): queue places are handed out in this order. */
  chats: ChatSnapshot[];
  /** The slots of held chats, oldest assignment first, so that agents' last assignments come out in order. */
  holds: Hold[];
  agents: AgentSnapshot[];
  /** Each agent's last assignment in the streams read, oldest first (the order reserve-next prefers agents in). */
  lastAssignments: { agentId: string; atMs: number }[];
  /** Every stream read, with the version the state now reflects (the subscription's positions). */
  positions: { streamId: string; version: number }[];
  /** The groups of the live chats, so that the dispatcher finds them (group-modes.ts). */
  groupIds: string[];
  timers: { timer: RoutingTimer; dueAtMs: number }[];
}

export interface RestoreSettings {
  organizationId: string;
  nowMs: number;
  /** ROUTING_AUTO_TRANSFER_SECONDS. */
  autoTransferMs: number;
  /**
   * How long after the rebuild an agent that is online by its stream, but whose socket no gateway
   * has reported yet, is taken offline: the presence grace plus the gateways' refresh period.
   */
  presenceWaitMs: number;
  /** CHAT_ABANDON_SECONDS: a queued chat's customer is looked for again this long after the rebuild. */
  abandonMs: number;
}

/**
 * Turns the folded streams of one organization into what to write (pure: no Redis, no clock).
 * Timers are those the live handlers would have pending: an auto-transfer for each chat held by
 * a human agent who has not written since the assignment (routing-event-handler.ts), and a
 * presence grace for each agent that is not offline, which a gateway's presence report clears
 * (agent-status.service.ts); a `customer_left` check for each queued chat, one period after the
 * rebuild (the gateways' refresh reports the sockets meanwhile), and an `inactivity` check of
 * each live chat an agent holds, due at once: the conversation service closes those silent for
 * the period and refuses the others, which are looked at again one period later
 * (customers/chat-expiry.ts). Reservations are not restored: a chat reserved but not yet assigned
 * is queued by its stream, and the AgentAssigned of an assign command still in flight moves it.
 */
export function planRestore(
  folds: ReadonlyMap<string, ConversationFold>,
  agents: readonly AgentSnapshot[],
  settings: RestoreSettings,
  /**
   * Positions of streams not folded (their chats ended), read before the folded ones were
   * found: an event of such a stream that comes late changes nothing (the state holds no chat
   * of it), and one that reopened it since made it live, so folded, and its position is the fold's.
   */
  endedPositions: readonly { streamId: string; version: number }[] = [],
): RestorePlan {
  const chats: ChatSnapshot[] = [];
  const positions: RestorePlan['positions'] = [];
  const lastAssigned = new Map<string, number>();
  for (const [streamId, fold] of folds) {
    positions.push({ streamId, version: fold.version });
    if (fold.chat) chats.push(fold.chat);
    for (const [agentId, atMs] of Object.entries(fold.lastAssignedAtMs))
      lastAssigned.set(agentId, Math.max(lastAssigned.get(agentId) ?? 0, atMs));
  }
  for (const position of endedPositions) if (!folds.has(position.streamId)) positions.push(position);
  chats.sort(byQueueOrder);
  const holds: Hold[] = chats
    .filter((chat) => chat.holder !== null)
    .map((chat) => ({ chatId: chat.chatId, agentId: chat.holder!.agentId, assignedAtMs: chat.holder!.assignedAtMs }))
    .sort((a, b) => a.assignedAtMs - b.assignedAtMs || compare(a.chatId, b.chatId));
  const organization_id = settings.organizationId;
  const timers: RestorePlan['timers'] = [];
  for (const chat of chats) {
    const holder = chat.holder;
    if (!holder) {
      if (chat.queuedAtMs !== null)
        timers.push({
          timer: { kind: 'customer_left', organization_id, chat_id: chat.chatId },
          dueAtMs: settings.nowMs + settings.abandonMs,
        });
      continue;
    }
    if (chat.channel === 'chat')
      timers.push({ timer: { kind: 'inactivity', organization_id, chat_id: chat.chatId }, dueAtMs: settings.nowMs });
    if (holder.kind !== 'human' || holder.replied) continue;
    timers.push({
      timer: {
        kind: 'auto_transfer',
        organization_id,
        chat_id: chat.chatId,
        agent_id: holder.agentId,
        group_id: chat.groupId,
      },
      dueAtMs: holder.assignedAtMs + settings.autoTransferMs,
    });
  }
  for (const agent of agents) {
    if (agent.status === 'offline') continue;
    timers.push({
      timer: { kind: 'presence_grace', organization_id, agent_id: agent.agentId },
      dueAtMs: settings.nowMs + settings.presenceWaitMs,
    });
  }
  return {
    chats,
    holds,
    agents: [...agents].sort((a, b) => compare(a.agentId, b.agentId)),
    lastAssignments: [...lastAssigned]
      .map(([agentId, atMs]) => ({ agentId, atMs }))
      .sort((a, b) => a.atMs - b.atMs || compare(a.agentId, b.agentId)),
    positions: positions.sort((a, b) => compare(a.streamId, b.streamId)),
    groupIds: [...new Set(chats.map((chat) => chat.groupId))].sort(compare),
    timers,
  };
}

/** Chats (or slots) per restore script: each part blocks Redis for a few milliseconds at most. */
const PART_SIZE = 200;

/**
 * The plan in parts of bounded size, in the order they must be written: agents (a few hundred
 * at most per organization, one part), chats with their positions, other positions, slots.
 */
export function restoreParts(plan: RestorePlan): RestorePart[] {
  const parts: RestorePart[] = [
    { agents: plan.agents, lastAssignments: plan.lastAssignments, groupIds: plan.groupIds },
  ];
  const positionOf = new Map(plan.positions.map((position) => [position.streamId, position]));
  const written = new Set<string>();
  for (let i = 0; i < plan.chats.length; i += PART_SIZE) {
    const chats = plan.chats.slice(i, i + PART_SIZE);
    const positions = chats.flatMap((chat) => {
      const position = positionOf.get(`conversation-${chat.chatId}`);
      if (!position) return [];
      written.add(position.streamId);
      return [position];
    });
    parts.push({ chats, positions });
  }
  const rest = plan.positions.filter((position) => !written.has(position.streamId));
  for (let i = 0; i < rest.length; i += PART_SIZE) parts.push({ positions: rest.slice(i, i + PART_SIZE) });
  for (let i = 0; i < plan.holds.length; i += PART_SIZE) parts.push({ holds: plan.holds.slice(i, i + PART_SIZE) });
  return parts;
}

function byQueueOrder(a: ChatSnapshot, b: ChatSnapshot): number {
  if (a.queuedAtMs !== b.queuedAtMs) {
    if (a.queuedAtMs === null) return 1;
    if (b.queuedAtMs === null) return -1;
    return a.queuedAtMs - b.queuedAtMs;
  }
  return (a.queueOrder ?? 0) - (b.queueOrder ?? 0) || compare(a.chatId, b.chatId);
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
