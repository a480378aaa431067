import { describe, expect, it } from '@jest/globals';
import type { RecordedEvent } from '@livedesk/event-store';
import { decodeEvent } from './decoded-event.js';

const recorded = (streamId: string, type: string, data: unknown, schemaVersion = 1): RecordedEvent => ({
  globalPosition: 1,
  transactionId: '1',
  eventId: 'e1',
  streamId,
  streamVersion: 1,
  organizationId: 'org-1',
  type,
  schemaVersion,
  data,
  metadata: {},
  occurredAt: new Date(0),
});

describe('decodeEvent', () => {
  it("takes each projected stream's category and the id after it", () => {
    const cases = [
      ['conversation-c-1', 'ConversationQueued', { group_id: 'g' }, 'conversation', 'c-1'],
      ['sla-c-1', 'SlaBreached', {}, 'sla', 'c-1'],
      ['slapolicy-org-1', 'SlaPolicySet', {}, 'slapolicy', 'org-1'],
      ['agent-a-1', 'AgentStatusChanged', {}, 'agent', 'a-1'],
      ['organization-org-1', 'OrganizationCreated', {}, 'organization', 'org-1'],
      ['ticket-t-1', 'TicketCreated', {}, 'ticket', 't-1'],
    ] as const;
    for (const [streamId, type, data, category, id] of cases) {
      const decoded = decodeEvent(recorded(streamId, type, data));
      expect([decoded?.category, decoded?.id, decoded?.event.type]).toEqual([category, id, type]);
    }
  });

  it('leaves out other streams, streams without a category and types it does not know', () => {
    for (const streamId of ['customer-c-1', 'agents-a-1', 'slap-x', 'conversation', 'conversationx-1', '-c-1']) {
      expect(decodeEvent(recorded(streamId, 'ConversationQueued', { group_id: 'g' }))).toBeUndefined();
    }
    expect(decodeEvent(recorded('conversation-c-1', 'NoSuchEvent', {}))).toBeUndefined();
  });

  it('upcasts older schema versions', () => {
    const decoded = decodeEvent(
      recorded('conversation-c-1', 'MessagePosted', {
        message_id: 'm',
        author_kind: 'agent',
        author_id: 'a',
        text: 'x',
      }),
    );
    expect(decoded?.event.data).toMatchObject({ author: { kind: 'agent', id: 'a' } });
  });
});
