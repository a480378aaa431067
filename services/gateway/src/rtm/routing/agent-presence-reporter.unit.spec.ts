import { describe, expect, it, jest } from '@jest/globals';
import type { WebSocket } from 'ws';
import type { AgentPrincipal, CustomerPrincipal, Principal } from '@livedesk/auth';
import { CUSTOMER_PRESENCE_REFRESH_MAX } from '@livedesk/contracts';
import { NoRespondersError } from '@livedesk/messaging';
import { ConnectionRegistry } from '../connection-registry.js';
import { FrameRateLimit } from '../rate-limiter.js';
import type { RtmConfig } from '../rtm-config.js';
import { RtmConnection } from '../rtm-connection.js';
import { AgentPresenceReporter } from './agent-presence-reporter.js';
import { CustomerPresence } from './customer-presence.js';
import type { RoutingClient } from './routing-client.js';

const OPEN = 1;
const CLOSED = 3;

function connection(registry: ConnectionRegistry, id: string, principal: Principal): RtmConnection {
  const socket = { readyState: OPEN, OPEN } as unknown as WebSocket;
  const opened = new RtmConnection(
    id,
    principal.kind === 'agent' ? 'agent' : 'customer',
    socket,
    new FrameRateLimit({ ratePerSecond: 10, burst: 10, floodAllowance: 10 }),
  );
  opened.principal = principal;
  registry.open(opened);
  registry.loggedIn(opened);
  return opened;
}

function agent(organizationId: string, agentId: string): AgentPrincipal {
  return { kind: 'agent', organizationId, agentId, role: 'agent', agentKind: 'human' };
}

/** A routing client that records the presence commands and lets a test act while one is on its way. */
function recordingRouting(during?: (connectionId: string) => void) {
  const sent: [string, string, boolean, boolean][] = [];
  const customers: [string, string, boolean, boolean][] = [];
  /** The sockets of each `customer_presence_refresh`. */
  const refreshes: number[] = [];
  const client = {
    async presence(principal: AgentPrincipal, connectionId: string, online: boolean, refresh = false) {
      sent.push([principal.agentId, connectionId, online, refresh]);
      if (online) during?.(connectionId);
      return 'accepting';
    },
    async customerPresence(principal: CustomerPrincipal, connectionId: string, online: boolean, refresh = false) {
      customers.push([principal.customerId, connectionId, online, refresh]);
      if (online) during?.(connectionId);
    },
    async customerPresenceRefresh(sockets: { customer: CustomerPrincipal; connectionId: string }[]) {
      refreshes.push(sockets.length);
      for (const { customer, connectionId } of sockets) customers.push([customer.customerId, connectionId, true, true]);
      for (const { connectionId } of sockets) during?.(connectionId);
    },
  } as unknown as RoutingClient;
  return { client, sent, customers, refreshes };
}

