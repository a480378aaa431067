import { describe, expect, it } from '@jest/globals';
import type { WebSocket } from 'ws';
import type { AgentPrincipal } from '@livedesk/auth';
import { ConnectionRegistry } from './connection-registry.js';
import { FrameRateLimit } from './rate-limiter.js';
import { RtmConnection } from './rtm-connection.js';

function loggedIn(registry: ConnectionRegistry, id: string, principal: AgentPrincipal): RtmConnection {
  const socket = { readyState: 1, OPEN: 1 } as unknown as WebSocket;
  const connection = new RtmConnection(
    id,
    'agent',
    socket,
    new FrameRateLimit({ ratePerSecond: 10, burst: 10, floodAllowance: 10 }),
  );
  connection.principal = principal;
  registry.open(connection);
  registry.loggedIn(connection);
  return connection;
}

const bob: AgentPrincipal = { kind: 'agent', organizationId: 'o1', agentId: 'bob', role: 'agent', agentKind: 'human' };

describe('ConnectionRegistry.changeRole (a PATCH of the role, agent_changed)', () => {
  it("gives the open connection the new role and moves it in or out of the organization's supervisors", () => {
    const registry = new ConnectionRegistry();
    const connection = loggedIn(registry, 'c1', bob);
    expect(connection.isSupervisor()).toBe(false);
    expect([...registry.supervisors('o1')]).toEqual([]);

    registry.changeRole(connection, 'supervisor');
    expect(connection.principal).toEqual({ ...bob, role: 'supervisor' });
    expect(connection.isSupervisor()).toBe(true);
    expect([...registry.supervisors('o1')]).toEqual([connection]);
    expect(connection.actor).toMatchObject({ id: 'bob', role: 'supervisor' });

    registry.changeRole(connection, 'admin');
    expect([...registry.supervisors('o1')]).toEqual([connection]);
    registry.changeRole(connection, 'agent');
    expect(connection.isSupervisor()).toBe(false);
    expect([...registry.supervisors('o1')]).toEqual([]);
    // Still the agent's connection, and closing it leaves nothing behind.
    expect([...registry.agent('o1', 'bob')]).toEqual([connection]);
    registry.changeRole(connection, 'supervisor');
    registry.closed(connection);
    expect([...registry.supervisors('o1')]).toEqual([]);
    expect([...registry.agent('o1', 'bob')]).toEqual([]);
  });

  it('leaves a connection that is closed (no longer indexed) out of the supervisors', () => {
    const registry = new ConnectionRegistry();
    const connection = loggedIn(registry, 'c1', bob);
    registry.closed(connection);
    registry.changeRole(connection, 'supervisor');
    expect([...registry.supervisors('o1')]).toEqual([]);
  });
});

describe('ConnectionRegistry.loggedIn and loggedOut (a login under way)', () => {
  it('leaves out a connection that closed before its login finished', () => {
    const registry = new ConnectionRegistry();
    const connection = loggedIn(registry, 'c1', bob);
    registry.closed(connection);
    registry.loggedIn(connection);
    expect([...registry.agent('o1', 'bob')]).toEqual([]);
    expect([...registry.agents('o1')]).toEqual([]);
  });

  it('takes a refused login out of the push indexes and keeps the socket open', () => {
    const registry = new ConnectionRegistry();
    const connection = loggedIn(registry, 'c1', { ...bob, role: 'supervisor' });
    registry.loggedOut(connection);
    expect([...registry.agent('o1', 'bob')]).toEqual([]);
    expect([...registry.supervisors('o1')]).toEqual([]);
    expect([...registry.connections()]).toEqual([connection]);
  });
});
