/**
 * Rows encoded in the binary format of `COPY … FROM STDIN (FORMAT binary)`
 * (https://www.postgresql.org/docs/current/sql-copy.html, "Binary Format"): a signature, then
 * per row the number of fields and each field as its length and its bytes in the type's binary
 * (send/receive) form, -1 for NULL. Postgres then parses no text: no numbers, no instants, no
 * escapes, which a rebuild's hundreds of thousands of rows cost it in the text format.
 *
 * The values are the same as the text format's (copy-text.ts), so both store the same row: a
 * value whose binary form would be anything else (a string in a number column, a fraction in an
 * integer column, an instant outside years 1–9999, a nested array …) makes the whole table's rows
 * go as text (`binaryCopyChunks` answers undefined), where Postgres parses it, or refuses it, as
 * it always did.
 */
import { scalarText } from './copy-text.js';

/** The column types written in binary; a table with any other goes as text. */
export const BINARY_COPY_TYPES = new Set([
  'text',
  'int2',
  'int4',
  'int8',
  'float8',
  'bool',
  'timestamptz',
  'date',
  'json',
  'jsonb',
  '_text',
  '_int4',
]);

export interface BinaryCopyColumn {
  name: string;
  /** `pg_type.typname` */
  type: string;
}

/** A value the binary form cannot take as the text format would: the table goes as text. */
class TextOnly extends Error {}

const SIGNATURE = Buffer.from('PGCOPY\n\xff\r\n\0', 'latin1');
const CHUNK_BYTES = 64 * 1024;
const TWO_32 = 4_294_967_296;
const DAY_MS = 86_400_000;
/** 2000-01-01T00:00:00Z, Postgres's epoch for instants and dates, in Unix milliseconds. */
const POSTGRES_EPOCH_MS = 946_684_800_000;
const POSTGRES_EPOCH_DAY = POSTGRES_EPOCH_MS / DAY_MS;
/** The instants written in binary: years 1–9999 (the text format's plain `YYYY-MM-DD…` ones). */
const FIRST_MS = new Date('0001-01-01T00:00:00.000Z').getTime();
const LAST_MS = new Date('9999-12-31T23:59:59.999Z').getTime();
const DATE_TEXT = /^(\d{4})-(\d{2})-(\d{2})$/;
const TEXT_OID = 25;
const INT4_OID = 23;

/** Where four reserved bytes are, and how much was written before the bytes after them. */
interface Slot {
  chunk: Buffer;
  at: number;
  from: number;
}

/** Fills chunks of about CHUNK_BYTES, each sent to the server as it is. */
class ChunkWriter {
  readonly chunks: Buffer[] = [];
  private buffer = Buffer.allocUnsafe(CHUNK_BYTES);
  private at = 0;
  /** Bytes in `chunks`. */
  private done = 0;

  /** Room for `bytes` more in the current chunk (a new chunk when they do not fit). */
  private room(bytes: number): void {
    if (this.at + bytes <= this.buffer.length) return;
    if (this.at > 0) {
      this.chunks.push(this.buffer.subarray(0, this.at));
      this.done += this.at;
    }
    this.buffer = Buffer.allocUnsafe(Math.max(CHUNK_BYTES, bytes));
    this.at = 0;
  }

  bytes(bytes: Buffer): void {
    this.room(bytes.length);
    bytes.copy(this.buffer, this.at);
    this.at += bytes.length;
  }

  int16(value: number): void {
    this.room(2);
    this.at = this.buffer.writeInt16BE(value, this.at);
  }

  int32(value: number): void {
    this.room(4);
    this.at = this.buffer.writeInt32BE(value, this.at);
  }

  /** A NULL field: length -1, no bytes. (Every field is its length, then its bytes.) */
  nullField(): void {
    this.int32(-1);
  }

  int16Field(value: number): void {
    this.room(6);
    this.at = this.buffer.writeInt32BE(2, this.at);
    this.at = this.buffer.writeInt16BE(value, this.at);
  }

