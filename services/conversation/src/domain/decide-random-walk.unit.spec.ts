import { describe, expect, it } from '@jest/globals';
import { ChatSummary, DomainError, type Actor } from '@livedesk/contracts';
import { toChatSummary } from './chat-summary.js';
import type { ConversationCommand } from './conversation-commands.js';
import { initialState, type ConversationState } from './conversation-state.js';
import { decide } from './decide.js';
import {
  alice,
  bob,
  bot,
  chatId,
  customer,
  groupId,
  otherGroupId,
  routing,
  strangerCustomer,
  supervisor,
} from './testing/fixtures.js';
import { expectValidEvents, stateOf } from './testing/given-when-then.js';

/** mulberry32: a seeded generator, so that a failing walk can be replayed from its seed. */
function random(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const actors: Actor[] = [customer, strangerCustomer, alice, bob, bot, supervisor, routing];
const agents = [alice, bob, bot];

function randomCommand(next: () => number, step: number, state: ConversationState): ConversationCommand {
  const pick = <T>(items: readonly T[]): T => items[Math.floor(next() * items.length)]!;
  const actor = pick(actors);
  const agent = pick(agents);
  const messageIds = state.status === 'none' ? [] : [...state.messages.keys()];
  const builders: Array<() => ConversationCommand> = [
    () => ({ type: 'start', actor: customer, chatId, channel: 'chat', groupId }),
    () => ({
      type: 'post_message',
      actor,
      messageId: `m${step}`,
      text: 'hello',
      ...(next() < 0.5 ? { clientId: pick(['c1', 'c2', 'c3']) } : {}),
      attachments: [],
    }),
    () => ({ type: 'join', actor }),
    () => ({ type: 'assign', actor: routing, agentId: agent.id, agentKind: agent.agent_kind }),
    () => ({
      type: 'transfer',
      actor,
      target:
        next() < 0.5 ? { agentId: agent.id, agentKind: agent.agent_kind } : { groupId: pick([groupId, otherGroupId]) },
    }),
    () => ({ type: 'mark_seen', actor, seenUpTo: pick([...messageIds, 'm-unknown']) }),
    () => ({ type: 'rate', actor: pick([customer, actor]), score: 1 + Math.floor(next() * 5) }),
    () => ({ type: 'resolve', actor }),
    () => ({ type: 'close', actor: pick([customer, actor]) }),
    () => ({
      type: 'mark_missed',
      actor: routing,
      reason: pick(['left_in_queue', 'unanswered', 'no_agents'] as const),
    }),
    () => ({ type: 'add_tag', actor, tag: pick(['vip', 'refund']) }),
    () => ({ type: 'remove_tag', actor, tag: pick(['vip', 'refund']) }),
  ];
  return pick(builders)();
}

function expectConsistent(state: ConversationState, eventCount: number): void {
  expect(state.version).toBe(eventCount);
  if (state.status === 'none') return;
  // Only an active chat has an agent; the list of agents holds each once.
  expect(state.assignedAgentId !== null).toBe(state.status === 'active');
  expect(new Set(state.agentIds).size).toBe(state.agentIds.length);
  ChatSummary.parse(toChatSummary(state));
}

describe('decide and evolve over random command sequences', () => {
  it('keep every event valid, every refusal a DomainError, and the state consistent', () => {
    for (let seed = 1; seed <= 300; seed++) {
      const next = random(seed);
      const history = [];
      let state = initialState;
      for (let step = 0; step < 60; step++) {
        const command = randomCommand(next, step, state);
        let events: ReturnType<typeof decide>;
        try {
          events = decide(command, state);
        } catch (error) {
          if (!(error instanceof DomainError)) throw new Error(`seed ${seed}, step ${step}: ${String(error)}`);
          continue;
        }
        expectValidEvents(events);
        history.push(...events);
        state = stateOf(events, state);
        expectConsistent(state, history.length);
      }
      expect(stateOf(history)).toEqual(state);
    }
  });
});
