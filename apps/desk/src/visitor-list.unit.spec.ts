import { describe, expect, it } from '@jest/globals';
import type { Visitor } from '@livedesk/client';
import { VisitorList } from './visitor-list.js';

function visitor(visitorId: string, url: string, lastSeenAt: string): Visitor {
  return {
    visitor_id: visitorId,
    url,
    title: null,
    referrer: null,
    last_seen_at: lastSeenAt,
    location: null,
    time_zone: null,
    local_time: null,
    language: null,
  };
}

function shown(list: VisitorList): Record<string, string> {
  return Object.fromEntries([...list.visitors].map(([visitorId, seen]) => [visitorId, seen.url]));
}

describe('VisitorList: the desk visitors from pushes and list_visitors reads', () => {
  it('a read replaces the visitors: one no longer listed leaves', () => {
    const list = new VisitorList();
    list.replace(list.asked(), [
      visitor('v1', '/a', '2026-12-07T10:00:00.000Z'),
      visitor('v2', '/b', '2026-12-07T10:00:01.000Z'),
    ]);
    list.replace(list.asked(), [visitor('v2', '/c', '2026-12-07T10:00:05.000Z')]);
    expect(shown(list)).toEqual({ v2: '/c' });
  });

  it('a visitor pushed while a read was under way stays, although the answer does not have them', () => {
    const list = new VisitorList();
    const asked = list.asked();
    list.pushed(visitor('v1', '/shop', '2026-12-07T10:00:00.000Z'));
    list.replace(asked, []);
    expect(shown(list)).toEqual({ v1: '/shop' });
    // A read asked after the push decides: the visitor has left the site.
    list.replace(list.asked(), []);
    expect(shown(list)).toEqual({});
  });

  it('an answer older than a push does not put the visitor back on the page they left', () => {
    const list = new VisitorList();
    list.pushed(visitor('v1', '/home', '2026-12-07T10:00:00.000Z'));
    const asked = list.asked();
    list.pushed(visitor('v1', '/checkout', '2026-12-07T10:00:04.000Z'));
    list.replace(asked, [visitor('v1', '/home', '2026-12-07T10:00:00.000Z')]);
    expect(shown(list)).toEqual({ v1: '/checkout' });
    // A newer answer wins over the push.
    list.replace(list.asked(), [visitor('v1', '/thanks', '2026-12-07T10:00:09.000Z')]);
    expect(shown(list)).toEqual({ v1: '/thanks' });
  });
});
