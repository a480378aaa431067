import { describe, expect, it } from '@jest/globals';
import { customerEvents, type CustomerEvent } from '@livedesk/contracts';
import { deciderSpec } from '@livedesk/testing/decider';
import { banInForce, decideCustomerBan, evolveCustomerBan, initialCustomerBans } from './customer-ban-decider.js';

const { given, stateOf } = deciderSpec({
  decide: decideCustomerBan,
  evolve: evolveCustomerBan,
  initialState: initialCustomerBans,
  events: customerEvents,
});

const now = new Date('2026-03-02T10:00:00.000Z');
const later = (seconds: number) => new Date(now.getTime() + seconds * 1000);
const banned = (bannedUntil: Date | null, reason?: string): CustomerEvent => ({
  type: 'CustomerBanned',
  data: {
    customer_id: 'cust-1',
    banned_until: bannedUntil === null ? null : bannedUntil.toISOString(),
    ...(reason ? { reason } : {}),
    by_agent_id: 'sue',
  },
});
const unbanned: CustomerEvent = { type: 'CustomerUnbanned', data: { customer_id: 'cust-1', by_agent_id: 'sue' } };
const ban = { type: 'ban', customerId: 'cust-1', byAgentId: 'sue', now } as const;
const unban = { type: 'unban', customerId: 'cust-1', byAgentId: 'sue', now } as const;

describe('the customer ban decider', () => {
  it('bans for a number of seconds from now, or for good without them, with the reason given', () => {
    given([])
      .when({ ...ban, seconds: 3600, reason: 'abusive language' })
      .then([banned(later(3600), 'abusive language')]);
    given([])
      .when(ban)
      .then([banned(null)]);
  });

  it('replaces the ban in force with a new one', () => {
    const state = given([banned(null)])
      .when({ ...ban, seconds: 60 })
      .then([banned(later(60))]);
    expect(banInForce(state, now)).toEqual({ bannedUntil: later(60), reason: null });
  });

  it('lifts the ban in force', () => {
    const state = given([banned(later(60))])
      .when(unban)
      .then([unbanned]);
    expect(banInForce(state, now)).toBeNull();
  });

  it('stores nothing to lift when no ban is in force: none ever, lifted already, or expired by itself', () => {
    given([]).when(unban).thenNothing();
    given([banned(null), unbanned])
      .when(unban)
      .thenNothing();
    given([banned(new Date(now.getTime() - 1000))])
      .when(unban)
      .thenNothing();
  });

  it('is in force until banned_until and not from then on', () => {
    const state = stateOf([banned(later(60), 'spam')]);
    expect(banInForce(state, later(59))).toEqual({ bannedUntil: later(60), reason: 'spam' });
    expect(banInForce(state, later(60))).toBeNull();
    expect(banInForce(stateOf([banned(null)]), later(10 * 365 * 24 * 3600))).not.toBeNull();
  });

  it('refuses a length that is not a whole positive number of seconds', () => {
    given([])
      .when({ ...ban, seconds: 0 })
      .thenRefuses('validation', 'invalid_ban');
    given([])
      .when({ ...ban, seconds: 1.5 })
      .thenRefuses('validation', 'invalid_ban');
  });
});