  int32Field(value: number): void {
    this.room(8);
    this.at = this.buffer.writeInt32BE(4, this.at);
    this.at = this.buffer.writeInt32BE(value, this.at);
  }

  /** A 64-bit integer given as its high (signed) and low (unsigned) 32 bits. */
  int64Field(high: number, low: number): void {
    this.room(12);
    this.at = this.buffer.writeInt32BE(8, this.at);
    this.at = this.buffer.writeInt32BE(high, this.at);
    this.at = this.buffer.writeUInt32BE(low, this.at);
  }

  float64Field(value: number): void {
    this.room(12);
    this.at = this.buffer.writeInt32BE(8, this.at);
    this.at = this.buffer.writeDoubleBE(value, this.at);
  }

  boolField(value: boolean): void {
    this.room(5);
    this.at = this.buffer.writeInt32BE(1, this.at);
    this.buffer[this.at++] = value ? 1 : 0;
  }

  /** A text field in UTF-8, after a `prefix` byte if given (jsonb's version). */
  textField(text: string, prefix?: number): void {
    const extra = prefix === undefined ? 0 : 1;
    // A UTF-16 code unit is at most three bytes of UTF-8.
    this.room(4 + extra + text.length * 3);
    const start = this.at;
    this.at += 4;
    if (prefix !== undefined) this.buffer[this.at++] = prefix;
    this.at += this.buffer.write(text, this.at, 'utf8');
    this.buffer.writeInt32BE(this.at - start - 4, start);
  }

  /** Four bytes whose value is known later (`fill`). */
  reserve(): Slot {
    this.room(4);
    const slot = { chunk: this.buffer, at: this.at, from: 0 };
    this.at += 4;
    slot.from = this.written();
    return slot;
  }

  fill(slot: Slot, value: number): void {
    slot.chunk.writeInt32BE(value, slot.at);
  }

  /** Fills a slot reserved before a field's bytes with their length. */
  fillLength(slot: Slot): void {
    this.fill(slot, this.written() - slot.from);
  }

  /** Bytes written so far, over all chunks. */
  private written(): number {
    return this.done + this.at;
  }

  finish(): Buffer[] {
    if (this.at > 0) this.chunks.push(this.buffer.subarray(0, this.at));
    this.done += this.at;
    this.at = 0;
    return this.chunks;
  }
}

/** An integer's field as the text format would store it (NULL for a non-finite number). */
function integerField(out: ChunkWriter, value: unknown, bits: 16 | 32 | 64): void {
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) return out.nullField();
    if (!Number.isInteger(value)) throw new TextOnly();
    if (bits === 16 && value >= -32_768 && value <= 32_767) return out.int16Field(value);
    if (bits === 32 && value >= -2_147_483_648 && value <= 2_147_483_647) return out.int32Field(value);
    if (bits === 64 && Number.isSafeInteger(value)) {
      const high = Math.floor(value / TWO_32);
      return out.int64Field(high, value - high * TWO_32);
    }
  }
  // Out of range (Postgres refuses it), a bigint or a string: as text.
  throw new TextOnly();
}

/** An instant as microseconds since 2000-01-01, exactly (more than 2^53 of them from year 2286). */
function timestampField(out: ChunkWriter, value: unknown): void {
  if (!(value instanceof Date)) throw new TextOnly();
  const ms = value.getTime();
  if (Number.isNaN(ms)) return out.nullField();
  if (ms < FIRST_MS || ms > LAST_MS) throw new TextOnly();
  const since = ms - POSTGRES_EPOCH_MS;
  const high = Math.floor(since / TWO_32);
  const lowMicros = (since - high * TWO_32) * 1000;
  const carry = Math.floor(lowMicros / TWO_32);
  out.int64Field(high * 1000 + carry, lowMicros - carry * TWO_32);
}

