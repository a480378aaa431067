import { describe, expect, it } from '@jest/globals';
import type { RoutingStatus } from '@livedesk/contracts';
import { agentActivity, type AssignmentInterval, type StatusChange } from './agent-activity.js';

const utc = (hhmm: string): Date => new Date(`2026-03-02T${hhmm}:00Z`);
const change = (hhmm: string, from: RoutingStatus, to: RoutingStatus): StatusChange => ({
  from,
  to,
  occurredAt: utc(hhmm),
});
const chat = (id: string, from: string, to: string | null): AssignmentInterval => ({
  conversation_id: id,
  from: utc(from),
  to: to === null ? null : utc(to),
});

describe('agentActivity', () => {
  const period = { from: utc('08:00'), to: utc('16:00') };
  const changes = [
    change('07:00', 'offline', 'accepting'), // before the period: sets the status at 08:00
    change('10:00', 'accepting', 'not_accepting'),
    change('11:00', 'not_accepting', 'accepting'),
    change('15:00', 'accepting', 'offline'),
    change('17:00', 'offline', 'accepting'), // after the period: ignored
  ];
  const chats = [
    chat('c4', '07:00', '08:15'), // started before the period
    chat('c1', '08:30', '09:30'),
    chat('c2', '09:00', '10:30'),
    chat('c3', '14:30', null), // still open
  ];
  const activity = agentActivity([...changes].reverse(), chats, period);

  it('clips the status intervals to the period', () => {
    expect(activity.intervals).toEqual([
      { status: 'accepting', from: utc('08:00'), to: utc('10:00') },
      { status: 'not_accepting', from: utc('10:00'), to: utc('11:00') },
      { status: 'accepting', from: utc('11:00'), to: utc('15:00') },
      { status: 'offline', from: utc('15:00'), to: utc('16:00') },
    ]);
    expect(activity.accepting_seconds).toBe(21600); // 2 h + 4 h
    expect(activity.not_accepting_seconds).toBe(3600);
    expect(activity.offline_seconds).toBe(3600);
  });

  it('counts chatting time in any status but offline, and idle time accepting with no chat', () => {
    // open chats: 08:00–08:15 1 · 08:15–08:30 0 · 08:30–09:00 1 · 09:00–09:30 2 · 09:30–10:30 1 · 10:30–14:30 0 · 14:30–16:00 1
    // chatting: 08:00–08:15 (15 min) + 08:30–10:30 (120 min, not_accepting from 10:00 included)
    //         + 14:30–15:00 (30 min; offline afterwards) = 165 min = 9900 s
    expect(activity.chatting_seconds).toBe(9900);
    // idle: 08:15–08:30 (15 min) + 11:00–14:30 (210 min) = 225 min = 13500 s (10:30–11:00 is not_accepting)
    expect(activity.idle_seconds).toBe(13500);
  });

  it('averages the open chats over chatting time', () => {
    // chat-minutes: 15×1 + 30×1 + 30×2 + 60×1 + 30×1 = 195 over 165 chatting minutes = 13/11
    expect(activity.average_concurrency).toBeCloseTo(13 / 11, 12);
  });

  it('takes the status before the first change from that change, and offline with no change at all', () => {
    const first = agentActivity([change('12:00', 'not_accepting', 'accepting')], [], period);
    expect(first.not_accepting_seconds).toBe(14400); // 08:00–12:00
    expect(first.accepting_seconds).toBe(14400); // 12:00–16:00
    expect(first.idle_seconds).toBe(14400);

    const none = agentActivity([], [chat('c1', '09:00', '10:00')], period);
    expect(none.intervals).toEqual([{ status: 'offline', from: utc('08:00'), to: utc('16:00') }]);
    expect(none.offline_seconds).toBe(28800);
    expect(none.chatting_seconds).toBe(0); // a chat held while offline is not chatting time
    expect(none.average_concurrency).toBeNull();
  });

  it('applies a change exactly at the start of the period', () => {
    const exact = agentActivity([change('08:00', 'offline', 'accepting')], [], period);
    expect(exact.intervals).toEqual([{ status: 'accepting', from: utc('08:00'), to: utc('16:00') }]);
  });
});
