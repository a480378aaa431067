import { z } from 'zod';

/** The routing service's own settings (environment variables). */
export const routingConfigShape = {
  /** An assigned agent who sends no reply this long loses the chat to the next agent. */
  ROUTING_AUTO_TRANSFER_SECONDS: z.coerce.number().min(1).max(86_400).default(120),
  /** An agent whose every socket is gone this long becomes offline. */
  ROUTING_PRESENCE_GRACE_SECONDS: z.coerce.number().min(0).max(3600).default(30),
  /** Concurrent chats per agent when the directory sets none: live chat, and asynchronous messaging. */
  ROUTING_MAX_CHATS: z.coerce.number().int().min(1).max(100).default(3),
  ROUTING_MAX_MESSAGING_CHATS: z.coerce.number().int().min(1).max(100).default(8),
  /** The queue target of docs/metrics.md (45 s). */
  ROUTING_QUEUE_TARGET_SECONDS: z.coerce.number().min(1).max(86_400).default(45),
  /** How often timers (auto-transfer, presence grace) are checked. */
  ROUTING_TIMER_POLL_MS: z.coerce.number().int().min(10).max(60_000).default(200),
  /** How often the epoch of every organization this replica has seen is checked (a lost state is also noticed by any script). */
  ROUTING_STATE_CHECK_MS: z.coerce.number().int().min(50).max(600_000).default(2000),
  /** How long a caller waits for a rebuild (its own or another replica's) before its call fails. */
  ROUTING_REBUILD_WAIT_SECONDS: z.coerce.number().min(1).max(3600).default(60),
  /**
   * The gateways report their agents' sockets at least this often (RTM_PRESENCE_REFRESH_SECONDS).
   * After a rebuild, an agent online by its stream whose socket no gateway reports within the
   * presence grace plus this is taken offline.
   */
  ROUTING_PRESENCE_REFRESH_SECONDS: z.coerce.number().min(1).max(3600).default(30),
  /**
   * An event of a chat whose position routing does not know (never stored, expired, or lost),
   * whose predecessor was stored longer ago than this, catches the chat up from the event store:
   * that predecessor was delivered long ago. A younger one may still be on its way.
   */
  ROUTING_CATCH_UP_AFTER_SECONDS: z.coerce.number().min(1).max(3600).default(30),
  /**
   * A queued chat whose customer has had no socket this long (on any gateway) is closed as
   * missed, reason `customer_left` (docs/protocol.md, docs/metrics.md).
   */
  CHAT_ABANDON_SECONDS: z.coerce.number().min(1).max(86_400).default(60),
};

export type RoutingConfig = z.infer<z.ZodObject<typeof routingConfigShape>>;
