import { CommandError } from '@livedesk/messaging';
import { z } from 'zod';
import { DomainError } from '../domain/index.js';
import { InvalidCursorError } from '../read-model/chats-table.js';

/** Turns a refusal into the `{code, message, reason}` the caller receives; anything else stays an internal error. */
export function toCommandError(error: unknown): unknown {
  if (error instanceof DomainError) return new CommandError(error.code, error.message, error.reason);
  if (error instanceof z.ZodError) return new CommandError('validation', z.prettifyError(error), 'invalid_command');
  if (error instanceof InvalidCursorError) return new CommandError('validation', error.message, 'invalid_cursor');
  return error;
}
