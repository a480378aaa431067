import { describe, expect, it } from '@jest/globals';
import { AGENT_FIGURES, AGENT_TOTAL_KEYS, type AgentTotalKey } from './agent-figures.js';
import { compareWithDaysBefore, divide, figuresOf, ratio, total, zeroTotals, type Totals } from './figures.js';

const specs = {
  chats: total('chats'),
  average_seconds: ratio('seconds', 'chats'),
  good_percent: ratio('good', 'rated', 100),
} as const;
type Key = 'chats' | 'seconds' | 'good' | 'rated';
const day = (chats: number, seconds: number, good: number, rated: number): Totals<Key> => ({
  chats,
  seconds,
  good,
  rated,
});

describe('figuresOf', () => {
  it('reads totals as they are and divides ratios', () => {
    expect(figuresOf(specs, day(4, 100, 3, 4))).toEqual({ chats: 4, average_seconds: 25, good_percent: 75 });
  });

  it('answers null, not 0, for a ratio with nothing to divide by', () => {
    expect(figuresOf(specs, day(0, 0, 0, 0))).toEqual({ chats: 0, average_seconds: null, good_percent: null });
    expect(divide(0, 0)).toBeNull();
    expect(divide(1, 3, 100)).toBeCloseTo(33.3333, 4);
  });
});

describe('compareWithDaysBefore', () => {
  it('compares totals with their mean per day, days off included', () => {
    const before = [day(10, 0, 0, 0), ...Array.from({ length: 6 }, () => day(0, 0, 0, 0))];
    expect(compareWithDaysBefore(specs, day(3, 0, 0, 0), before).chats).toEqual({ value: 3, mean: 10 / 7 });
  });

  it('compares ratios with the ratio over every earlier day together (not a mean of daily means)', () => {
    // Day 1: one chat of 600 s; day 2: nine chats of 100 s each. Pooled: 1500 / 10 = 150 s (a mean of means would say 350 s).
    const before = [day(1, 600, 1, 1), day(9, 900, 3, 9)];
    const compared = compareWithDaysBefore(specs, day(2, 50, 0, 0), before);
    expect(compared.average_seconds).toEqual({ value: 25, mean: 150 });
    expect(compared.good_percent).toEqual({ value: null, mean: 40 });
  });

  it('has no mean without earlier days, and null ratios when they had nothing', () => {
    expect(compareWithDaysBefore(specs, day(1, 10, 1, 1), []).chats).toEqual({ value: 1, mean: null });
    expect(compareWithDaysBefore(specs, day(1, 10, 1, 1), [day(0, 0, 0, 0)]).average_seconds).toEqual({
      value: 10,
      mean: null,
    });
  });
});

describe('AGENT_FIGURES', () => {
  it('derives concurrency, averages and CSAT from the agent totals', () => {
    const totals: Totals<AgentTotalKey> = {
      ...zeroTotals(AGENT_TOTAL_KEYS),
      chatting_seconds: 6080,
      chat_seconds: 6180,
      first_responses: 2,
      first_response_sum: 5735,
      csat_ratings: 4,
      csat_good: 3,
      csat_sum: 17,
    };
    const figures = figuresOf(AGENT_FIGURES, totals);
    expect(figures.average_concurrency).toBeCloseTo(6180 / 6080, 12);
    expect(figures.first_response_average_seconds).toBe(2867.5);
    expect(figures.csat_percent).toBe(75);
    expect(figures.csat_average_score).toBe(4.25);
    expect(figures.response_average_seconds).toBeNull();
    expect(figures.chats_handled).toBe(0);
  });
});
