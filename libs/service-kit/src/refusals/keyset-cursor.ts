import { DomainError } from '@livedesk/contracts';

/** A page cursor the client altered, or one this service never issued. */
export class InvalidCursorError extends DomainError {
  constructor() {
    super('validation', 'invalid_cursor', 'cursor is not one this service issued');
    this.name = 'InvalidCursorError';
  }
}

/** Longest cursor decoded: an instant, an id of at most 128 characters, and the JSON around them, in base64url. */
const MAX_CURSOR_LENGTH = 256;
/** Ids the services issue (UUIDs and the like): nothing Postgres would refuse or a comparison would misread. */
const CURSOR_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/** Where a page of a list sorted by (instant, id) ends: opaque to clients. */
export function encodeCursor(at: Date, id: string): string {
  return Buffer.from(JSON.stringify([at.toISOString(), id])).toString('base64url');
}

/**
 * The position `encodeCursor` wrote (none without a cursor); throws `InvalidCursorError` for
 * anything else. Strict, because the position goes into SQL: a date that `Date.parse` takes
 * but Postgres refuses (`"1"`, year 0, `"+275760-09-13"`) or an id with a NUL answered 500.
 * Only what `encodeCursor` itself writes passes: the instant in the exact form of
 * `toISOString` within years 1–9999, and an id of the characters ids are made of.
 */
export function decodeCursor(cursor: string | undefined): { at: string; id: string } | undefined {
  if (cursor === undefined) return undefined;
  if (cursor.length > MAX_CURSOR_LENGTH) throw new InvalidCursorError();
  let value: unknown;
  try {
    value = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw new InvalidCursorError();
  }
  if (!Array.isArray(value) || value.length !== 2) throw new InvalidCursorError();
  const [at, id] = value as unknown[];
  if (typeof at !== 'string' || !isCanonicalInstant(at) || typeof id !== 'string' || !CURSOR_ID.test(id))
    throw new InvalidCursorError();
  return { at, id };
}

function isCanonicalInstant(value: string): boolean {
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/.test(value) || value.startsWith('0000')) return false;
  const time = Date.parse(value);
  // Round trip: "2026-02-30T…" parses (as March 2nd) but does not come back the same.
  return !Number.isNaN(time) && new Date(time).toISOString() === value;
}
