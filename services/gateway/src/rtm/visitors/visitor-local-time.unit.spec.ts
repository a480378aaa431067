import { describe, expect, it } from '@jest/globals';
import { withLocalTime } from './visitor-directory.js';

describe("a visitor's local time", () => {
  const visitor = {
    visitor_id: 'v-1',
    url: 'https://shop.test/',
    title: null,
    referrer: null,
    last_seen_at: '2026-07-01T10:00:00.000Z',
    location: null,
    language: 'fr-FR',
  };

  it('is the wall-clock time in the browser’s zone, summer and winter time included', () => {
    expect(withLocalTime({ ...visitor, time_zone: 'Europe/Paris' }, new Date('2026-07-01T10:00:00Z')).local_time).toBe(
      '2026-07-01T12:00:00',
    );
    expect(withLocalTime({ ...visitor, time_zone: 'Europe/Paris' }, new Date('2026-12-31T23:30:05Z')).local_time).toBe(
      '2027-01-01T00:30:05',
    );
    expect(
      withLocalTime({ ...visitor, time_zone: 'America/St_Johns' }, new Date('2026-12-05T12:00:00Z')).local_time,
    ).toBe('2026-12-05T08:30:00');
  });

  it('is null without a time zone, and for one this runtime does not know', () => {
    expect(withLocalTime({ ...visitor, time_zone: null }, new Date()).local_time).toBeNull();
    expect(withLocalTime({ ...visitor, time_zone: 'Nowhere/Atlantis' }, new Date()).local_time).toBeNull();
  });

  it('gives the fields a visitor stored before they existed as null', () => {
    const { location, time_zone, language, ...older } = { ...visitor, time_zone: null };
    expect(withLocalTime(older as never, new Date())).toMatchObject({
      location: null,
      time_zone: null,
      language: null,
      local_time: null,
    });
  });
});
