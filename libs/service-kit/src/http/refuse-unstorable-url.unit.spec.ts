import { describe, expect, it } from '@jest/globals';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { refuseUnstorableUrl } from './refuse-unstorable-url.js';

function run(url: string): { passed: boolean; status?: number; body?: unknown } {
  let passed = false;
  const answer: { status?: number; body?: string } = {};
  const res = {
    set statusCode(status: number) {
      answer.status = status;
    },
    setHeader: () => undefined,
    end: (body: string) => {
      answer.body = body;
    },
  } as unknown as ServerResponse;
  refuseUnstorableUrl({ url } as IncomingMessage, res, () => {
    passed = true;
  });
  return { passed, status: answer.status, body: answer.body === undefined ? undefined : JSON.parse(answer.body) };
}

describe('refuseUnstorableUrl: ids in the path that no schema parses', () => {
  it('answers 400 validation to a NUL in the path or the query (a 500 from Postgres before)', () => {
    expect(run('/v1/organizations/org%00/tickets/t-1')).toMatchObject({
      passed: false,
      status: 400,
      body: { error: { code: 'validation' } },
    });
    expect(run('/v1/organizations/o/tickets?q=a%00b').passed).toBe(false);
  });

  it('lets ordinary, encoded and undecodable URLs through', () => {
    expect(run('/v1/organizations/o-1/tickets/t-1?q=caf%C3%A9%20%F0%9F%91%8B').passed).toBe(true);
    // A lone surrogate cannot be written in UTF-8 percent-encoding: Express refuses it as malformed.
    expect(run('/v1/organizations/%ED%A0%80').passed).toBe(true);
  });
});
