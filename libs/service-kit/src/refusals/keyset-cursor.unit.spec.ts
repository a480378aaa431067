import { describe, expect, it } from '@jest/globals';
import { decodeCursor, encodeCursor, InvalidCursorError } from './keyset-cursor.js';

const forge = (value: unknown): string => Buffer.from(JSON.stringify(value)).toString('base64url');

describe('keyset cursor', () => {
  it('decodes the cursors it encodes', () => {
    const at = new Date('2026-12-05T07:41:12.345Z');
    expect(decodeCursor(encodeCursor(at, '1b4e28ba-2fa1-41d2-883f-0016d3cca427'))).toEqual({
      at: '2026-12-05T07:41:12.345Z',
      id: '1b4e28ba-2fa1-41d2-883f-0016d3cca427',
    });
    expect(decodeCursor(undefined)).toBeUndefined();
  });

  it.each([
    ['a date Postgres refuses', ['1', 'chat-1']],
    ['year zero', ['0000-01-01T00:00:00.000Z', 'chat-1']],
    ['a far-future extended year', ['+275760-09-13T00:00:00.000Z', 'chat-1']],
    ['a day that does not exist', ['2026-02-30T00:00:00.000Z', 'chat-1']],
    ['a date in another form', ['Sat Dec 05 2026', 'chat-1']],
    ['an id with a NUL', ['2026-12-05T07:41:12.345Z', 'chat\u0000']],
    ['an id with a lone surrogate', ['2026-12-05T07:41:12.345Z', '\ud800']],
    ['an empty id', ['2026-12-05T07:41:12.345Z', '']],
    ['an over-long id', ['2026-12-05T07:41:12.345Z', 'x'.repeat(129)]],
    ['a number for an id', ['2026-12-05T07:41:12.345Z', 7]],
    ['a third element', ['2026-12-05T07:41:12.345Z', 'chat-1', 'x']],
    ['an object', { at: '2026-12-05T07:41:12.345Z', id: 'chat-1' }],
  ])('a forged cursor with %s is refused as invalid_cursor', (_what, value) => {
    expect(() => decodeCursor(forge(value))).toThrow(InvalidCursorError);
  });

  it('refuses a cursor that is not base64 JSON, or too long', () => {
    expect(() => decodeCursor('not a cursor')).toThrow(InvalidCursorError);
    expect(() => decodeCursor('A'.repeat(10_000))).toThrow(InvalidCursorError);
  });
});
