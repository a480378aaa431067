import { ChatSystem, type RtmTestClient } from '@livedesk/testing';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';

const RATE_PER_SECOND = 5;
const BURST = 10;
const CLOSE_AFTER = 30;

const forgeCursor = (value: unknown): string => Buffer.from(JSON.stringify(value)).toString('base64url');

// What a hostile client sends over the socket to make the gateway work for nothing or fail
// (issue 11, items 6 and 7), against the real gateway and conversation processes.
describe('hostile frames', () => {
  let system: ChatSystem;
  let org: { organization_id: string };
  let customerToken: string;
  let agentToken: string;
  const sockets: RtmTestClient[] = [];

  async function open(endpoint: 'customer' | 'agent', token?: string): Promise<RtmTestClient> {
    const socket = await system.connect(endpoint, token);
    sockets.push(socket);
    return socket;
  }

  beforeAll(async () => {
    system = await ChatSystem.start({
      env: {
        RTM_RATE_LIMIT_PER_SECOND: String(RATE_PER_SECOND),
        RTM_RATE_LIMIT_BURST: String(BURST),
        RTM_RATE_LIMIT_CLOSE_AFTER: String(CLOSE_AFTER),
      },
    });
    org = await system.createOrganization('Target');
    customerToken = await system.customerToken(org.organization_id);
    agentToken = (await system.createAgent(org.organization_id, { email: 'sam@target.test', role: 'supervisor' }))
      .token;
  });

  afterAll(async () => {
    for (const socket of sockets) socket.drop();
    await system?.stop();
  });

  it('2,000 unparsable frames are rate limited, and the flooding socket is closed with 1008', async () => {
    const bystander = await open('customer', customerToken);
    const flooder = await open('customer', customerToken);
    for (let i = 0; i < 2000; i++)
      flooder.sendRaw(i % 2 === 0 ? '{"request_id": "r-1", "action": ' : 'not json at all');
    const closed = await flooder.closed;
    expect(closed).toEqual({ code: 1008, reason: 'too many frames' });
    const answers = flooder.frames.filter((frame) => frame.type === 'response' && frame.request_id === null);
    const codes = answers.map((frame) => frame.payload.error.code);
    // The burst (less the login) is answered as what it is; then refusals, until the socket is closed.
    const answeredAsInvalid = codes.indexOf('rate_limited');
    expect(answeredAsInvalid).toBeGreaterThanOrEqual(BURST - 1);
    expect(answeredAsInvalid).toBeLessThanOrEqual(BURST + 2);
    expect(codes.slice(0, answeredAsInvalid).every((code) => code === 'validation')).toBe(true);
    expect(codes.slice(answeredAsInvalid).every((code) => code === 'rate_limited')).toBe(true);
    expect(answers.length).toBeLessThan(BURST + CLOSE_AFTER + 20);
    expect(answers.at(-1)!.payload.error.retry_after_ms).toBeGreaterThan(0);
    // Another socket of the same customer is served as before.
    expect((await bystander.call('list_chats', {})).chats).toEqual([]);
  });

  it('binary frames are charged to the rate limit too', async () => {
    const socket = await open('customer', customerToken);
    for (let i = 0; i < BURST + 5; i++) socket.sendRaw(Buffer.from([1, 2, 3]), { binary: true });
    const refusals = () => socket.frames.filter((frame) => frame.type === 'response' && frame.request_id === null);
    await socket.next(() => refusals().length === BURST + 5);
    const codes = refusals().map((frame) => frame.payload.error.code);
    expect(codes.filter((code) => code === 'rate_limited').length).toBeGreaterThanOrEqual(4);
  });

  it('a client that slows down after being refused is served again and stays connected', async () => {
    const socket = await open('customer', customerToken);
    const responses = await Promise.all(Array.from({ length: BURST + 10 }, () => socket.request('list_chats', {})));
    const limited = responses.filter((response) => !response.success);
    expect(limited.length).toBeGreaterThanOrEqual(8);
    // Refused frames keep their request id, so the client can retry them.
    expect(
      limited.every(
        (response) => typeof response.request_id === 'string' && response.payload.error.code === 'rate_limited',
      ),
    ).toBe(true);
    await new Promise((resolve) =>
      setTimeout(resolve, Math.max(...limited.map((response) => response.payload.error.retry_after_ms as number))),
    );
    expect((await socket.call('list_chats', {})).chats).toEqual([]);
  });

  const PROTOTYPE_NAMES = [
    'constructor',
    '__proto__',
    'toString',
    'hasOwnProperty',
    'valueOf',
    '__defineGetter__',
    'isPrototypeOf',
  ];

  it.each(PROTOTYPE_NAMES)(
    'action %s answers unknown_action, before and after login, on both endpoints',
    async (action) => {
      for (const endpoint of ['customer', 'agent'] as const) {
        const anonymous = await open(endpoint);
        expect((await anonymous.request(action, {})).payload.error).toMatchObject({
          code: 'validation',
          reason: 'unknown_action',
        });
        const loggedIn = await open(endpoint, endpoint === 'customer' ? customerToken : agentToken);
        expect((await loggedIn.request(action, {})).payload.error).toMatchObject({
          code: 'validation',
          reason: 'unknown_action',
        });
      }
    },
  );

  it.each([
    ['a date Postgres refuses', ['1', 'chat-1']],
    ['year zero', ['0000-01-01T00:00:00.000Z', 'chat-1']],
    ['a day that does not exist', ['2026-02-30T00:00:00.000Z', 'chat-1']],
    ['an id with a NUL', ['2026-12-05T07:41:12.345Z', 'chat\u0000']],
    ['an id that is an object', ['2026-12-05T07:41:12.345Z', { $ne: null }]],
  ])('a forged cursor with %s answers validation to list_chats', async (_what, value) => {
    const customer = await open('customer', customerToken);
    const agent = await open('agent', agentToken);
    for (const [socket, payload] of [
      [customer, {}],
      [agent, { filter: 'all' }],
    ] as const) {
      const response = await socket.request('list_chats', { ...payload, cursor: forgeCursor(value) });
      expect(response.payload.error).toMatchObject({ code: 'validation', reason: 'invalid_cursor' });
    }
  });
});
