import { describe, expect, it } from '@jest/globals';
import { BusinessCalendar } from './business-calendar.js';
import { agent, assigned, at, closed, customer, queued, resolved, started, stream } from './conversation-fixtures.js';
import { foldCycles } from './conversation-cycles.js';
import type { ConversationFact, CycleFacts } from './cycle-facts.js';
import { alertKey, slaOutcomesOf, slaTimersOf } from './sla-outcomes.js';
import type { ResolvedPolicy } from './sla-policy.js';

const policy = (targets: ResolvedPolicy['targets'], calendar: BusinessCalendar | null = null): ResolvedPolicy => ({
  policy_id: 'p',
  policy_version: 1,
  targets,
  calendar,
});
const factsOf = (...events: Parameters<typeof stream>): CycleFacts =>
  stream(...events).reduce<CycleFacts[]>((cycles, event: ConversationFact) => foldCycles(cycles, event), [])[0]!;
const byTarget = (outcomes: ReturnType<typeof slaOutcomesOf>) =>
  Object.fromEntries(outcomes.map((outcome) => [outcome.target, outcome]));

describe('slaOutcomesOf', () => {
  it('a target met by its due time is hit, one met later is missed by the difference', () => {
    const facts = factsOf(started(0), queued(0), customer(5), assigned(40, 'A'), agent(100, 'A'), resolved(200));
    const outcomes = byTarget(
      slaOutcomesOf(facts, policy({ queue_seconds: 45, first_response_seconds: 60, resolution_seconds: 150 })),
    );
    expect(outcomes.queue).toMatchObject({
      status: 'hit',
      started_at: at(0),
      due_at: at(45),
      warn_at: at(36),
      completed_at: at(40),
      breach: null,
      elapsed: { seconds: 40 },
    });
    // FRT 95 s against 60: due at 65, missed by 35.
    expect(outcomes.first_response).toMatchObject({
      status: 'missed',
      due_at: at(65),
      breached_at: at(65),
      breach: { seconds: 35, business_seconds: 35 },
    });
    expect(outcomes.resolution).toMatchObject({ status: 'missed', due_at: at(150), breach: { seconds: 50 } });
  });

  it('an open target is pending, and missed once its breach was seen live', () => {
    const facts = factsOf(started(0), queued(0), customer(5), assigned(10, 'A'));
    const target = policy({ first_response_seconds: 60 });
    expect(slaOutcomesOf(facts, target)[0]).toMatchObject({
      status: 'pending',
      due_at: at(65),
      breached_at: null,
      elapsed: null,
    });
    const alerts = { [alertKey('first_response', 0)]: { warning_at: at(53).getTime(), breach_at: at(65).getTime() } };
    expect(slaOutcomesOf(facts, target, alerts)[0]).toMatchObject({
      status: 'missed',
      breached_at: at(65),
      breach: null, // by how much is known once it is answered or the cycle ends
      warning_notified_at: at(53),
      breach_notified_at: at(65),
    });
  });

  it('has no outcome for a target whose clock never started, or that the end of the cycle made moot in time', () => {
    // Never queued, the customer never wrote: no queue or first-response outcome.
    expect(
      slaOutcomesOf(
        factsOf(started(0), assigned(0, 'A'), agent(5, 'A'), closed(20)),
        policy({ queue_seconds: 45, first_response_seconds: 60 }),
      ),
    ).toEqual([]);
    // The customer left after 30 s of a 45 s queue target: nothing was missed, and nothing met.
    expect(
      slaOutcomesOf(factsOf(started(0), queued(0), customer(1), closed(30)), policy({ queue_seconds: 45 })),
    ).toEqual([]);
    // …but after 50 s it was missed, by 5 s.
    expect(
      slaOutcomesOf(factsOf(started(0), queued(0), customer(1), closed(50)), policy({ queue_seconds: 45 }))[0],
    ).toMatchObject({ status: 'missed', breach: { seconds: 5 } });
  });

  it('judges next response per cycle: the first breached exchange, else the one waiting, else the last met', () => {
    const target = policy({ next_response_seconds: 30 });
    // Exchanges: 1 (FRT) 5→20, 2 30→50 met, 3 60→100 missed by 10, 4 110→120 met.
    const missed = factsOf(
      started(0),
      customer(5),
      agent(20, 'A'),
      customer(30),
      agent(50, 'A'),
      customer(60),
      agent(100, 'A'),
      customer(110),
      agent(120, 'A'),
      resolved(200),
    );
    expect(slaOutcomesOf(missed, target)).toEqual([
      expect.objectContaining({
        target: 'next_response',
        exchange: 3,
        status: 'missed',
        due_at: at(90),
        breach: { seconds: 10, business_seconds: 10 },
      }),
    ]);
    const waiting = factsOf(started(0), customer(5), agent(20, 'A'), customer(30), agent(50, 'A'), customer(60));
    expect(slaOutcomesOf(waiting, target)).toEqual([
      expect.objectContaining({ exchange: 3, status: 'pending', due_at: at(90) }),
    ]);
    const allMet = factsOf(
      started(0),
      customer(5),
      agent(20, 'A'),
      customer(30),
      agent(50, 'A'),
      customer(60),
      agent(70, 'A'),
    );
    expect(slaOutcomesOf(allMet, target)).toEqual([
      expect.objectContaining({ exchange: 3, status: 'hit', completed_at: at(70) }),
    ]);
    // Only the first response so far: no next-response outcome.
    expect(slaOutcomesOf(factsOf(started(0), customer(5), agent(20, 'A')), target)).toEqual([]);
  });

  it('counts the target in business time when the policy has a calendar', () => {
    // Warsaw, Mon–Fri 09:00–17:00; Fri 2026-03-06 16:59 local = 15:59Z; t0 is Mon 2026-03-02 10:00Z.
    const office = BusinessCalendar.parse({
      time_zone: 'Europe/Warsaw',
      weekly: (['mon', 'tue', 'wed', 'thu', 'fri'] as const).map((day) => ({ day, from: '09:00', to: '17:00' })),
    });
    const friday = (Date.parse('2026-03-06T15:59:00Z') - at(0).getTime()) / 1000;
    const monday = (Date.parse('2026-03-09T08:00:30Z') - at(0).getTime()) / 1000; // 09:00:30 local
    const facts = factsOf(
      started(friday),
      queued(friday),
      customer(friday),
      assigned(monday, 'A'),
      agent(monday + 60, 'A'),
    );
    const [queue, first] = slaOutcomesOf(facts, policy({ queue_seconds: 120, first_response_seconds: 120 }, office));
    // 120 business seconds from Fri 16:59: 60 on Friday, 60 on Monday: due Mon 09:01.
    expect(queue).toMatchObject({
      status: 'hit',
      business: true,
      due_at: new Date('2026-03-09T08:01:00Z'),
      elapsed: { business_seconds: 90 },
    });
    expect(first).toMatchObject({
      status: 'missed',
      due_at: new Date('2026-03-09T08:01:00Z'),
      breach: { business_seconds: 30 },
    });
  });
});

