import { mapWithConcurrency, progress } from './concurrency.js';
import { failuresOf, lastFrameOf, range, type ConnectedTarget } from './connected-target.js';
import { ProtocolClient } from './protocol-client.js';

/**
 * The bare relay's side of the benchmark: the same number of customer and agent sockets as
 * the real system, customer c talking to agent `c % agents`, and the same `send_event` frame
 * text; the relay hands the frame to the agent unchanged.
 */
export async function connectRelayTarget(
  port: number,
  customers: number,
  agents: number,
  concurrency: number,
): Promise<ConnectedTarget> {
  const base = `ws://127.0.0.1:${port}`;
  const agentTick = progress('relay agents connected', agents);
  const agentClients = await mapWithConcurrency(range(agents), concurrency, async (a) => {
    const client = await ProtocolClient.connect(`${base}/agent?id=${a}`);
    agentTick();
    return client;
  });
  const customerTick = progress('relay customers connected', customers);
  const customerClients = await mapWithConcurrency(range(customers), concurrency, async (c) => {
    const client = await ProtocolClient.connect(`${base}/customer?agent=${c % agents}`);
    customerTick();
    return client;
  });
  let nextRequest = 1;
  return {
    customers,
    send(customer, clientId, text) {
      const frame = {
        request_id: `f-${nextRequest++}`,
        action: 'send_event',
        payload: { chat_id: `relay-${customer}`, event: { type: 'message', text, client_id: clientId } },
      };
      customerClients[customer]!.sendText(JSON.stringify(frame));
    },
    onReceived(listener) {
      for (const agent of agentClients) {
        agent.onOtherFrame((frame, receivedAt) => {
          const clientId = (frame.payload as { event?: { client_id?: unknown } } | undefined)?.event?.client_id;
          if (typeof clientId === 'string') listener(clientId, receivedAt);
        });
      }
    },
    failures: () => failuresOf(customerClients),
    lastFrameAt: () => lastFrameOf([...customerClients, ...agentClients]),
    async close() {
      await mapWithConcurrency([...customerClients, ...agentClients], 500, (client) => client.close());
    },
  };
}
