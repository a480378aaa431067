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
  /** The queue target of metrics.md (45 s). */
  ROUTING_QUEUE_TARGET_SECONDS: z.coerce.number().min(1).max(86_400).default(45),
  /** How often timers (auto-transfer, presence grace) are checked. */
  ROUTING_TIMER_POLL_MS: z.coerce.number().int().min(10).max(60_000).default(200),
};

export type RoutingConfig = z.infer<z.ZodObject<typeof routingConfigShape>>;
