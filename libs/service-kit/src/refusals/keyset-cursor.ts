import { DomainError } from '@livedesk/contracts';

/** A page cursor the client altered, or one this service never issued. */
export class InvalidCursorError extends DomainError {
  constructor() {
    super('validation', 'invalid_cursor', 'cursor is not one this service issued');
    this.name = 'InvalidCursorError';
  }
}

/** Where a page of a list sorted by (instant, id) ends: opaque to clients. */
export function encodeCursor(at: Date, id: string): string {
  return Buffer.from(JSON.stringify([at.toISOString(), id])).toString('base64url');
}

/** The position `encodeCursor` wrote (none without a cursor); throws `InvalidCursorError` for anything else. */
export function decodeCursor(cursor: string | undefined): { at: string; id: string } | undefined {
  if (cursor === undefined) return undefined;
  try {
    const value: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (Array.isArray(value) && typeof value[0] === 'string' && !Number.isNaN(Date.parse(value[0])) && typeof value[1] === 'string') {
      return { at: value[0], id: value[1] };
    }
  } catch {
    // fall through
  }
  throw new InvalidCursorError();
}
