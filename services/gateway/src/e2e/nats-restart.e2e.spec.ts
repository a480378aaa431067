import { ChatSystem, OwnNatsServer, waitUntilReady, type RtmTestClient } from '@livedesk/testing';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';

const TRIALS = 5;
const BURST = 5;
const OUTAGE_MS = 6000;
/** The promise of docs/nats-outages.md: a push arrives this soon after its event was stored, or after NATS came back. */
const PUSH_DEADLINE_MS = 2000;

interface Sent {
  text: string;
  version: number;
  storedAt: number;
}

/** When each `incoming_event` of the chat reached the socket, by version. */
function recordArrivals(client: RtmTestClient, chatId: string): Map<number, number> {
  const arrivals = new Map<number, number>();
  client.socket.on('message', (data) => {
    const frame = JSON.parse(data.toString());
    if (
      frame.type === 'push' &&
      frame.action === 'incoming_event' &&
      frame.payload.chat_id === chatId &&
      !arrivals.has(frame.payload.version)
    ) {
      arrivals.set(frame.payload.version, Date.now());
    }
  });
  return arrivals;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

// Issue 11, item 10: NATS killed and restarted under a running chat (sockets kept open). The
// NATS here is the test's own, on a port and store of its own; the shared one stays up.
describe('NATS restarted under a running chat', () => {
  let nats: OwnNatsServer;
  let system: ChatSystem;
  const sockets: RtmTestClient[] = [];

  beforeAll(async () => {
    nats = await OwnNatsServer.start();
    system = await ChatSystem.start({ natsUrl: nats.url, gateways: 2 });
  });

  afterAll(async () => {
    for (const socket of sockets) socket.drop();
    try {
      await nats?.restart();
      await system?.stop();
    } finally {
      await nats?.destroy();
    }
  });

  it('every push arrives within 2 s of its store and sends answer unavailable during the outage', async () => {
    const org = await system.createOrganization('Outage Ltd');
    const agent = await system.createAgent(org.organization_id, { email: 'agent@outage.test' });
    const customer = await system.connect('customer', await system.customerToken(org.organization_id), 0);
    const agentSocket = await system.connect('agent', agent.token, 1);
    sockets.push(customer, agentSocket);
    const { chat_id: chatId } = await customer.call('start_chat', { message: { text: 'hello', client_id: 'hello' } });
    await agentSocket.call('join_chat', { chat_id: chatId });
    const arrivals = recordArrivals(agentSocket, chatId);

    const send = async (text: string): Promise<Sent> => {
      const { event } = await customer.call('send_event', {
        chat_id: chatId,
        event: { type: 'message', text, client_id: text },
      });
      return { text, version: event.version, storedAt: Date.now() };
    };
    const report: string[] = [];
    const refusals: unknown[] = [];
    const pushDelays: number[] = [];
    const refusalTimes: number[] = [];

    for (let trial = 1; trial <= TRIALS; trial++) {
      // A burst, then NATS dies at once: the last messages are stored but not yet relayed.
      const burst: Sent[] = [];
      for (let i = 1; i <= BURST; i++) burst.push(await send(`t${trial}-m${i}`));
      await nats.kill();

      // During the outage a send is refused as unavailable, with a hint when to try again.
      await sleep(500);
      const refusedAt = Date.now();
      const refused = await customer.request('send_event', {
        chat_id: chatId,
        event: { type: 'message', text: `t${trial}-late`, client_id: `t${trial}-late` },
      });
      const refusalMs = Date.now() - refusedAt;
      refusals.push(refused.payload.error);
      refusalTimes.push(refusalMs);

      await sleep(OUTAGE_MS - 500);
      await nats.restart();
      const backAt = Date.now();

      // The client follows the hint until the send goes through.
      let late: Sent | undefined;
      while (!late) {
        const answer = await customer.request('send_event', {
          chat_id: chatId,
          event: { type: 'message', text: `t${trial}-late`, client_id: `t${trial}-late` },
        });
        if (answer.success)
          late = { text: `t${trial}-late`, version: answer.payload.event.version, storedAt: Date.now() };
        else {
          refusals.push(answer.payload.error);
          await sleep(answer.payload.error.retry_after_ms ?? 500);
        }
      }

      const expected = [...burst, late];
      const deadline = Math.max(...expected.map((sent) => Math.max(sent.storedAt, backAt))) + 60_000;
      while (expected.some((sent) => !arrivals.has(sent.version)) && Date.now() < deadline) await sleep(50);
      const delays = expected.map((sent) => ({
        text: sent.text,
        delayMs: (arrivals.get(sent.version) ?? Infinity) - Math.max(sent.storedAt, backAt),
      }));
      report.push(
        `trial ${trial}: refusal in ${refusalMs} ms; ${delays.map((d) => `${d.text} +${d.delayMs} ms`).join(', ')}`,
      );
      pushDelays.push(...delays.map(({ delayMs }) => delayMs));
      await Promise.all(system.services().map((service) => waitUntilReady(service)));
    }
    process.stdout.write(`${report.join('\n')}\n`);
    expect(refusals.length).toBeGreaterThanOrEqual(TRIALS);
    for (const refusal of refusals)
      expect(refusal).toEqual({
        code: 'unavailable',
        message: expect.any(String),
        reason: expect.any(String),
        retry_after_ms: expect.any(Number),
      });
    // At once, not after a command timeout.
    expect(Math.max(...refusalTimes)).toBeLessThan(1000);
    expect(Math.max(...pushDelays)).toBeLessThanOrEqual(PUSH_DEADLINE_MS);
  }, 240_000);
});
