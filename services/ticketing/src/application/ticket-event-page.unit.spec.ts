import { describe, expect, it } from '@jest/globals';
import type { TicketEventView } from '@livedesk/contracts';
import { ticketEventPage } from './ticket-event-page.js';

function replied(version: number, text = `reply ${version}`): TicketEventView {
  return {
    ticket_id: 't-1',
    version,
    event_id: `00000000-0000-4000-8000-${String(version).padStart(12, '0')}`,
    type: 'TicketReplied',
    created_at: '2026-12-01T10:00:00.000Z',
    data: { text },
  };
}
const versions = (page: { events: TicketEventView[] }) => page.events.map((event) => event.version);

describe('ticketEventPage: a ticket history page by page', () => {
  it('answers up to the limit with has_more when the read found one event more', () => {
    const page = ticketEventPage([replied(3), replied(4), replied(5)], 2, 2, 1_000_000);
    expect(versions(page)).toEqual([3, 4]);
    expect(page).toMatchObject({ hasMore: true, nextSinceVersion: 4 });
    expect(ticketEventPage([replied(5)], 4, 2, 1_000_000)).toMatchObject({ hasMore: false, nextSinceVersion: 5 });
  });

  it('stops before the byte budget but always holds one event (a thread of 64 KB replies)', () => {
    const long = [replied(1, 'a'.repeat(5000)), replied(2, 'b'.repeat(5000)), replied(3)];
    const first = ticketEventPage(long, 0, 100, 6000);
    expect(versions(first)).toEqual([1]);
    expect(first.hasMore).toBe(true);
  });

  it('answers an empty last page with the version asked from', () => {
    expect(ticketEventPage([], 7, 100, 1000)).toEqual({ events: [], hasMore: false, nextSinceVersion: 7 });
  });
});