describe('slaTimersOf', () => {
  it('sets a warning and a breach timer for each pending outcome whose alert was not sent yet', () => {
    const facts = factsOf(started(0), queued(0), customer(5));
    const target = policy({ queue_seconds: 45, first_response_seconds: 60 });
    expect(slaTimersOf(slaOutcomesOf(facts, target))).toEqual([
      { target: 'queue', exchange: 0, kind: 'warning', fire_at: at(36), due_at: at(45) },
      { target: 'queue', exchange: 0, kind: 'breach', fire_at: at(45), due_at: at(45) },
      { target: 'first_response', exchange: 0, kind: 'warning', fire_at: at(53), due_at: at(65) },
      { target: 'first_response', exchange: 0, kind: 'breach', fire_at: at(65), due_at: at(65) },
    ]);
    const warned = { [alertKey('queue', 0)]: { warning_at: at(36).getTime() } };
    expect(slaTimersOf(slaOutcomesOf(facts, target, warned)).filter((timer) => timer.target === 'queue')).toEqual([
      { target: 'queue', exchange: 0, kind: 'breach', fire_at: at(45), due_at: at(45) },
    ]);
    // Once met, or missed live, no timer is left.
    const met = factsOf(started(0), queued(0), customer(5), assigned(10, 'A'), agent(20, 'A'));
    expect(slaTimersOf(slaOutcomesOf(met, target))).toEqual([]);
  });
});
