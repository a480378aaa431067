import { z } from 'zod';
import { Id, SafeString } from '../common.js';
import { RoutingStatus } from '../agent/events.js';

/**
 * What routing needs to know of an agent, sent by the gateway (which owns the directory) with
 * every status and presence command: groups with their routing mode, and chat limits (null:
 * routing's defaults, `ROUTING_MAX_CHATS` and `ROUTING_MAX_MESSAGING_CHATS`).
 */
export const AgentProfile = z.object({
  groups: z.array(z.object({ group_id: Id, routing: z.enum(['auto', 'manual']) })).max(100),
  max_chats: z.number().int().min(1).max(100).nullable(),
});
export type AgentProfile = z.infer<typeof AgentProfile>;

const onAgent = { organization_id: Id, agent_id: Id, profile: AgentProfile };

/** Customer sockets in one `customer_presence_refresh` at the most. */
export const CUSTOMER_PRESENCE_REFRESH_MAX = 500;

/** Commands to the routing service (`<prefix>.cmd.routing.<name>`). */
export const routingCommands = {
  /** `set_routing_status` of docs/protocol.md; `offline` is for presence and supervisors. */
  set_status: {
    request: z.object({ ...onAgent, status: RoutingStatus, reason: z.enum(['agent', 'supervisor', 'system']) }),
    reply: z.object({ agent_id: Id, status: RoutingStatus }),
  },
  /**
   * A gateway socket of the agent opened (`online`) or closed; the last close starts the grace
   * period. `refresh`: the gateway's periodic report that the socket is still open (and the
   * profile still this one); it records the socket but changes no status.
   */
  presence: {
    request: z.object({
      ...onAgent,
      connection_id: SafeString.min(1).max(64),
      online: z.boolean(),
      refresh: z.boolean().optional(),
    }),
    reply: z.object({ agent_id: Id, status: RoutingStatus }),
  },
  /**
   * A gateway socket of a customer opened (`online`) or closed. A queued chat whose customer has
   * had none for CHAT_ABANDON_SECONDS is closed as `customer_left`. `refresh`: the gateway's
   * periodic report that the socket is still open (a socket no report renews is taken as gone).
   */
  customer_presence: {
    request: z.object({
      organization_id: Id,
      customer_id: Id,
      connection_id: SafeString.min(1).max(64),
      online: z.boolean(),
      refresh: z.boolean().optional(),
    }),
    reply: z.object({ customer_id: Id }),
  },
  /**
   * The gateway's periodic report of many customer sockets still open, of any organizations, in
   * one command: what `customer_presence` with `online` and `refresh` does for each. A gateway
   * holds thousands of customer sockets, and one command each was a routing command and a Redis
   * round trip per socket per period. Routing answers how many it recorded.
   */
  customer_presence_refresh: {
    request: z.object({
      sockets: z
        .array(z.object({ organization_id: Id, customer_id: Id, connection_id: SafeString.min(1).max(64) }))
        .min(1)
        .max(CUSTOMER_PRESENCE_REFRESH_MAX),
    }),
    reply: z.object({ refreshed: z.number().int().nonnegative() }),
  },
  /** Whether an agent has room for one more chat of a channel (a manual transfer checks it). */
  room: {
    request: z.object({ organization_id: Id, agent_id: Id, channel: z.enum(['chat', 'messaging']) }),
    reply: z.object({
      agent_id: Id,
      status: RoutingStatus,
      active: z.number().int().nonnegative(),
      max: z.number().int().nullable(),
    }),
  },
  /**
   * Read only: the routing status and chat slots of agents and the accepting agents and queued
   * chats of groups, as routing's state holds them (`list_agents`, `list_groups`). An agent or
   * group routing has never seen answers as offline with nothing in it.
   */
  overview: {
    request: z.object({ organization_id: Id, agent_ids: z.array(Id).max(1000), group_ids: z.array(Id).max(1000) }),
    reply: z.object({
      agents: z.array(
        z.object({
          agent_id: Id,
          status: RoutingStatus,
          active_chats: z.number().int().nonnegative(),
          max_chats: z.number().int().nonnegative().nullable(),
        }),
      ),
      groups: z.array(
        z.object({
          group_id: Id,
          agents_accepting: z.number().int().nonnegative(),
          chats_queued: z.number().int().nonnegative(),
        }),
      ),
    }),
  },
} as const;

export type RoutingCommandName = keyof typeof routingCommands;
export type RoutingCommand<N extends RoutingCommandName> = z.infer<(typeof routingCommands)[N]['request']>;
export type RoutingCommandReply<N extends RoutingCommandName> = z.infer<(typeof routingCommands)[N]['reply']>;

export function routingPattern(name: RoutingCommandName): string {
  return `cmd.routing.${name}`;
}

/**
 * Signals routing sends to the gateways over core NATS (`<prefix>.signal.routing.<org>`):
 * what they push as `queue_position_updated` (customer) and `routing_status_set` (agent).
 */
export const RoutingSignal = z.discriminatedUnion('type', [
  z.object({
    type: z.literal('queue_position'),
    organization_id: Id,
    chat_id: Id,
    customer_id: Id,
    position: z.number().int().positive(),
    estimated_wait_seconds: z.number().nonnegative().nullable(),
    /** False when no agent of the chat's group is accepting: the customer may leave a message. */
    agents_available: z.boolean(),
  }),
  z.object({ type: z.literal('routing_status'), organization_id: Id, agent_id: Id, status: RoutingStatus }),
  /**
   * Routing rebuilt the organization's state from the event store (Redis had lost it): every
   * gateway reports the organization's open agent sockets now instead of at its next refresh.
   */
  z.object({ type: z.literal('presence_wanted'), organization_id: Id }),
]);
export type RoutingSignal = z.infer<typeof RoutingSignal>;