/** A `YYYY-MM-DD` day as days since 2000-01-01; any other text (or a day that does not exist) as text. */
function dateField(out: ChunkWriter, value: unknown): void {
  const match = typeof value === 'string' ? DATE_TEXT.exec(value) : null;
  if (!match) throw new TextOnly();
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
  const date = new Date(Date.UTC(2000, month - 1, day));
  date.setUTCFullYear(year);
  if (date.getUTCFullYear() !== year || date.getUTCMonth() !== month - 1 || date.getUTCDate() !== day) {
    throw new TextOnly();
  }
  out.int32Field(date.getTime() / DAY_MS - POSTGRES_EPOCH_DAY);
}

/** A one-dimensional array of text or int4 elements (array_send's form); anything else as text. */
function arrayField(out: ChunkWriter, value: unknown, element: 'text' | 'int4'): void {
  if (!Array.isArray(value)) throw new TextOnly();
  const length = out.reserve();
  const empty = value.length === 0;
  out.int32(empty ? 0 : 1);
  const hasNulls = out.reserve();
  out.int32(element === 'text' ? TEXT_OID : INT4_OID);
  if (!empty) {
    out.int32(value.length);
    out.int32(1);
  }
  let nulls = 0;
  for (const item of value) {
    if (Array.isArray(item)) throw new TextOnly();
    if (element === 'int4') {
      if (item === null || item === undefined || (typeof item === 'number' && !Number.isFinite(item))) {
        nulls += 1;
        out.nullField();
      } else integerField(out, item, 32);
      continue;
    }
    const text = scalarText(item);
    if (text === null) {
      nulls += 1;
      out.nullField();
    } else out.textField(text);
  }
  out.fill(hasNulls, nulls > 0 ? 1 : 0);
  out.fillLength(length);
}

function field(out: ChunkWriter, value: unknown, type: string): void {
  if (value === null || value === undefined) return out.nullField();
  switch (type) {
    case 'text': {
      const text = scalarText(value);
      return text === null ? out.nullField() : out.textField(text);
    }
    case 'int2':
      return integerField(out, value, 16);
    case 'int4':
      return integerField(out, value, 32);
    case 'int8':
      return integerField(out, value, 64);
    case 'float8':
      if (typeof value !== 'number') throw new TextOnly();
      if (!Number.isFinite(value)) return out.nullField();
      // The text format writes -0 as "0".
      return out.float64Field(value === 0 ? 0 : value);
    case 'bool':
      if (typeof value !== 'boolean') throw new TextOnly();
      return out.boolField(value);
    case 'timestamptz':
      return timestampField(out, value);
    case 'date':
      return dateField(out, value);
    case 'json':
    case 'jsonb': {
      const json = JSON.stringify(value);
      if (json === undefined) return out.nullField();
      // jsonb_recv takes a version byte (1) before the text.
      return out.textField(json, type === 'jsonb' ? 1 : undefined);
    }
    case '_text':
      return arrayField(out, value, 'text');
    case '_int4':
      return arrayField(out, value, 'int4');
    default:
      throw new TextOnly();
  }
}

/**
 * The rows in COPY's binary format, in chunks to send as they are; undefined when a column's
 * type or a value has no binary form equal to its text form (copy-text.ts then writes them).
 */
export function binaryCopyChunks(rows: readonly object[], columns: readonly BinaryCopyColumn[]): Buffer[] | undefined {
  if (!columns.every((column) => BINARY_COPY_TYPES.has(column.type))) return undefined;
  const out = new ChunkWriter();
  out.bytes(SIGNATURE);
  out.int32(0);
  out.int32(0);
  try {
    for (const row of rows) {
      const record = row as Record<string, unknown>;
      out.int16(columns.length);
      for (let i = 0; i < columns.length; i++) field(out, record[columns[i]!.name], columns[i]!.type);
    }
  } catch (error) {
    if (error instanceof TextOnly) return undefined;
    throw error;
  }
  out.int16(-1);
  return out.finish();
}
