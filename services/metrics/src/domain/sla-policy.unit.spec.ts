import { describe, expect, it } from '@jest/globals';
import type { SlaPolicyData } from '@livedesk/contracts';
import { defaultPolicy, policyFor, toPolicyVersion, type PolicyVersion } from './sla-policy.js';

const day = (iso: string) => new Date(`${iso}T00:00:00Z`);
const policy = (name: string, fields: Partial<SlaPolicyData> = {}): SlaPolicyData => ({
  name,
  position: 100,
  match: {},
  targets: { first_response_seconds: 30 },
  calendar: null,
  ...fields,
});
const cycle = (fields: Partial<Parameters<typeof policyFor>[1]> = {}) => ({
  started_at: day('2026-03-10'),
  group_id: 'sales',
  channel: 'chat' as const,
  priority: 'normal' as const,
  ...fields,
});

describe('defaultPolicy', () => {
  it('is docs/metrics.md: queue 45 s, first response 60 s, next response 30 s; 30 minutes for messaging; 24/7', () => {
    expect(defaultPolicy('chat')).toEqual({
      policy_id: 'default',
      policy_version: 0,
      targets: { queue_seconds: 45, first_response_seconds: 60, next_response_seconds: 30 },
      calendar: null,
    });
    expect(defaultPolicy('messaging').targets).toEqual({
      queue_seconds: 45,
      first_response_seconds: 1800,
      next_response_seconds: 1800,
    });
  });
});

describe('policyFor', () => {
  it('takes the default when no policy is effective or none matches', () => {
    expect(policyFor([], cycle()).policy_id).toBe('default');
    const later = [toPolicyVersion('vip', 1, day('2026-03-11'), policy('VIP'))];
    expect(policyFor(later, cycle()).policy_id).toBe('default'); // effective only from the next day
    const other = [
      toPolicyVersion('billing', 1, day('2026-01-01'), policy('Billing', { match: { group_ids: ['billing'] } })),
    ];
    expect(policyFor(other, cycle()).policy_id).toBe('default');
  });

  it('matches on every condition given, an empty list matching anything', () => {
    const versions = [
      toPolicyVersion(
        'urgent-chat',
        1,
        day('2026-01-01'),
        policy('Urgent chats', { position: 1, match: { channels: ['chat'], priorities: ['urgent'] } }),
      ),
      toPolicyVersion(
        'sales',
        1,
        day('2026-01-01'),
        policy('Sales', { position: 2, match: { group_ids: ['sales'], channels: [] } }),
      ),
    ];
    expect(policyFor(versions, cycle({ priority: 'urgent' })).policy_id).toBe('urgent-chat');
    expect(policyFor(versions, cycle({ priority: 'urgent', channel: 'messaging' })).policy_id).toBe('sales');
    expect(policyFor(versions, cycle({ group_id: 'support' })).policy_id).toBe('default');
  });

  it('tries policies by position, then by id', () => {
    const versions = [
      toPolicyVersion('b', 1, day('2026-01-01'), policy('B', { position: 5, targets: { queue_seconds: 2 } })),
      toPolicyVersion('a', 1, day('2026-01-01'), policy('A', { position: 5, targets: { queue_seconds: 1 } })),
      toPolicyVersion('z', 1, day('2026-01-01'), policy('Z', { position: 9 })),
    ];
    expect(policyFor(versions, cycle())).toMatchObject({ policy_id: 'a', targets: { queue_seconds: 1 } });
  });

  it('uses the definition written last among those effective when the cycle started', () => {
    const versions: PolicyVersion[] = [
      toPolicyVersion('office', 1, day('2026-01-01'), policy('v1', { targets: { first_response_seconds: 60 } })),
      toPolicyVersion('office', 2, day('2026-06-01'), policy('v2', { targets: { first_response_seconds: 90 } })),
      // Written last, said to apply from March 1st: it re-evaluates March onwards.
      toPolicyVersion('office', 3, day('2026-03-01'), policy('v3', { targets: { first_response_seconds: 120 } })),
    ];
    expect(policyFor(versions, cycle({ started_at: day('2026-02-10') }))).toMatchObject({
      policy_version: 1,
      targets: { first_response_seconds: 60 },
    });
    expect(policyFor(versions, cycle({ started_at: day('2026-03-10') }))).toMatchObject({
      policy_version: 3,
      targets: { first_response_seconds: 120 },
    });
    expect(policyFor(versions, cycle({ started_at: day('2026-07-10') }))).toMatchObject({ policy_version: 3 });
  });

  it('drops a removed policy from its removal on', () => {
    const versions = [
      toPolicyVersion('office', 1, day('2026-01-01'), policy('Office')),
      toPolicyVersion('office', 2, day('2026-03-05'), null),
    ];
    expect(policyFor(versions, cycle({ started_at: day('2026-03-01') })).policy_id).toBe('office');
    expect(policyFor(versions, cycle({ started_at: day('2026-03-10') })).policy_id).toBe('default');
  });

  it('parses the calendar of a definition', () => {
    const [version] = [
      toPolicyVersion(
        'office',
        1,
        day('2026-01-01'),
        policy('Office', {
          calendar: { time_zone: 'Europe/Warsaw', weekly: [{ day: 'mon', from: '09:00', to: '17:00' }], holidays: [] },
        }),
      ),
    ];
    expect(policyFor([version!], cycle()).calendar).toEqual({
      time_zone: 'Europe/Warsaw',
      weekly: [{ day: 'mon', from: '09:00', to: '17:00' }],
      holidays: [],
    });
  });
});
