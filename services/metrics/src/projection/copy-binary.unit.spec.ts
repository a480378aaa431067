import { describe, expect, it } from '@jest/globals';
import { binaryCopyChunks, type BinaryCopyColumn } from './copy-binary.js';

const SIGNATURE = Buffer.from('PGCOPY\n\xff\r\n\0', 'latin1');

/** The fields of each row of a binary COPY stream (null for NULL), after checking its header and trailer. */
function decode(chunks: Buffer[]): (Buffer | null)[][] {
  const bytes = Buffer.concat(chunks);
  expect(bytes.subarray(0, 11)).toEqual(SIGNATURE);
  expect(bytes.readInt32BE(11)).toBe(0);
  expect(bytes.readInt32BE(15)).toBe(0);
  let at = 19;
  const rows: (Buffer | null)[][] = [];
  for (;;) {
    const count = bytes.readInt16BE(at);
    at += 2;
    if (count === -1) break;
    const row: (Buffer | null)[] = [];
    for (let i = 0; i < count; i++) {
      const length = bytes.readInt32BE(at);
      at += 4;
      row.push(length === -1 ? null : bytes.subarray(at, at + length));
      if (length > 0) at += length;
    }
    rows.push(row);
  }
  expect(at).toBe(bytes.length);
  return rows;
}

const one = (type: string, value: unknown) => {
  const chunks = binaryCopyChunks([{ v: value }], [{ name: 'v', type }]);
  return chunks === undefined ? undefined : decode(chunks)[0]![0];
};

describe('binaryCopyChunks', () => {
  it('writes each type in its binary form', () => {
    expect(one('int2', -2)!.readInt16BE(0)).toBe(-2);
    expect(one('int4', 2_147_483_647)!.readInt32BE(0)).toBe(2_147_483_647);
    expect(one('int8', -(2 ** 53) + 1)!.readBigInt64BE(0)).toBe(BigInt(-(2 ** 53) + 1));
    expect(one('int8', 2 ** 40 + 7)!.readBigInt64BE(0)).toBe(BigInt(2 ** 40 + 7));
    expect(one('float8', 0.1 + 0.2)!.readDoubleBE(0)).toBe(0.1 + 0.2);
    expect(Object.is(one('float8', -0)!.readDoubleBE(0), 0)).toBe(true);
    expect(one('bool', true)).toEqual(Buffer.from([1]));
    expect(one('text', 'é🙂\t\\N')!.toString('utf8')).toBe('é🙂\t\\N');
    expect(one('text', 12.5)!.toString('utf8')).toBe('12.5');
    expect(one('jsonb', { a: [1, 'x'] })).toEqual(Buffer.concat([Buffer.from([1]), Buffer.from('{"a":[1,"x"]}')]));
    expect(one('json', 'x')!.toString()).toBe('"x"');
    expect(one('date', '2000-01-02')!.readInt32BE(0)).toBe(1);
    expect(one('date', '1999-12-31')!.readInt32BE(0)).toBe(-1);
    expect(one('date', '2024-02-29')!.readInt32BE(0)).toBe(8825);
  });

  it('writes instants as microseconds since 2000, exactly, over years 1 to 9999', () => {
    const micros = (iso: string) => one('timestamptz', new Date(iso))!.readBigInt64BE(0);
    expect(micros('2000-01-01T00:00:00.001Z')).toBe(1000n);
    expect(micros('1970-01-01T00:00:00.000Z')).toBe(-946_684_800_000_000n);
    expect(micros('1999-12-31T23:59:59.999Z')).toBe(-1000n);
    for (let i = 0; i < 5000; i++) {
      const ms = Date.parse('0001-01-01T00:00:00Z') + Math.floor(Math.random() * 315_537_897_599_999);
      const expected = (BigInt(ms) - 946_684_800_000n) * 1000n;
      expect(one('timestamptz', new Date(ms))!.readBigInt64BE(0)).toBe(expected);
    }
    expect(micros('9999-12-31T23:59:59.999Z')).toBe(
      (BigInt(Date.parse('9999-12-31T23:59:59.999Z')) - 946_684_800_000n) * 1000n,
    );
  });

  it('writes arrays as array_send does, with their NULLs', () => {
    const array = one('_text', ['a', null, 'é'])!;
    expect([array.readInt32BE(0), array.readInt32BE(4), array.readInt32BE(8)]).toEqual([1, 1, 25]);
    expect([array.readInt32BE(12), array.readInt32BE(16)]).toEqual([3, 1]);
    expect(array.readInt32BE(20)).toBe(1);
    expect(array.subarray(24, 25).toString()).toBe('a');
    expect(array.readInt32BE(25)).toBe(-1);
    expect(array.readInt32BE(29)).toBe(2);
    expect(array.subarray(33).toString()).toBe('é');
    const ints = one('_int4', [1, 2])!;
    expect([ints.readInt32BE(0), ints.readInt32BE(4), ints.readInt32BE(8)]).toEqual([1, 0, 23]);
    expect(one('_int4', [])).toEqual(Buffer.from([0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 23]));
  });

  it('writes NULL where the text format writes NULL', () => {
    for (const [type, value] of [
      ['int4', null],
      ['int4', undefined],
      ['int4', Number.NaN],
      ['float8', Number.POSITIVE_INFINITY],
      ['timestamptz', new Date(Number.NaN)],
      ['jsonb', undefined],
    ] as const) {
      expect(one(type, value)).toBeNull();
    }
  });

  it('answers undefined (the text format) for what its binary form would store otherwise', () => {
    for (const [type, value] of [
      ['int4', '42'],
      ['int4', 1.5],
      ['int4', 2 ** 31],
      ['int2', 40_000],
      ['int8', 2 ** 53],
      ['int8', 5n],
      ['float8', '1.5'],
      ['bool', 'true'],
      ['timestamptz', '2026-01-01T00:00:00Z'],
      ['timestamptz', new Date('+010000-01-01T00:00:00.000Z')],
      ['timestamptz', new Date('-000001-01-01T00:00:00.000Z')],
      ['date', '2026-02-30'],
      ['date', '2026-3-2'],
      ['date', new Date()],
      ['_text', 'not an array'],
      ['_text', [['nested']]],
      ['_int4', [1.5]],
      ['numeric', 1],
    ] as const) {
      expect([type, one(type, value)]).toEqual([type, undefined]);
    }
  });

  it('splits many rows over chunks, every row whole once they are joined', () => {
    const columns: BinaryCopyColumn[] = [
      { name: 'id', type: 'int4' },
      { name: 'text', type: 'text' },
      { name: 'tags', type: '_text' },
    ];
    const rows = Array.from({ length: 3000 }, (_, id) => ({
      id,
      text: 'x'.repeat(id % 97),
      tags: ['t'.repeat(id % 50)],
    }));
    const chunks = binaryCopyChunks(rows, columns)!;
    expect(chunks.length).toBeGreaterThan(1);
    const decoded = decode(chunks);
    expect(decoded).toHaveLength(3000);
    for (const [i, row] of decoded.entries()) {
      expect(row[0]!.readInt32BE(0)).toBe(i);
      expect(row[1]!.toString()).toBe('x'.repeat(i % 97));
      expect(row[2]!.subarray(24).toString()).toBe('t'.repeat(i % 50));
    }
  });
});
