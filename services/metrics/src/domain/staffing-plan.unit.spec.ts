import { describe, expect, it } from '@jest/globals';
import { staffingPlan, type HourObservation } from './staffing-plan.js';

const observation = (day: HourObservation['day'], hour: number, fields: Partial<HourObservation>): HourObservation => ({
  day,
  hour,
  observed_hours: 4,
  arrivals: 0,
  handled: 0,
  handle_seconds_sum: 0,
  accepting_seconds: 0,
  ...fields,
});

describe('staffingPlan', () => {
  const options = { concurrency: 3, serviceLevel: 0.8, queueTargetSeconds: 20 };

  it('answers the 168 hours of the week, Monday 00:00 first, empty hours needing no one', () => {
    const plan = staffingPlan([], options);
    expect(plan.hours).toHaveLength(168);
    expect(plan.hours[0]).toMatchObject({
      day: 'mon',
      hour: 0,
      agents_needed: 0,
      chat_slots_needed: 0,
      agents_accepting: 0,
    });
    expect(plan.hours[167]).toMatchObject({ day: 'sun', hour: 23 });
    expect(plan.average_handle_seconds).toBeNull();
  });

  it('turns arrivals and handle time into chat slots by Erlang C, and slots into agents', () => {
    // 200 chats per hour (800 over 4 Mondays 09:00), 180 s each: 10 erlangs, 14 slots for 80 % in 20 s
    // (the worked example of erlang-c.unit.spec.ts); 14 slots at 3 chats each are 5 agents.
    const plan = staffingPlan(
      [
        observation('mon', 9, {
          arrivals: 800,
          handled: 400,
          handle_seconds_sum: 72_000,
          accepting_seconds: 4 * 3600 * 4.5,
        }),
      ],
      options,
    );
    const hour = plan.hours.find((h) => h.day === 'mon' && h.hour === 9)!;
    expect(hour).toEqual({
      day: 'mon',
      hour: 9,
      observed_hours: 4,
      arrivals: 800,
      arrival_rate_per_hour: 200,
      average_handle_seconds: 180,
      handle_seconds_used: 180,
      traffic_erlangs: 10,
      chat_slots_needed: 14,
      agents_needed: 5,
      agents_accepting: 4.5,
    });
    expect(
      staffingPlan([observation('mon', 9, { arrivals: 800, handled: 1, handle_seconds_sum: 180 })], {
        ...options,
        concurrency: 1,
      }).hours[9]!.agents_needed,
    ).toBe(14);
  });

  it('divides by the hours observed, so an hour seen twice across a daylight-saving change is not doubled', () => {
    const plan = staffingPlan(
      [observation('sun', 2, { observed_hours: 2, arrivals: 6, handled: 6, handle_seconds_sum: 600 })],
      options,
    );
    expect(plan.hours.find((h) => h.day === 'sun' && h.hour === 2)!.arrival_rate_per_hour).toBe(3);
  });

  it('lends the mean handle time of the window to an hour whose chats were all missed', () => {
    const plan = staffingPlan(
      [
        observation('tue', 10, { arrivals: 4, handled: 2, handle_seconds_sum: 500 }),
        observation('tue', 11, { arrivals: 2, handled: 1, handle_seconds_sum: 400 }),
        observation('tue', 12, { arrivals: 2 }),
      ],
      options,
    );
    expect(plan.average_handle_seconds).toBe(300);
    const noon = plan.hours.find((h) => h.day === 'tue' && h.hour === 12)!;
    expect(noon).toMatchObject({ average_handle_seconds: null, handle_seconds_used: 300, arrival_rate_per_hour: 0.5 });
    expect(noon.traffic_erlangs).toBeCloseTo((0.5 * 300) / 3600, 12);
    expect(noon.agents_needed).toBe(1);
  });

  it('cannot size an hour when no chat of the window ever had a handle time', () => {
    const plan = staffingPlan([observation('wed', 8, { arrivals: 3 })], options);
    expect(plan.hours.find((h) => h.day === 'wed' && h.hour === 8)).toMatchObject({
      chat_slots_needed: null,
      agents_needed: null,
      handle_seconds_used: null,
    });
  });
});
