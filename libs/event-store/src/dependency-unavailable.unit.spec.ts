import { describe, expect, it } from '@jest/globals';
import { isDependencyUnavailable } from './dependency-unavailable.js';

function failure(fields: { name?: string; code?: string; message?: string }): Error {
  return Object.assign(new Error(fields.message ?? 'failed'), fields);
}

describe('isDependencyUnavailable', () => {
  it('is true when Postgres, Redis, NATS or a service is away', () => {
    expect(isDependencyUnavailable(failure({ code: 'ECONNREFUSED' }))).toBe(true);
    expect(
      isDependencyUnavailable(
        failure({ code: '57P01', message: 'terminating connection due to administrator command' }),
      ),
    ).toBe(true);
    expect(isDependencyUnavailable(failure({ code: '40P01', message: 'deadlock detected' }))).toBe(true);
    expect(isDependencyUnavailable(failure({ code: '08006' }))).toBe(true);
    expect(isDependencyUnavailable(failure({ message: 'Connection terminated unexpectedly' }))).toBe(true);
    expect(isDependencyUnavailable(failure({ message: 'Connection is closed.' }))).toBe(true);
    expect(isDependencyUnavailable(failure({ name: 'MaxRetriesPerRequestError' }))).toBe(true);
    expect(isDependencyUnavailable(failure({ name: 'NoRespondersError' }))).toBe(true);
    expect(isDependencyUnavailable(failure({ name: 'CommandTimeoutError' }))).toBe(true);
    expect(isDependencyUnavailable(failure({ name: 'CommandFailedError', code: 'unavailable' }))).toBe(true);
  });

  it("is false for a failure that is the event's: a refused value, a schema, a refusal", () => {
    expect(
      isDependencyUnavailable(
        failure({ code: '23502', message: 'null value in column "value" violates not-null constraint' }),
      ),
    ).toBe(false);
    expect(isDependencyUnavailable(failure({ code: '22P02' }))).toBe(false);
    expect(
      isDependencyUnavailable(
        failure({ name: 'EventSchemaError', message: 'event ConversationMissed v99 does not match its schema' }),
      ),
    ).toBe(false);
    expect(isDependencyUnavailable(failure({ name: 'CommandFailedError', code: 'validation' }))).toBe(false);
    expect(isDependencyUnavailable(new TypeError("Cannot read properties of undefined (reading 'id')"))).toBe(false);
    expect(isDependencyUnavailable('text')).toBe(false);
    expect(isDependencyUnavailable(undefined)).toBe(false);
  });
});
