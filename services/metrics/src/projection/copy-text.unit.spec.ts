import { describe, expect, it } from '@jest/globals';
import { copyField, copyLine } from './copy-text.js';

describe('copyField', () => {
  it('writes numbers, instants and NULLs as they are, and escapes texts', () => {
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
