import { describe, expect, it } from '@jest/globals';
import { copyField, copyLine, isoTimestamp } from './copy-text.js';

describe('isoTimestamp', () => {
  it('is toISOString for instants across the years, days and milliseconds', () => {
    const edges = [
      0,
      -1,
      1,
      Date.parse('1969-12-31T23:59:59.999Z'),
      Date.parse('2000-02-29T00:00:00.000Z'),
      Date.parse('2024-12-31T23:59:59.999Z'),
      Date.parse('2025-01-01T00:00:00.000Z'),
      Date.parse('2026-03-29T01:00:00.000Z'),
      Date.parse('0000-01-01T00:00:00.000Z'),
      Date.parse('9999-12-31T23:59:59.999Z'),
    ];
    let seed = 7;
    const random = () => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed / 2 ** 31;
    };
    const spread = Array.from({ length: 20_000 }, () => Math.round((random() - 0.3) * 4e12));
    for (const ms of [...edges, ...spread]) expect(isoTimestamp(new Date(ms))).toBe(new Date(ms).toISOString());
  });

  it('gives the extended form for years outside 0–9999, and null for an invalid date', () => {
    for (const iso of ['+010000-01-01T00:00:00.000Z', '-000001-06-15T12:30:00.250Z']) {
      expect(isoTimestamp(new Date(iso))).toBe(new Date(iso).toISOString());
    }
    expect(isoTimestamp(new Date(Number.NaN))).toBeNull();
  });
});

describe('copyField', () => {
  it('writes numbers, instants and NULLs without escaping, and escapes texts', () => {
    expect(copyField(42, 'scalar')).toBe('42');
    expect(copyField(-0.5, 'scalar')).toBe('-0.5');
    expect(copyField(Number.POSITIVE_INFINITY, 'scalar')).toBe('\\N');
    expect(copyField(Number.NaN, 'scalar')).toBe('\\N');
    expect(copyField(new Date(Number.NaN), 'scalar')).toBe('\\N');
    expect(copyField(new Date('2026-03-02T10:00:00.5Z'), 'scalar')).toBe('2026-03-02T10:00:00.500Z');
    expect(copyField(null, 'scalar')).toBe('\\N');
    expect(copyField(undefined, 'json')).toBe('\\N');
    expect(copyField('a\tb\\c\nd\re', 'scalar')).toBe('a\\tb\\\\c\\nd\\re');
    // JSON writes the tab as backslash-t; COPY's text format then doubles that backslash.
    expect(copyField({ a: 'x\ty' }, 'json')).toBe('{"a":"x\\\\ty"}');
    // The array literal escapes the quote with a backslash, which COPY's text format doubles.
    expect(copyField([1, 'b"c', null], 'array')).toBe('{"1","b\\\\"c",NULL}');
    expect(copyField([new Date(0)], 'array')).toBe('{"1970-01-01T00:00:00.000Z"}');
  });

  it('lines up a row in its columns, with a newline', () => {
    const columns = [
      { name: 'id', kind: 'scalar' },
      { name: 'at', kind: 'scalar' },
      { name: 'tags', kind: 'array' },
      { name: 'missing', kind: 'scalar' },
    ] as const;
    expect(copyLine({ id: 'c-1', at: new Date(86_400_000), tags: ['x'] }, columns)).toBe(
      'c-1\t1970-01-02T00:00:00.000Z\t{"x"}\t\\N\n',
    );
  });
});
