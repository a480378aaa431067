import { z } from 'zod';

/** The WebSocket settings of the gateway (environment variables, validated at start). */
export const rtmConfigShape = {
  /** A frame above this size closes the socket with 1009 (docs/protocol.md). */
  RTM_MAX_FRAME_BYTES: z.coerce
    .number()
    .int()
    .min(1024)
    .max(16 * 1024 * 1024)
    .default(64 * 1024),
  /** Sustained frames per second per connection, and the burst above it. */
  RTM_RATE_LIMIT_PER_SECOND: z.coerce.number().min(1).max(10_000).default(20),
  RTM_RATE_LIMIT_BURST: z.coerce.number().int().min(1).max(100_000).default(40),
  /**
   * Frames refused by the rate limit (beyond what the rate forgives meanwhile) before the
   * socket is closed with 1008 `too many frames`: a client that ignores `retry_after_ms`.
   */
  RTM_RATE_LIMIT_CLOSE_AFTER: z.coerce.number().int().min(1).max(100_000).default(100),
  /** A connection that has not logged in by then is closed. */
  RTM_LOGIN_TIMEOUT_MS: z.coerce.number().int().min(100).max(600_000).default(10_000),
  /** Ping period; a socket that did not answer the previous ping is terminated. */
  RTM_HEARTBEAT_INTERVAL_MS: z.coerce.number().int().min(100).max(600_000).default(30_000),
  /** How long a command to another service may take before the client gets `unavailable`. */
  RTM_COMMAND_TIMEOUT_MS: z.coerce.number().int().min(100).max(60_000).default(5_000),
  /**
   * How often the agents' open sockets are reported to routing again (a Redis that lost its data
   * learns them back); keep it below routing's ROUTING_PRESENCE_REFRESH_SECONDS.
   */
  RTM_PRESENCE_REFRESH_SECONDS: z.coerce.number().min(0.1).max(3600).default(20),
  /**
   * Queue changes reach each agent socket at most once per this period: the first chat queued
   * after a quiet period is pushed at once (`chat_queued`), the ones queued during the period
   * after it together at its end (`chats_queued`); 0 pushes each at once.
   */
  RTM_QUEUE_PUSH_INTERVAL_MS: z.coerce.number().int().min(0).max(60_000).default(250),
  /**
   * The chats that left the queues reach each agent socket at most once per this period
   * (`chats_dequeued`, the first at once): less urgent than a new chat, so a longer period, and
   * with 100 chats taken a second and 1,000 agents online, 1,000 frames a second, not 100,000.
   */
  RTM_DEQUEUE_PUSH_INTERVAL_MS: z.coerce.number().int().min(0).max(60_000).default(1_000),
  /**
   * Overload (docs/limits.md): `send_event` and `start_chat` answer `unavailable`, reason
   * `overloaded`, with `retry_after_ms`, while this many requests of this gateway to the
   * conversation service are unanswered (0: no bound) …
   */
  RTM_OVERLOAD_MAX_IN_FLIGHT: z.coerce.number().int().min(0).max(1_000_000).default(256),
  /** … or while the pushes run this far behind the stored events they push (0: no bound). */
  RTM_OVERLOAD_MAX_PUSH_LAG_MS: z.coerce.number().int().min(0).max(600_000).default(2_000),
  /** The least `retry_after_ms` of such a refusal (spread by up to +50 % at random). */
  RTM_OVERLOAD_RETRY_AFTER_MS: z.coerce.number().int().min(1).max(30_000).default(1_000),
};

export type RtmConfig = z.infer<z.ZodObject<typeof rtmConfigShape>>;
