import { z } from 'zod';
import { Actor } from '../actor.js';
import { Id, Timestamp } from '../common.js';
import { BanReason, MAX_BAN_SECONDS } from './events.js';

/** A ban as agents see it: until when (null: until lifted) and why. */
export const CustomerBan = z.object({
  customer_id: Id,
  banned_until: Timestamp.nullable(),
  reason: BanReason.nullable(),
});
export type CustomerBan = z.infer<typeof CustomerBan>;

const base = {
  /** Idempotency: the ids of the events the command appends derive from it. */
  command_id: z.uuid(),
  organization_id: Id,
  /** The agent of the gateway connection (never from the frame); supervisors and admins only. */
  actor: Actor,
  customer_id: Id,
};

/**
 * The identity service's ban commands over NATS request/reply (`<prefix>.cmd.identity.<name>`),
 * sent by the gateway for `ban_customer` / `unban_customer`. A customer of another organization
 * answers `not_found`, like one that does not exist.
 */
export const banCommands = {
  ban_customer: {
    request: z.object({
      ...base,
      seconds: z.number().int().min(1).max(MAX_BAN_SECONDS).optional(),
      reason: BanReason.optional(),
    }),
    reply: CustomerBan,
  },
  /** Lifting a ban that is not in force (none, or expired) stores nothing and answers the same. */
  unban_customer: {
    request: z.object(base),
    reply: z.object({ customer_id: Id, banned: z.literal(false) }),
  },
} as const;

export type BanCommandName = keyof typeof banCommands;
export type BanCommand<N extends BanCommandName> = z.infer<(typeof banCommands)[N]['request']>;
export type BanCommandReply<N extends BanCommandName> = z.infer<(typeof banCommands)[N]['reply']>;

/** The NATS pattern of a ban command (the deployment prefix is added by the transport). */
export function banCommandPattern(name: BanCommandName): string {
  return `cmd.identity.${name}`;
}
