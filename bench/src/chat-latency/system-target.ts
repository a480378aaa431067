import {
  agentActions,
  CreateAgentResponse,
  CreateOrganizationResponse,
  customerActions,
  TokenResponse,
  type ActionRequest,
  type PushAction,
} from '@livedesk/contracts';
import { mapWithConcurrency, progress } from './concurrency.js';
import { failuresOf, lastFrameOf, range, type ConnectedTarget } from './connected-target.js';
import { ProtocolClient, ProtocolRequestError } from './protocol-client.js';

/**
 * The real system's side of the benchmark, set up through the public API only (docs/protocol.md):
 * an organization and its agents over the HTTP setup API, agent and customer tokens, one socket
 * per agent and per customer, a chat per customer that an agent takes with `join_chat`. Then
 * customers post messages with `send_event` and agents receive them as `incoming_event` pushes
 * (a MessagePosted event, already stored in Postgres and relayed through JetStream).
 */
export interface SystemTargetOptions {
  httpBase: string;
  wsBase: string;
  adminToken: string;
  customers: number;
  agents: number;
  concurrency: number;
}

interface Parser<T> {
  parse(value: unknown): T;
}

/**
 * A POST of the setup; a 503 (a service behind the gateway not answering in time while 5,000
 * sockets are set up on a busy machine) is asked again a few times: the setup is not measured.
 */
async function postJson<T>(url: string, body: unknown, parser: Parser<T>, token?: string): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    const response = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
      body: JSON.stringify(body),
    });
    const text = await response.text();
    if (response.status === 503 && attempt < 5) {
      await new Promise((resolve) => setTimeout(resolve, 500 * attempt));
      continue;
    }
    if (!response.ok)
      throw new Error(`POST ${new URL(url).pathname} answered ${response.status}: ${text.slice(0, 500)}`);
    return parser.parse(JSON.parse(text));
  }
}

/**
 * A request, retried after `retry_after_ms` while the gateway answers `rate_limited`, or
 * `unavailable` / `overloaded` (its overload bounds, docs/limits.md).
 */
async function requestWithRetry<T>(client: ProtocolClient, action: string, payload: unknown): Promise<T> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await client.request<T>(action, payload);
    } catch (error) {
      const retryable =
        error instanceof ProtocolRequestError &&
        (error.error.code === 'rate_limited' ||
          (error.error.code === 'unavailable' && error.error.reason === 'overloaded'));
      if (!retryable || attempt >= 20) throw error;
      await new Promise((resolve) => setTimeout(resolve, error.error.retry_after_ms ?? 100));
    }
  }
}

type SendEventRequest = ActionRequest<typeof customerActions, 'send_event'>;
/** The push the agents wait for (typed, so that a rename in the contracts breaks the build). */
const INCOMING_EVENT: PushAction = 'incoming_event';

export async function connectSystemTarget(options: SystemTargetOptions): Promise<ConnectedTarget> {
  const { httpBase, wsBase, adminToken, customers, agents, concurrency } = options;
  const organization = await postJson(
    `${httpBase}/v1/organizations`,
    { name: `chat-latency bench ${new Date().toISOString()}` },
    CreateOrganizationResponse,
    adminToken,
  );
  const organizationId = organization.organization_id;
  const password = 'bench-password-1234';
  const agentEmail = (a: number) => `agent-${a}@chat-latency.bench.livedesk.test`;

  // Agents: account, token, socket, login. Password hashing makes these the slow part of the
  // setup; a few at a time keep the gateway's event loop responsive.
  const agentTick = progress('agents ready', agents, 25);
  const agentClients = await mapWithConcurrency(range(agents), 4, async (a) => {
    await postJson(
      `${httpBase}/v1/organizations/${organizationId}/agents`,
      { email: agentEmail(a), name: `Agent ${a}`, password, role: 'agent', max_chats: 100 },
      CreateAgentResponse,
      adminToken,
    );
    const { token } = await postJson(`${httpBase}/v1/agent/token`, { email: agentEmail(a), password }, TokenResponse);
    const client = await ProtocolClient.connect(`${wsBase}/v1/agent/rtm`);
    agentActions.login.response.parse(await client.request('login', { token }));
    agentTick();
    return client;
  });

  // Customers: token, socket, login, start_chat; then the customer's agent takes the chat.
  const customerTick = progress('customers with a chat taken by an agent', customers);
  const customerChats = await mapWithConcurrency(range(customers), concurrency, async (c) => {
    const { token } = await postJson(
      `${httpBase}/v1/customer/token`,
      { organization_id: organizationId },
      TokenResponse,
    );
    const client = await ProtocolClient.connect(`${wsBase}/v1/customer/rtm`);
    customerActions.login.response.parse(await client.request('login', { token }));
    const started = customerActions.start_chat.response.parse(await requestWithRetry(client, 'start_chat', {}));
    const agent = agentClients[c % agents]!;
    agentActions.join_chat.response.parse(await requestWithRetry(agent, 'join_chat', { chat_id: started.chat_id }));
    customerTick();
    return { client, chatId: started.chat_id };
  });

  return {
    customers,
    send(customer, clientId, text) {
      const { client, chatId } = customerChats[customer]!;
      const payload: SendEventRequest = { chat_id: chatId, event: { type: 'message', text, client_id: clientId } };
      // The client id doubles as the request id, so that the response names its message.
      client.send('send_event', payload, clientId);
    },
    onAnswered(listener) {
      for (const { client } of customerChats) client.onUnmatchedResponse(listener);
    },
    onReceived(listener) {
      for (const agent of agentClients) {
        agent.onPush(INCOMING_EVENT, (payload, receivedAt) => {
          // Not parsed with the push schema on the hot path: the receipt time is already taken,
          // but 1,000 zod parses a second would load the generator that shares the 2 cores.
          const event = (payload as { event?: { type?: string; created_at?: string; data?: { client_id?: unknown } } })
            .event;
          if (event?.type === 'MessagePosted' && typeof event.data?.client_id === 'string')
            listener(event.data.client_id, receivedAt, event.created_at ? Date.parse(event.created_at) : undefined);
        });
      }
    },
    failures: () => failuresOf(customerChats.map((c) => c.client)),
    lastFrameAt: () => lastFrameOf([...customerChats.map((c) => c.client), ...agentClients]),
    async close() {
      await mapWithConcurrency([...customerChats.map((c) => c.client), ...agentClients], 500, (client) =>
        client.close(),
      );
    },
  };
}
