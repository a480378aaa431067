import { ChatSystem, waitFor, type RtmTestClient } from '@livedesk/testing';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createDatabase, EventStore } from '@livedesk/event-store';

const WEEKDAYS = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'] as const;

/** Open all day, three days from now (UTC) only: closed today, also should the test run across midnight. */
function hoursExcludingNow(): { time_zone: string; weekly: { day: string; from: string; to: string }[] } {
  const day = WEEKDAYS[(new Date().getUTCDay() + 3) % 7]!;
  return { time_zone: 'UTC', weekly: [{ day, from: '00:00', to: '24:00' }] };
}

// Business hours decide whether a chat may start (docs/protocol.md, `start_chat`): outside them
// the gateway answers `unavailable` / `offline` over a real socket, opens nothing, and the
// customer may leave a message instead, or write in the messaging channel, open at any hour.
describe('business hours', () => {
  let system: ChatSystem;
  const sockets: RtmTestClient[] = [];

  async function patch(orgId: string, body: unknown): Promise<number> {
    const response = await fetch(`${system.gatewayUrl()}/v1/organizations/${orgId}`, {
      method: 'PATCH',
      headers: { authorization: `Bearer ${system.adminToken}`, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    return response.status;
  }

  beforeAll(async () => {
    system = await ChatSystem.start({ gateways: 1 });
  });

  afterAll(async () => {
    for (const socket of sockets) socket.drop();
    await system?.stop();
  });

  it('refuses start_chat outside business hours as offline, opens nothing, and takes a message instead', async () => {
    const org = await system.createOrganization('Closed shop');
    expect(await patch(org.organization_id, { business_hours: hoursExcludingNow() })).toBe(200);
    const customer = await system.connect('customer', await system.customerToken(org.organization_id));
    sockets.push(customer);

    const refused = await customer.request('start_chat', { message: { text: 'are you there?' } });
    expect(refused.success).toBe(false);
    expect(refused.payload.error).toMatchObject({ code: 'unavailable', reason: 'offline' });
    expect(refused.payload.error.retry_after_ms).toBeUndefined();
    // Nothing was opened.
    expect((await customer.call('list_chats', {})).chats).toEqual([]);

    // The customer leaves a message: a chat is opened for it and ends at once (missed, no_agents).
    const left = await customer.call('leave_message', { email: 'ann@example.test', text: 'Call me tomorrow' });
    const db = createDatabase(system.database.url, { max: 1 });
    try {
      const events = await new EventStore(db).readStream(`conversation-${left.chat_id}`);
      expect(events.map((event) => event.type)).toEqual([
        'ConversationStarted',
        'ConversationQueued',
        'OfflineMessageLeft',
        'ConversationMissed',
        'ConversationClosed',
      ]);
    } finally {
      await db.destroy();
    }

    // Messaging is asynchronous: a messaging chat starts at any hour and waits for the agents.
    const written = await customer.call('start_chat', { channel: 'messaging', message: { text: 'by email is fine' } });
    expect((await customer.call('list_chats', {})).chats).toEqual(
      expect.arrayContaining([expect.objectContaining({ chat_id: written.chat_id, status: 'queued' })]),
    );

    // Open again (no hours: always open): a chat starts, on this replica too once it heard of the change.
    expect(await patch(org.organization_id, { business_hours: null })).toBe(200);
    const started = await waitFor(
      async () => {
        const reply = await customer.request('start_chat', { message: { text: 'now?' } });
        return reply.success ? (reply.payload as { chat_id: string }) : false;
      },
      { timeoutMs: 10_000, intervalMs: 200, what: 'start_chat accepted after the hours were cleared' },
    );
    expect(started.chat_id).toEqual(expect.any(String));
  });

  it('starts chats inside business hours, and refuses bad input before the hours', async () => {
    const org = await system.createOrganization('Open shop');
    const always = { time_zone: 'UTC', weekly: WEEKDAYS.map((day) => ({ day, from: '00:00', to: '24:00' })) };
    expect(await patch(org.organization_id, { business_hours: always })).toBe(200);
    const customer = await system.connect('customer', await system.customerToken(org.organization_id));
    sockets.push(customer);
    expect((await customer.call('start_chat', { message: { text: 'hello' } })).chat_id).toEqual(expect.any(String));
    const bad = await customer.request('start_chat', { channel: 'fax' });
    expect(bad.payload.error).toMatchObject({ code: 'validation' });
    const unknownGroup = await customer.request('start_chat', { group_id: 'no-such-group' });
    expect(unknownGroup.payload.error).toMatchObject({ code: 'not_found', reason: 'group_not_found' });
  });
});
