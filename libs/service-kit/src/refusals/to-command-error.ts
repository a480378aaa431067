import { DomainError } from '@livedesk/contracts';
import { CommandError } from '@livedesk/messaging';
import { z } from 'zod';

/**
 * A NATS command handler's refusal as its caller receives it (`{code, message, reason}`): a
 * rule's (`DomainError`) or a payload that does not parse; anything else stays an internal error.
 */
export function toCommandError(error: unknown): unknown {
  if (error instanceof DomainError) return new CommandError(error.code, error.message, error.reason);
  if (error instanceof z.ZodError) return new CommandError('validation', z.prettifyError(error), 'invalid_command');
  return error;
}
