import { DomainError, type CustomerEvent } from '@livedesk/contracts';

/**
 * A customer's bans as a decider over its `customer-<id>` stream (pure, no I/O). A ban ends by
 * itself at `banned_until`, with no event: whether one is in force is a question of the time,
 * which every command carries (`now`), so that `decide` stays deterministic.
 */
export type CustomerBanCommand =
  | { type: 'ban'; customerId: string; byAgentId: string; now: Date; seconds?: number; reason?: string }
  | { type: 'unban'; customerId: string; byAgentId: string; now: Date };

export interface CustomerBanState {
  readonly version: number;
  /** The last ban not lifted since (it may have expired: see `banInForce`). */
  readonly ban: { readonly bannedUntil: Date | null; readonly reason: string | null } | null;
}

export const initialCustomerBans: CustomerBanState = { version: 0, ban: null };

/** The ban in force at `now`, if any. */
export function banInForce(state: CustomerBanState, now: Date): CustomerBanState['ban'] {
  const ban = state.ban;
  if (!ban) return null;
  return ban.bannedUntil === null || ban.bannedUntil.getTime() > now.getTime() ? ban : null;
}

/**
 * A ban replaces the one in force (to shorten, lengthen or explain it); lifting a ban when none
 * is in force stores nothing.
 */
export function decideCustomerBan(command: CustomerBanCommand, state: CustomerBanState): CustomerEvent[] {
  if (command.type === 'ban') {
    if (command.seconds !== undefined && (!Number.isInteger(command.seconds) || command.seconds < 1)) {
      throw new DomainError('validation', 'invalid_ban', 'A ban lasts a whole number of seconds, at least one.');
    }
    const bannedUntil =
      command.seconds === undefined ? null : new Date(command.now.getTime() + command.seconds * 1000).toISOString();
    return [
      {
        type: 'CustomerBanned',
        data: {
          customer_id: command.customerId,
          banned_until: bannedUntil,
          ...(command.reason === undefined ? {} : { reason: command.reason }),
          by_agent_id: command.byAgentId,
        },
      },
    ];
  }
  if (!banInForce(state, command.now)) return [];
  return [{ type: 'CustomerUnbanned', data: { customer_id: command.customerId, by_agent_id: command.byAgentId } }];
}

export function evolveCustomerBan(
  state: CustomerBanState,
  event: CustomerEvent & { version: number },
): CustomerBanState {
  const version = event.version;
  switch (event.type) {
    case 'CustomerBanned':
      return {
        version,
        ban: {
          bannedUntil: event.data.banned_until === null ? null : new Date(event.data.banned_until),
          reason: event.data.reason ?? null,
        },
      };
    case 'CustomerUnbanned':
      return { version, ban: null };
    default:
      return { ...state, version };
  }
}
