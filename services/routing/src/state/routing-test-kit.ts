import { randomUUID } from 'node:crypto';
import type { Channel, RoutingStatus } from '@livedesk/contracts';
import type { Redis } from 'ioredis';
import { FREE_LEVELS, TIME_SPAN_MS } from './prelude.lua.js';
import type { RoutingState, StateLossRecovery } from './routing-state.js';
import { organizationBaseKey, routingKey } from './routing-keys.js';

/** Helpers shared by the state's integration specs (no assertions library, so no jest import). */

let organizationCount = 0;
/** A fresh organization per test: tests of one spec file share its Redis key prefix, not their data. */
/**
 * An organization id no other test uses: spec files run side by side on one Redis (each behind
 * its own key prefix), and a test that scans for an organization's keys across prefixes must
 * find its own only.
 */
export function freshOrganization(): string {
  organizationCount += 1;
  return `org-${organizationCount}-${randomUUID().slice(0, 8)}`;
}

/**
 * The recovery of an organization whose event store holds nothing for routing: its rebuilt
 * state is empty but for the epoch. State specs start every fresh organization this way.
 */
export function emptyHistoryRecovery(redis: Redis): StateLossRecovery {
  return {
    watch: () => undefined,
    async recover(organizationId) {
      await redis.set(routingKey(organizationId, 'epoch'), 'test: no history', 'NX');
    },
  };
}

export async function addAgents(
  state: RoutingState,
  organizationId: string,
  agentIds: readonly string[],
  options: { groupIds?: string[]; chat?: number; messaging?: number; status?: RoutingStatus; nowMs?: number } = {},
): Promise<void> {
  for (const agentId of agentIds) {
    await state.upsertAgent(organizationId, {
      agentId,
      groupIds: options.groupIds ?? ['g'],
      maxChats: { chat: options.chat ?? 3, messaging: options.messaging ?? 8 },
    });
    await state.setStatus(organizationId, agentId, options.status ?? 'accepting', options.nowMs ?? 0);
  }
}

export async function queueChat(
  state: RoutingState,
  organizationId: string,
  chatId: string,
  queuedAtMs: number,
  options: { groupId?: string; channel?: Channel; customerId?: string } = {},
): Promise<void> {
  const groupId = options.groupId ?? 'g';
  await state.chatStarted(organizationId, {
    chatId,
    groupId,
    channel: options.channel ?? 'chat',
    customerId: options.customerId ?? `customer-of-${chatId}`,
  });
  await state.enqueue(organizationId, chatId, groupId, queuedAtMs);
}

/** Every agent's load within its limits and equal to the chats it holds; returns the violations. */
export async function capacityViolations(
  state: RoutingState,
  organizationId: string,
  agentIds: readonly string[],
): Promise<string[]> {
  const violations: string[] = [];
  for (const agentId of agentIds) {
    const agent = await state.agent(organizationId, agentId);
    if (!agent) continue;
    const chats = await state.agentChats(organizationId, agentId);
    if (agent.load.chat > agent.maxChats.chat)
      violations.push(`${agentId}: ${agent.load.chat} chat > ${agent.maxChats.chat}`);
    if (agent.load.messaging > agent.maxChats.messaging)
      violations.push(`${agentId}: ${agent.load.messaging} messaging > ${agent.maxChats.messaging}`);
    if (agent.load.chat + agent.load.messaging !== chats.length)
      violations.push(`${agentId}: load ${JSON.stringify(agent.load)} but holds ${chats.length}`);
    if (agent.load.chat < 0 || agent.load.messaging < 0) violations.push(`${agentId}: negative load`);
  }
  return violations;
}

/**
 * Compares the availability index (I5, prelude.lua.ts) with what the agents' hashes say: each
 * accepting agent with free slots on a channel is filed once, under its current member and
 * score, in each of its groups; nobody else is. Returns the differences.
 */
export async function availabilityIndexViolations(
  redis: Redis,
  state: RoutingState,
  organizationId: string,
  agentIds: readonly string[],
  groupIds: readonly string[],
): Promise<string[]> {
  const base = organizationBaseKey(organizationId);
  const violations: string[] = [];
  const expected = new Map<string, Map<string, string>>(); // index key → member → score
  for (const groupId of groupIds) {
    for (const channel of ['chat', 'messaging'] as const)
      expected.set(`${base}available:${channel}:${groupId}`, new Map());
  }
  for (const agentId of agentIds) {
    const agent = await state.agent(organizationId, agentId);
    if (agent?.status !== 'accepting') continue;
    const [seq, member] = await redis.hmget(`${base}agent:${agentId}`, 'lastAssignedSeq', 'indexMember');
    const wantedMember = `${String(seq ?? 0).padStart(16, '0')}:${agentId}`;
    if (member !== wantedMember)
      violations.push(`${agentId}: index member ${member ?? 'none'}, wanted ${wantedMember}`);
    for (const channel of ['chat', 'messaging'] as const) {
      const free = agent.maxChats[channel] - agent.load[channel];
      if (free <= 0) continue;
      const score = (FREE_LEVELS - Math.min(free, FREE_LEVELS)) * TIME_SPAN_MS + (agent.lastAssignedAtMs ?? -1) + 1;
      for (const groupId of agent.groupIds)
        expected.get(`${base}available:${channel}:${groupId}`)?.set(wantedMember, String(score));
    }
  }
  for (const [key, members] of expected) {
    const actual = await redis.zrange(key, 0, -1, 'WITHSCORES');
    const found = new Map<string, string>();
    for (let i = 0; i < actual.length; i += 2) found.set(actual[i]!, actual[i + 1]!);
    for (const [member, score] of members) {
      if (found.get(member) !== score)
        violations.push(`${key}: ${member} should have score ${score}, has ${found.get(member) ?? 'none'}`);
    }
    for (const member of found.keys())
      if (!members.has(member)) violations.push(`${key}: ${member} should not be there`);
  }
  return violations;
}
