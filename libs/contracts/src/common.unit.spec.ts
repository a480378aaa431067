import { describe, expect, it } from '@jest/globals';
import { allEvents } from './all-events.js';
import { SafeString, toStorableText } from './common.js';
import { conversationCommands } from './conversation/commands.js';
import { agentActions, customerActions } from './protocol/actions.js';
import { CreateAgentRequest } from './protocol/http.js';
import { NoteRequest, ReplyRequest } from './ticket/http.js';

const UNSTORABLE = 'must not contain NUL (U+0000) or unpaired UTF-16 surrogates';

describe('SafeString: the string of every contract', () => {
  it('refuses NUL, which Postgres cannot store (a 500 / internal before)', () => {
    const parsed = SafeString.safeParse('before\u0000after');
    expect(parsed.success).toBe(false);
    expect(parsed.error?.issues[0]?.message).toBe(UNSTORABLE);
  });

  it('refuses a lone high or low surrogate, which jsonb cannot store', () => {
    expect(SafeString.safeParse('a\uD800').success).toBe(false);
    expect(SafeString.safeParse('\uDC00b').success).toBe(false);
    expect(SafeString.safeParse('\uDE00\uD83D').success).toBe(false);
  });

  it('accepts every other character, surrogate pairs (emoji) and control characters included', () => {
    expect(SafeString.safeParse('hello 👋 \t\n\u0001 é 漢').success).toBe(true);
  });

  it('keeps its refusal under length bounds chained after it', () => {
    const bounded = SafeString.min(1).max(5);
    expect(bounded.safeParse('ab\u0000').success).toBe(false);
    expect(bounded.safeParse('abcdef').success).toBe(false);
    expect(bounded.safeParse('abc').success).toBe(true);
  });

  it('guards protocol actions, NATS commands, HTTP bodies and events alike', () => {
    const message = { type: 'message', text: 'hi\u0000', client_id: 'c-1' };
    expect(customerActions.send_event.request.safeParse({ chat_id: 'chat-1', event: message }).success).toBe(false);
    expect(
      agentActions.send_event.request.safeParse({ chat_id: 'chat\uD800', event: { ...message, text: 'hi' } }).success,
    ).toBe(false);
    expect(
      conversationCommands.post_message.request.safeParse({
        command_id: '3b241101-e2bb-4255-8caf-4136c566a962',
        organization_id: 'org-1',
        actor: { kind: 'customer', id: 'c-1' },
        chat_id: 'chat-1',
        message: { text: 'x\u0000' },
      }).success,
    ).toBe(false);
    expect(
      CreateAgentRequest.safeParse({ email: 'a@b.test', name: 'Ann\u0000', password: 'long enough', role: 'agent' })
        .success,
    ).toBe(false);
    expect(ReplyRequest.safeParse({ client_id: 'c', text: 'x\uDFFF' }).success).toBe(false);
    expect(() => allEvents.encode('TagAdded', { tag: 'vip\u0000' })).toThrow(UNSTORABLE);
  });
});

describe('toStorableText: inbound mail, which cannot be refused field by field', () => {
  it('replaces NUL and lone surrogates with U+FFFD and keeps surrogate pairs', () => {
    expect(toStorableText('a\u0000b\uD800c👋\uDC00')).toBe('a\uFFFDb\uFFFDc👋\uFFFD');
    expect(SafeString.safeParse(toStorableText('x\u0000\uDBFF')).success).toBe(true);
  });
});

describe('report_goal value: finite and bounded', () => {
  it('refuses a value above 1e12 (two near Number.MAX_VALUE summed to Infinity in metrics)', () => {
    expect(
      customerActions.report_goal.request.safeParse({ chat_id: 'c', goal: 'purchase', value: 1.7e308 }).success,
    ).toBe(false);
    expect(
      customerActions.report_goal.request.safeParse({ chat_id: 'c', goal: 'purchase', value: 1e12 + 1 }).success,
    ).toBe(false);
    expect(customerActions.report_goal.request.safeParse({ chat_id: 'c', goal: 'purchase', value: 1e12 }).success).toBe(
      true,
    );
    expect(
      customerActions.report_goal.request.safeParse({ chat_id: 'c', goal: 'purchase', value: Infinity }).success,
    ).toBe(false);
  });

  it('still decodes a GoalReported stored before the bound with a larger finite value', () => {
    expect(allEvents.decode('GoalReported', 1, { goal: 'purchase', value: 1.7e308 })).toEqual({
      goal: 'purchase',
      value: 1.7e308,
    });
  });
});

describe('ticket texts over HTTP: bounded in characters and in bytes as JSON', () => {
  it('accepts 65,536 characters of any ordinary text', () => {
    expect(NoteRequest.safeParse({ client_id: 'c', text: '漢'.repeat(65_536) }).success).toBe(true);
  });

  it('refuses control characters that would take the event past 384 KiB as JSON escapes', () => {
    const parsed = NoteRequest.safeParse({ client_id: 'c', text: '\u0001'.repeat(65_536) });
    expect(parsed.success).toBe(false);
    expect(parsed.error?.issues[0]?.message).toContain('bytes as JSON');
  });
});
