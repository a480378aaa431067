import { z } from 'zod';
import { Id } from '../common.js';

/**
 * Core NATS, `<prefix>.signal.customer_banned.<organization>`: the identity service banned a
 * customer (`ban_customer`). Every gateway replica closes the customer's open sockets at once
 * (close code 4004). Not an event: the `CustomerBanned` event and the directory's ban row are the
 * truth, and a missed signal leaves a socket open only until the customer's next `login` or
 * `start_chat`, which are refused.
 */
export const CUSTOMER_BANNED_SIGNAL = 'customer_banned';

export const CustomerBannedSignal = z.object({ organization_id: Id, customer_id: Id });
export type CustomerBannedSignal = z.infer<typeof CustomerBannedSignal>;
