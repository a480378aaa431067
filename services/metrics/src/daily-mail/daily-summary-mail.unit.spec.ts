import { describe, expect, it } from '@jest/globals';
import type { OverviewReport } from '../reports/overview-report.js';
import { dailySummaryMail, seconds } from './daily-summary-mail.js';

const stats = (count: number, average: number | null, median: number | null = average) => ({
  count,
  average_seconds: average,
  median_seconds: median,
  p90_seconds: null,
  max_seconds: null,
});
const sla = (hit: number, missed: number) => ({
  hit,
  missed,
  pending: 0,
  percent: hit + missed === 0 ? null : (hit / (hit + missed)) * 100,
});
const count = (n: number) => ({ count: n, ratio: null });

/** The parts of an overview report the mail reads. */
function report(figures: {
  started: number;
  answered: number;
  resolved: number;
  missed: number;
  frt: [number, number | null, number | null];
  resolution: [number, number | null];
  csat: [number, number];
  sla: [number, number];
}): OverviewReport {
  return {
    chats: {
      started: figures.started,
      with_human_reply: count(figures.answered),
      resolved: count(figures.resolved),
      missed: { ...count(figures.missed) },
    },
    first_response: stats(...figures.frt),
    resolution: { first: stats(...figures.resolution), full: stats(...figures.resolution) },
    csat: {
      ratings: figures.csat[1],
      good: figures.csat[0],
      percent: figures.csat[1] === 0 ? null : (figures.csat[0] / figures.csat[1]) * 100,
      average_score: null,
    },
    sla: { overall: sla(...figures.sla) },
  } as unknown as OverviewReport;
}

describe('dailySummaryMail', () => {
  it("writes each scope's chats, FRT, resolution time, CSAT and SLA", () => {
    const mail = dailySummaryMail({
      organizationName: 'Acme',
      recipientName: 'Sue',
      date: '2026-03-04',
      timeZone: 'Europe/Warsaw',
      sections: [
        {
          scope: { kind: 'group', name: 'Sales' },
          report: report({
            started: 3,
            answered: 2,
            resolved: 2,
            missed: 1,
            frt: [2, 42, 30],
            resolution: [2, 185],
            csat: [1, 2],
            sla: [2, 1],
          }),
        },
        {
          scope: { kind: 'group', name: 'Support' },
          report: report({
            started: 0,
            answered: 0,
            resolved: 0,
            missed: 0,
            frt: [0, null, null],
            resolution: [0, null],
            csat: [0, 0],
            sla: [0, 0],
          }),
        },
      ],
    });
    expect(mail.subject).toBe('Daily summary 2026-03-04 — Acme');
    expect(mail.text).toContain('Hello Sue,');
    expect(mail.text).toContain('here are the figures of 2026-03-04 (Europe/Warsaw) for Acme.');
    expect(mail.text).toContain(
      [
        'Group Sales',
        '  Chats: 3 started, 2 answered, 2 resolved, 1 missed',
        '  First response time: 42 s on average, 30 s median (2 chats)',
        '  Resolution time: 3 min 5 s on average (first resolution of 2 chats)',
        '  CSAT: 50 % (1 of 2 ratings of 4 or 5)',
        '  SLA: 66.7 % met (2 hit, 1 missed)',
      ].join('\n'),
    );
    expect(mail.text).toContain(
      [
        'Group Support',
        '  Chats: 0 started, 0 answered, 0 resolved, 0 missed',
        '  First response time: — on average, — median (0 chats)',
        '  Resolution time: — on average (first resolution of 0 chats)',
        '  CSAT: — (0 of 0 ratings of 4 or 5)',
        '  SLA: — met (0 hit, 0 missed)',
      ].join('\n'),
    );
  });

  it("titles an agent's own figures and the organization's", () => {
    const empty = report({
      started: 0,
      answered: 0,
      resolved: 0,
      missed: 0,
      frt: [0, null, null],
      resolution: [0, null],
      csat: [0, 0],
      sla: [0, 0],
    });
    expect(
      dailySummaryMail({
        organizationName: 'Acme',
        recipientName: 'Al',
        date: '2026-03-04',
        timeZone: 'UTC',
        sections: [{ scope: { kind: 'agent', name: 'Al' }, report: empty }],
      }).text,
    ).toContain('Your chats (Al)\n');
    expect(
      dailySummaryMail({
        organizationName: 'Acme',
        recipientName: 'Ann',
        date: '2026-03-04',
        timeZone: 'UTC',
        sections: [{ scope: { kind: 'organization' }, report: empty }],
      }).text,
    ).toContain('The whole organization\n');
  });
});

describe('seconds', () => {
  it.each<[number | null, string]>([
    [null, '—'],
    [0, '0 s'],
    [59.4, '59 s'],
    [60, '1 min 0 s'],
    [3599, '59 min 59 s'],
    [7440, '2 h 4 min'],
  ])('writes %p as %p', (value, text) => {
    expect(seconds(value)).toBe(text);
  });
});
