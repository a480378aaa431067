import { z } from 'zod';
import { Id, SafeString, Timestamp } from '../common.js';
import { defineEvent, type EventUnion } from '../define-event.js';

/** Why a customer was banned, as the agent wrote it (agents only). */
export const BanReason = SafeString.trim().min(1).max(512);

/** The longest ban with an end: ten years (a ban with no `seconds` lasts until it is lifted). */
export const MAX_BAN_SECONDS = 10 * 365 * 24 * 3600;

export const customerEvents = {
  /**
   * Stream `customer-<id>` (identity service): a supervisor or admin banned the customer
   * (`ban_customer`). Until `banned_until` (for good while null) the customer's token requests,
   * socket logins and `start_chat` are refused (`authorization`, reason `banned`); the ban ends
   * by itself then, with no further event. A new ban replaces the one in force.
   */
  CustomerBanned: defineEvent(
    'CustomerBanned',
    z.object({
      customer_id: Id,
      banned_until: Timestamp.nullable(),
      reason: BanReason.optional(),
      by_agent_id: Id,
    }),
  ),
  /** Stream `customer-<id>`: a supervisor or admin lifted the ban in force (`unban_customer`). */
  CustomerUnbanned: defineEvent('CustomerUnbanned', z.object({ customer_id: Id, by_agent_id: Id })),
} as const;

export type CustomerEvent = EventUnion<typeof customerEvents>;
