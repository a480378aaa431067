import { CommandFailedError, CommandTimeoutError, NoRespondersError } from '@livedesk/messaging';
import { ApiError } from '@livedesk/service-kit';
import { AttachmentRefusedError } from '../attachments/attachments.js';
import { DomainError } from '../domain/index.js';
import { InvalidCursorError } from '../read-model/tickets-table.js';

/** A refusal as the HTTP API answers it (`{error: {code, message, reason}}`); anything else stays an internal error. */
export function toApiError(error: unknown): unknown {
  if (error instanceof DomainError) return new ApiError(error.code, error.message, error.reason);
  if (error instanceof AttachmentRefusedError) return new ApiError('validation', error.message, error.refusal.reason);
  if (error instanceof InvalidCursorError) return new ApiError('validation', error.message, 'invalid_cursor');
  if (error instanceof NoRespondersError || error instanceof CommandTimeoutError) {
    return new ApiError('unavailable', 'a service this request needs does not answer; try again', 'dependency_unavailable');
  }
  if (error instanceof CommandFailedError && error.code === 'validation') return new ApiError('validation', error.message, error.reason);
  return error;
}
