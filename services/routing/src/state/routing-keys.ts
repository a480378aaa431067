/**
 * Where the routing state lives in Redis, for one organization.
 *
 * Every key of an organization starts with its base key `routing:{<orgId>}:`:
 * - the `{…}` hash tag puts all of an organization's keys in one Redis Cluster slot, so one Lua
 *   script can read and write all of them atomically (Redis refuses a script whose keys span
 *   slots, and a multi-slot decision could not be atomic anyway);
 * - scripts receive only the base key as KEYS[1] and build the others by concatenation. ioredis
 *   applies the client's `keyPrefix` to KEYS but not to strings built inside Lua, so the prefix
 *   reaches every key only through KEYS[1] (tests isolate themselves with such a prefix).
 *
 * After the base comes a type tag, then fixed-format parts (digits), then at most one id, always
 * last. No tag is a prefix of another, so two different (tag, id) pairs can never name the same
 * key whatever characters an id holds (`Id` in the contracts is any string of 1–128 characters).
 */
export const KEY_TAGS = {
  /** Hash: status, statusChangedAt, maxChat, maxMessaging, activeChat, activeMessaging, lastAssignedAt, lastAssignedSeq, indexMember. */
  agent: 'agent:',
  /** Set: ids of the chats holding one of the agent's slots (any channel). */
  agentChats: 'agent-chats:',
  /** Set: the agent's groups. */
  agentGroups: 'agent-groups:',
  /** Set: the group's member agents, whatever their status. */
  groupAgents: 'group-agents:',
  /** Set: the group's members whose status is `accepting`. */
  groupAccepting: 'group-accepting:',
  /**
   * Sorted set `available:<channel>:<groupId>`: the group's accepting members with a free slot on
   * the channel, in the order reserve-next prefers them (see prelude.lua.ts, `reindexAgent`).
   */
  available: 'available:',
  /** Sorted set: the group's queue; score = first queued time, member = `<16-digit seq>:<chatId>`. */
  queue: 'queue:',
  /** Sorted set: assignments out of the group's queue in the last 15 minutes; score = time. */
  drained: 'drained:',
  /** Sorted set `waits:<utcDay>:<groupId>`: first queue waits of the day's cycles, score = wait in ms. */
  waits: 'waits:',
  /** Hash: groupId, channel, customerId, agentId, reserved, queuedAt, queueMember, …; or the tombstone `ended`. */
  chat: 'chat:',
  /** Set: agents that let the chat pass (auto-transfer); never offered it again. */
  passed: 'passed:',
  /**
   * String `lease:<leaseId>`: the chat a dispatcher's reservation lease covers, while that
   * reservation is neither confirmed nor undone (see reserve-next.lua.ts).
   */
  lease: 'lease:',
  /** String: the agent who last took the customer's chat (returning customer). */
  customerLastAgent: 'customer-last-agent:',
  /**
   * Sorted set `customer-connections:<customerId>`: the customer's open sockets as the gateways
   * report them, score = time of the last report (a socket no report renews goes stale).
   */
  customerConnections: 'customer-connections:',
  /** String `customer-gone:<customerId>`: when the customer's last socket closed. */
  customerGone: 'customer-gone:',
  /** Counter: orders queue entries queued in the same millisecond, and assignments. */
  seq: 'seq',
  /**
   * String: when and by whom the state was last built from the event store. Written last by
   * every rebuild and never deleted: its absence means Redis lost the organization's state.
   */
  epoch: 'epoch',
  /** String: the replica rebuilding the state, with a short expiry it renews while it works. */
  rebuildLock: 'rebuild-lock',
  /** String `applied:<streamId>`: the last version of the stream applied to this state. */
  applied: 'applied:',
  /** Hash: agentId → the status the agent (or a supervisor) chose, restored when a socket returns. */
  chosenStatus: 'chosen-status',
  /** Hash: groupId → routing mode (`auto` | `manual`), for every group routing has seen. */
  groupModes: 'group-modes',
  /** Set `connections:<agentId>`: the agent's open sockets, as the gateways report them. */
  connections: 'connections:',
} as const;

export type KeyTag = keyof typeof KEY_TAGS;

/**
 * The base key of an organization. Refuses an id with a brace: `}` would end the hash tag early
 * and let one organization's keys spell another's (`{a}:agent:b}…` against org `a}:agent:b`).
 */
export function organizationBaseKey(organizationId: string): string {
  if (organizationId.length === 0 || /[{}]/.test(organizationId)) {
    throw new RangeError(`routing state: invalid organization id ${JSON.stringify(organizationId)}`);
  }
  return `routing:{${organizationId}}:`;
}

/**
 * Set: every organization routing holds a state for (written as it sees a group of one, and by
 * every rebuild; a queue-metrics scrape takes out one whose groups are gone), so that what spans
 * organizations (queue metrics) is read without scanning the keyspace. Outside every
 * organization's hash tag: no script uses it with an organization's keys.
 */
export const ORGANIZATIONS_KEY = 'routing:organizations';
/** String: set once ORGANIZATIONS_KEY lists the organizations of states written before it existed. */
export const ORGANIZATIONS_LISTED_KEY = 'routing:organizations-listed';

/** The full key (before the client's `keyPrefix`) of one item, for plain reads from TypeScript. */
export function routingKey(
  organizationId: string,
  tag: Exclude<KeyTag, 'seq' | 'waits' | 'available'>,
  id = '',
): string {
  return organizationBaseKey(organizationId) + KEY_TAGS[tag] + id;
}
