import type { Channel, RoutingStatus } from '@livedesk/contracts';
import type { RoutingState } from './routing-state.js';

/** Helpers shared by the state's integration specs (no assertions library, so no jest import). */

let organizationCount = 0;
/** A fresh organization per test: tests of one spec file share its Redis key prefix, not their data. */
export function freshOrganization(): string {
  organizationCount += 1;
  return `org-${organizationCount}`;
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
  await state.chatStarted(organizationId, { chatId, groupId, channel: options.channel ?? 'chat', customerId: options.customerId ?? `customer-of-${chatId}` });
  await state.enqueue(organizationId, chatId, groupId, queuedAtMs);
}

/** Every agent's load within its limits and equal to the chats it holds; returns the violations. */
export async function capacityViolations(state: RoutingState, organizationId: string, agentIds: readonly string[]): Promise<string[]> {
  const violations: string[] = [];
  for (const agentId of agentIds) {
    const agent = await state.agent(organizationId, agentId);
    if (!agent) continue;
    const chats = await state.agentChats(organizationId, agentId);
    if (agent.load.chat > agent.maxChats.chat) violations.push(`${agentId}: ${agent.load.chat} chat > ${agent.maxChats.chat}`);
    if (agent.load.messaging > agent.maxChats.messaging) violations.push(`${agentId}: ${agent.load.messaging} messaging > ${agent.maxChats.messaging}`);
    if (agent.load.chat + agent.load.messaging !== chats.length) violations.push(`${agentId}: load ${JSON.stringify(agent.load)} but holds ${chats.length}`);
    if (agent.load.chat < 0 || agent.load.messaging < 0) violations.push(`${agentId}: negative load`);
  }
  return violations;
}
