import { Catch, HttpException, HttpStatus, Logger, type ArgumentsHost } from '@nestjs/common';
import { BaseExceptionFilter } from '@nestjs/core';
import type { Observable } from 'rxjs';
import { DomainError, type ErrorCode } from '@livedesk/contracts';
import { CommandFailedError, DependencyUnavailableError } from '@livedesk/messaging';
import { CommandErrorFilter } from '../commands/command-error.filter.js';
import { ApiError } from './api-error.js';
import { RateLimitedError } from './rate-limited-error.js';

const CODE_OF_STATUS: Partial<Record<number, ErrorCode>> = {
  [HttpStatus.BAD_REQUEST]: 'validation',
  [HttpStatus.UNAUTHORIZED]: 'authentication',
  [HttpStatus.FORBIDDEN]: 'authorization',
  [HttpStatus.NOT_FOUND]: 'not_found',
  [HttpStatus.METHOD_NOT_ALLOWED]: 'not_found',
  [HttpStatus.CONFLICT]: 'conflict',
  [HttpStatus.PAYLOAD_TOO_LARGE]: 'validation',
  [HttpStatus.UNSUPPORTED_MEDIA_TYPE]: 'validation',
  [HttpStatus.TOO_MANY_REQUESTS]: 'rate_limited',
  [HttpStatus.SERVICE_UNAVAILABLE]: 'unavailable',
};

export interface ApiErrorAnswer {
  status: number;
  body: { error: { code: ErrorCode; message: string; reason?: string; retry_after_ms?: number } };
  /** `Retry-After` of a 429, or of a 503 whose dependency is expected back soon. */
  headers?: Record<string, string>;
}

/** A refusal of a domain rule or of a service the request needed, as an `ApiError`; anything else as it is. */
function asApiError(exception: unknown): unknown {
  if (exception instanceof DomainError) return new ApiError(exception.code, exception.message, exception.reason);
  if (exception instanceof DependencyUnavailableError) {
    // The owning service, or NATS itself during an outage (docs/nats-outages.md).
    return new ApiError(
      'unavailable',
      'a service this request needs does not answer; try again',
      'dependency_unavailable',
      exception.retryAfterMs,
    );
  }
  if (exception instanceof CommandFailedError && exception.code === 'validation')
    return new ApiError('validation', exception.message, exception.reason);
  return exception;
}

/** The HTTP answer to what a `/v1/` request threw (contracts' `HttpErrorBody`). */
export function apiErrorOf(thrown: unknown): ApiErrorAnswer {
  const exception = asApiError(thrown);
  if (exception instanceof RateLimitedError) {
    const error = {
      code: exception.code,
      message: exception.message,
      ...(exception.reason ? { reason: exception.reason } : {}),
      retry_after_ms: exception.retryAfterMs,
    };
    return {
      status: HttpStatus.TOO_MANY_REQUESTS,
      body: { error },
      headers: { 'retry-after': String(exception.retryAfterSeconds) },
    };
  }
  if (exception instanceof ApiError) {
    const retryAfterMs = exception.retryAfterMs;
    const error = {
      code: exception.code,
      message: exception.message,
      ...(exception.reason ? { reason: exception.reason } : {}),
      ...(retryAfterMs === undefined ? {} : { retry_after_ms: retryAfterMs }),
    };
    if (retryAfterMs === undefined) return { status: exception.status, body: { error } };
    return {
      status: exception.status,
      body: { error },
      headers: { 'retry-after': String(Math.max(1, Math.ceil(retryAfterMs / 1000))) },
    };
  }
  if (exception instanceof HttpException) {
    const status = exception.getStatus();
    const code = CODE_OF_STATUS[status] ?? (status < 500 ? 'validation' : 'internal');
    // Nest's own HttpExceptions here are the body parser's (malformed JSON, body too large)
    // and the router's (no such route): their messages are meant for clients.
    const message =
      status >= 500
        ? 'internal error'
        : exception.cause instanceof SyntaxError
          ? `the body is not valid JSON: ${exception.message}`
          : exception.message;
    return { status, body: { error: { code, message } } };
  }
  return { status: HttpStatus.INTERNAL_SERVER_ERROR, body: { error: { code: 'internal', message: 'internal error' } } };
}

/**
 * Every failed request under `/v1/` answers `{error: {code, message}}`, including the ones
 * that fail before a controller runs (malformed JSON, an unknown route), which only a global
 * filter sees; other paths (health, metrics) keep Nest's default answers. A service's NATS
 * commands inherit the application's global filters (bootstrapService): their failures go to
 * `CommandErrorFilter`, as HTTP's way of answering has no reply to give them (the caller got
 * nothing and waited for its timeout).
 */
@Catch()
export class ApiErrorFilter extends BaseExceptionFilter {
  private readonly logger = new Logger('ApiErrorFilter');
  private readonly commands = new CommandErrorFilter();

  // biome-ignore lint/suspicious/noConfusingVoidType: the signature of the Nest filter it overrides.
  override catch(exception: unknown, host: ArgumentsHost): void | Observable<unknown> {
    if (host.getType() === 'rpc') return this.commands.catch(exception, host);
    if (host.getType() !== 'http') return super.catch(exception, host);
    const http = host.switchToHttp();
    const request = http.getRequest<{ path?: string; originalUrl?: string; method?: string }>();
    const path = request.path ?? request.originalUrl ?? '';
    if (!path.startsWith('/v1/')) return super.catch(exception, host);
    const adapter = this.applicationRef ?? this.httpAdapterHost?.httpAdapter;
    if (!adapter) return super.catch(exception, host);
    const { status, body, headers } = apiErrorOf(exception);
    if (status === HttpStatus.SERVICE_UNAVAILABLE && headers?.['retry-after'] !== undefined) {
      this.logger.warn(
        `${request.method ?? ''} ${path}: ${exception instanceof Error ? exception.message : String(exception)}`,
      );
    } else if (status >= 500) {
      this.logger.error(
        `${request.method ?? ''} ${path} failed: ${exception instanceof Error ? (exception.stack ?? exception.message) : String(exception)}`,
      );
    }
    const response = http.getResponse<{ setHeader(name: string, value: string): void }>();
    for (const [name, value] of Object.entries(headers ?? {})) response.setHeader(name, value);
    adapter.reply(response, body, status);
  }
}