describe('AgentPresenceReporter: the gateway tells routing which agent sockets it holds', () => {
  it('reports the open agent sockets of the organization asked for, as refreshes that change no status', async () => {
    const registry = new ConnectionRegistry();
    connection(registry, 's1', agent('acme', 'ann'));
    connection(registry, 's2', agent('acme', 'ann'));
    connection(registry, 's3', agent('other', 'bob'));
    connection(registry, 's4', { kind: 'customer', organizationId: 'acme', customerId: 'cust' });
    const closed = connection(registry, 's5', agent('acme', 'cid'));
    (closed.socket as unknown as { readyState: number }).readyState = CLOSED;
    const routing = recordingRouting();
    const reporter = new AgentPresenceReporter(registry, routing.client, new CustomerPresence(routing.client), {
      RTM_PRESENCE_REFRESH_SECONDS: 20,
    } as RtmConfig);

    await reporter.reportOrganization('acme');
    expect(routing.sent).toEqual([
      ['ann', 's1', true, true],
      ['ann', 's2', true, true],
    ]);
  });

  // A refresh that reaches routing after the socket's close would count a socket that no longer
  // exists as open, and keep its agent online for good.
  it('reports a socket closed while its refresh was on the way as closed again', async () => {
    const registry = new ConnectionRegistry();
    const socket = connection(registry, 's1', agent('acme', 'ann'));
    const routing = recordingRouting(() => ((socket.socket as unknown as { readyState: number }).readyState = CLOSED));
    const reporter = new AgentPresenceReporter(registry, routing.client, new CustomerPresence(routing.client), {
      RTM_PRESENCE_REFRESH_SECONDS: 20,
    } as RtmConfig);

    await reporter.reportOrganization('acme');
    expect(routing.sent).toEqual([
      ['ann', 's1', true, true],
      ['ann', 's1', false, false],
    ]);
  });

  it('reports every agent socket of the replica periodically', async () => {
    const registry = new ConnectionRegistry();
    connection(registry, 's1', agent('acme', 'ann'));
    connection(registry, 's2', agent('other', 'bob'));
    const routing = recordingRouting();
    const reporter = new AgentPresenceReporter(registry, routing.client, new CustomerPresence(routing.client), {
      RTM_PRESENCE_REFRESH_SECONDS: 0.05,
    } as RtmConfig);
    reporter.onApplicationBootstrap();
    try {
      const deadline = Date.now() + 2000;
      while (routing.sent.length < 4 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
    } finally {
      await reporter.onApplicationShutdown();
    }
    expect(routing.sent.slice(0, 4)).toEqual([
      ['ann', 's1', true, true],
      ['bob', 's2', true, true],
      ['ann', 's1', true, true],
      ['bob', 's2', true, true],
    ]);
  });

  // Routing takes a customer socket no report renews as gone (customer_left, docs/protocol.md).
  it('reports the open customer sockets periodically too, and one closed while its refresh was on the way as closed again', async () => {
    const registry = new ConnectionRegistry();
    connection(registry, 'c1', { kind: 'customer', organizationId: 'acme', customerId: 'cust-1' });
    const closing = connection(registry, 'c2', { kind: 'customer', organizationId: 'acme', customerId: 'cust-2' });
    const gone = connection(registry, 'c3', { kind: 'customer', organizationId: 'acme', customerId: 'cust-3' });
    (gone.socket as unknown as { readyState: number }).readyState = CLOSED;
    const routing = recordingRouting((connectionId) => {
      if (connectionId === 'c2') (closing.socket as unknown as { readyState: number }).readyState = CLOSED;
    });
    const reporter = new AgentPresenceReporter(registry, routing.client, new CustomerPresence(routing.client), {
      RTM_PRESENCE_REFRESH_SECONDS: 0.05,
    } as RtmConfig);
    reporter.onApplicationBootstrap();
    try {
      const deadline = Date.now() + 2000;
      while (routing.customers.length < 4 && Date.now() < deadline)
        await new Promise((resolve) => setTimeout(resolve, 20));
    } finally {
      await reporter.onApplicationShutdown();
    }
    expect(routing.customers.slice(0, 4)).toEqual([
      ['cust-1', 'c1', true, true],
      ['cust-2', 'c2', true, true],
      ['cust-2', 'c2', false, false],
      ['cust-1', 'c1', true, true],
    ]);
    expect(routing.sent).toEqual([]);
  });

  // All at once, thousands of reports held the gateway's event loop every period, and the chat
  // messages in flight waited (spread-sweep.ts).
  it('spreads the periodic reports over the period, each socket once, and loses none while routing is slow', async () => {
    jest.useFakeTimers();
    try {
      const registry = new ConnectionRegistry();
      const ids = Array.from({ length: 400 }, (_, i) => `c${i}`);
      for (const id of ids)
        connection(registry, id, { kind: 'customer', organizationId: 'acme', customerId: `cust-${id}` });
      let slow: Promise<void> | undefined;
      const reported: string[] = [];
      const client = {
        async customerPresenceRefresh(sockets: { connectionId: string }[]) {
          reported.push(...sockets.map((socket) => socket.connectionId));
          await slow;
        },
      } as unknown as RoutingClient;
      const reporter = new AgentPresenceReporter(registry, client, new CustomerPresence(client), {
        RTM_PRESENCE_REFRESH_SECONDS: 20,
      } as RtmConfig);
      reporter.onApplicationBootstrap();
      await jest.advanceTimersByTimeAsync(1000);
      // One second of twenty: about a twentieth of the sockets.
      expect(reported.length).toBeGreaterThan(0);
      expect(reported.length).toBeLessThan(60);
      await jest.advanceTimersByTimeAsync(19_000);
      expect([...reported].sort()).toEqual([...ids].sort());

      // Routing answers nothing for five seconds: the slices due meanwhile wait, then all go.
      let answer!: () => void;
      slow = new Promise<void>((resolve) => (answer = resolve));
      reported.length = 0;
      await jest.advanceTimersByTimeAsync(5000);
      const duringStall = reported.length;
      expect(duringStall).toBeLessThan(60);
      answer();
      slow = undefined;
      await jest.advanceTimersByTimeAsync(15_000);
      expect([...reported].sort()).toEqual([...ids].sort());
      await reporter.onApplicationShutdown();
    } finally {
      jest.useRealTimers();
    }
  });

  it('reports the customer sockets CUSTOMER_PRESENCE_REFRESH_MAX a command, of every organization', async () => {
    const registry = new ConnectionRegistry();
    const count = CUSTOMER_PRESENCE_REFRESH_MAX * 2 + 7;
    for (let i = 0; i < count; i++)
      connection(registry, `c${i}`, {
        kind: 'customer',
        organizationId: i % 2 ? 'acme' : 'other',
        customerId: `cust-${i}`,
      });
    connection(registry, 'a1', agent('acme', 'ann'));
    const routing = recordingRouting();

    await new CustomerPresence(routing.client).refresh([...registry.connections()]);
    expect(routing.refreshes).toEqual([CUSTOMER_PRESENCE_REFRESH_MAX, CUSTOMER_PRESENCE_REFRESH_MAX, 7]);
    expect(routing.customers.map(([, id]) => id).sort()).toEqual(
      Array.from({ length: count }, (_, i) => `c${i}`).sort(),
    );
  });

  // A gateway upgraded before routing: the older routing has no customer_presence_refresh, and
  // sockets it hears nothing of would count as gone (their queued chats closed as customer_left).
  it('reports one command a socket to a routing that does not know the batched command', async () => {
    const registry = new ConnectionRegistry();
    connection(registry, 'c1', { kind: 'customer', organizationId: 'acme', customerId: 'cust-1' });
    const closing = connection(registry, 'c2', { kind: 'customer', organizationId: 'acme', customerId: 'cust-2' });
    const single: [string, boolean, boolean][] = [];
    let batched = 0;
    const client = {
      async customerPresenceRefresh() {
        batched += 1;
        throw new NoRespondersError('livedesk.cmd.routing.customer_presence_refresh');
      },
      async customerPresence(_principal: CustomerPrincipal, connectionId: string, online: boolean, refresh = false) {
        single.push([connectionId, online, refresh]);
        if (connectionId === 'c2' && online) (closing.socket as unknown as { readyState: number }).readyState = CLOSED;
      },
    } as unknown as RoutingClient;

    await new CustomerPresence(client).refresh([...registry.connections()]);
    expect(batched).toBe(1);
    expect(single).toEqual([
      ['c1', true, true],
      ['c2', true, true],
      ['c2', false, false],
    ]);
  });

  it('sends no more while no routing answers at all: one batch and one probe a round', async () => {
    const registry = new ConnectionRegistry();
    for (let i = 0; i < CUSTOMER_PRESENCE_REFRESH_MAX * 3; i++)
      connection(registry, `c${i}`, { kind: 'customer', organizationId: 'acme', customerId: `cust-${i}` });
    let batched = 0;
    let single = 0;
    const client = {
      async customerPresenceRefresh() {
        batched += 1;
        throw new NoRespondersError('livedesk.cmd.routing.customer_presence_refresh');
      },
      async customerPresence() {
        single += 1;
        throw new NoRespondersError('livedesk.cmd.routing.customer_presence');
      },
    } as unknown as RoutingClient;

    await new CustomerPresence(client).refresh([...registry.connections()]);
    expect([batched, single]).toEqual([1, 1]);
  });
});
