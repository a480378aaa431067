import { Catch, type ArgumentsHost } from '@nestjs/common';
import { BaseRpcExceptionFilter } from '@nestjs/microservices';
import type { Observable } from 'rxjs';
import { toCommandError } from '../refusals/to-command-error.js';

/**
 * What a NATS command handler throws, as its caller receives it: a `CommandError` as it is, a
 * rule's refusal (`DomainError`) or a payload that does not parse as a `CommandError`
 * (`toCommandError`), anything else as Nest's `internal_error` with no detail (and logged).
 * Put on every command controller (`@UseFilters(CommandErrorFilter)`), so no handler catches
 * for itself; a controller's filter comes before the application's global ones (`ApiErrorFilter`
 * is for HTTP).
 */
@Catch()
export class CommandErrorFilter extends BaseRpcExceptionFilter {
  override catch(exception: unknown, host: ArgumentsHost): Observable<unknown> {
    return super.catch(toCommandError(exception), host);
  }
}
