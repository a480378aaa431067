import { Injectable } from '@nestjs/common';
import type { AgentRole } from '@livedesk/contracts';
import type { RtmConnection } from './rtm-connection.js';

/**
 * The logged-in connections of this replica, indexed the ways pushes look them up: by
 * customer, by agent, and the agents and supervisors of an organization.
 */
@Injectable()
export class ConnectionRegistry {
  private readonly all = new Set<RtmConnection>();
  private readonly byCustomer = new Map<string, Set<RtmConnection>>();
  private readonly byAgent = new Map<string, Set<RtmConnection>>();
  private readonly agentsByOrg = new Map<string, Set<RtmConnection>>();
  private readonly supervisorsByOrg = new Map<string, Set<RtmConnection>>();

  /** Every open connection, logged in or not (for shutdown and heartbeats). */
  open(connection: RtmConnection): void {
    this.all.add(connection);
  }

  connections(): ReadonlySet<RtmConnection> {
    return this.all;
  }

  /** Indexes a connection for pushes by its principal; one that closed meanwhile stays out. */
  loggedIn(connection: RtmConnection): void {
    const principal = connection.principal;
    if (!principal || !this.all.has(connection)) return;
    if (principal.kind === 'customer') {
      add(this.byCustomer, key(principal.organizationId, principal.customerId), connection);
      return;
    }
    add(this.byAgent, key(principal.organizationId, principal.agentId), connection);
    add(this.agentsByOrg, principal.organizationId, connection);
    if (principal.role !== 'agent') add(this.supervisorsByOrg, principal.organizationId, connection);
  }

  closed(connection: RtmConnection): void {
    this.all.delete(connection);
    this.loggedOut(connection);
  }

  /** Takes a connection out of the push indexes (its login was refused); it stays open. */
  loggedOut(connection: RtmConnection): void {
    const principal = connection.principal;
    if (!principal) return;
    if (principal.kind === 'customer') {
      remove(this.byCustomer, key(principal.organizationId, principal.customerId), connection);
      return;
    }
    remove(this.byAgent, key(principal.organizationId, principal.agentId), connection);
    remove(this.agentsByOrg, principal.organizationId, connection);
    remove(this.supervisorsByOrg, principal.organizationId, connection);
  }

  /**
   * An agent's role changed (`agent_changed`): the logged-in connection takes it, and joins or
   * leaves the organization's supervisors (the pushes and checks for supervisors follow at once).
   */
  changeRole(connection: RtmConnection, role: AgentRole): void {
    const principal = connection.principal;
    if (principal?.kind !== 'agent' || principal.role === role) return;
    connection.principal = { ...principal, role };
    if (role === 'agent') remove(this.supervisorsByOrg, principal.organizationId, connection);
    else if (this.byAgent.get(key(principal.organizationId, principal.agentId))?.has(connection))
      add(this.supervisorsByOrg, principal.organizationId, connection);
  }

  customer(organizationId: string, customerId: string): ReadonlySet<RtmConnection> {
    return this.byCustomer.get(key(organizationId, customerId)) ?? EMPTY;
  }

  agent(organizationId: string, agentId: string): ReadonlySet<RtmConnection> {
    return this.byAgent.get(key(organizationId, agentId)) ?? EMPTY;
  }

  agents(organizationId: string): ReadonlySet<RtmConnection> {
    return this.agentsByOrg.get(organizationId) ?? EMPTY;
  }

  supervisors(organizationId: string): ReadonlySet<RtmConnection> {
    return this.supervisorsByOrg.get(organizationId) ?? EMPTY;
  }
}

const EMPTY: ReadonlySet<RtmConnection> = new Set();

function key(organizationId: string, id: string): string {
  return `${organizationId}\u0000${id}`;
}

function add(index: Map<string, Set<RtmConnection>>, indexKey: string, connection: RtmConnection): void {
  let set = index.get(indexKey);
  if (!set) index.set(indexKey, (set = new Set()));
  set.add(connection);
}

function remove(index: Map<string, Set<RtmConnection>>, indexKey: string, connection: RtmConnection): void {
  const set = index.get(indexKey);
  if (!set) return;
  set.delete(connection);
  if (set.size === 0) index.delete(indexKey);
}
