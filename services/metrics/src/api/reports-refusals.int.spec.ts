import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Kysely } from 'kysely';
import type { MetricsDatabase } from '../projection/metrics-tables.js';
import { startReportsApi, TEST_ADMIN_TOKEN, type ReportsApi } from './testing/start-reports-api.js';
import { metricsTestDatabase, type MetricsTestDatabase } from '../projection/testing/metrics-test-database.js';

// Who may read the reports, and what a bad query answers: the tables are empty, the refusals
// come before any figure.

const ORG = 'org-1';
let fixture: MetricsTestDatabase | undefined;
let db: Kysely<MetricsDatabase>;
let api: ReportsApi;
const tokens: Record<'supervisor' | 'admin' | 'agent' | 'otherSupervisor' | 'customer', string> = {
  supervisor: '',
  admin: '',
  agent: '',
  otherSupervisor: '',
  customer: '',
};

beforeAll(async () => {
  fixture = await metricsTestDatabase(2);
  db = fixture.db;
  api = await startReportsApi(db, new Date('2026-03-05T12:00:00Z'));
  const agent = (organizationId: string, role: 'agent' | 'supervisor' | 'admin') =>
    api.tokens
      .issue({ kind: 'agent', organizationId, agentId: `${role}-1`, role, agentKind: 'human' })
      .then((t) => t.token);
  tokens.supervisor = await agent(ORG, 'supervisor');
  tokens.admin = await agent(ORG, 'admin');
  tokens.agent = await agent(ORG, 'agent');
  tokens.otherSupervisor = await agent('org-2', 'supervisor');
  tokens.customer = (await api.tokens.issue({ kind: 'customer', organizationId: ORG, customerId: 'cust-1' })).token;
});

afterAll(async () => {
  await api?.close();
  await fixture?.close();
});

async function get(path: string, authorization: string | null = `Bearer ${TEST_ADMIN_TOKEN}`, organizationId = ORG) {
  const response = await fetch(
    `${api.url}/v1/organizations/${organizationId}/reports/${path}`,
    authorization === null ? {} : { headers: { authorization } },
  );
  return {
    status: response.status,
    body: (await response.json()) as { error?: { code: string; message: string; reason?: string } } & Record<
      string,
      unknown
    >,
  };
}

const REPORTS = ['overview', 'agents', 'daily', 'staffing'] as const;

describe('who may read the reports', () => {
  it('lets supervisors and admins of the organization and the installation admin in', async () => {
    for (const report of REPORTS) {
      for (const authorization of [
        `Bearer ${tokens.supervisor}`,
        `Bearer ${tokens.admin}`,
        `Bearer ${TEST_ADMIN_TOKEN}`,
      ]) {
        const { status, body } = await get(report, authorization);
        expect([report, status]).toEqual([report, 200]);
        expect(body.organization_id).toBe(ORG);
      }
    }
  });

  it('refuses without a token (401), with a token that does not verify (401)', async () => {
    for (const report of REPORTS) {
      expect(await get(report, null)).toEqual({
        status: 401,
        body: {
          error: {
            code: 'authentication',
            message: 'an Authorization: Bearer <token> header is required',
            reason: 'no_credentials',
          },
        },
      });
      expect(await get(report, 'Bearer not-a-token')).toEqual({
        status: 401,
        body: { error: { code: 'authentication', message: 'the token is not valid', reason: 'token_invalid' } },
      });
    }
  });

  it("refuses a customer, an agent, and another organization's supervisor (403)", async () => {
    for (const report of REPORTS) {
      expect(await get(report, `Bearer ${tokens.customer}`)).toEqual({
        status: 403,
        body: {
          error: {
            code: 'authorization',
            message: 'customers have no access to this API',
            reason: 'customers_not_allowed',
          },
        },
      });
      expect(await get(report, `Bearer ${tokens.agent}`)).toEqual({
        status: 403,
        body: {
          error: {
            code: 'authorization',
            message: 'only supervisors and admins may do this',
            reason: 'supervisors_only',
          },
        },
      });
      expect(await get(report, `Bearer ${tokens.otherSupervisor}`)).toEqual({
        status: 403,
        body: {
          error: {
            code: 'authorization',
            message: 'the token is not of this organization',
            reason: 'other_organization',
          },
        },
      });
    }
  });

  it('checks the caller before the query: a bad query without a token is a 401', async () => {
    expect((await get('overview?from=yesterday', null)).status).toBe(401);
    expect((await get('overview?from=yesterday', `Bearer ${tokens.otherSupervisor}`)).status).toBe(403);
  });
});

describe('bad queries', () => {
  const refused = async (path: string) => {
    const { status, body } = await get(path);
    expect(status).toBe(400);
    expect(body.error?.code).toBe('validation');
    return body.error!;
  };

  it('refuses a date that is not an ISO instant, naming the parameter', async () => {
    expect((await refused('overview?from=yesterday')).message).toBe(
      'from: expected an ISO 8601 instant with its offset, such as 2026-03-04T08:00:00Z',
    );
    expect((await refused('agents?to=2026-03-04')).message).toMatch(/^to: /);
    expect((await refused('overview?from=2026-02-30T00:00:00Z')).message).toMatch(/^from: /);
  });

  it('refuses from after to, and an empty period', async () => {
    const error = await refused('overview?from=2026-03-04T00:00:00Z&to=2026-03-03T00:00:00Z');
    expect(error).toEqual({
      code: 'validation',
      message: 'from (2026-03-04T00:00:00.000Z) must be before to (2026-03-03T00:00:00.000Z)',
      reason: 'period_reversed',
    });
    expect((await refused('agents?from=2026-03-04T00:00:00Z&to=2026-03-04T00:00:00Z')).reason).toBe('period_reversed');
    // A from later than now with the default to (now).
    expect((await refused('agents?from=2026-03-06T00:00:00Z')).reason).toBe('period_reversed');
  });

  it('refuses a period over a year', async () => {
    const error = await refused('overview?from=2025-01-01T00:00:00Z&to=2026-03-01T00:00:00Z');
    expect(error.reason).toBe('period_too_long');
    expect(error.message).toMatch(/at most 366 days/);
    expect((await get('overview?from=2025-03-01T00:00:00Z&to=2026-03-01T00:00:00Z')).status).toBe(200);
  });

  it('refuses an unknown time basis and an unknown parameter', async () => {
    expect((await refused('overview?time=hours')).message).toMatch(/^time: .*"calendar".*"business"/);
    expect((await refused('daily?time=wall')).message).toMatch(/^time: /);
    expect((await refused('overview?group=g1')).message).toBe('unknown field "group"');
    expect((await refused('staffing?week=2&team=g1')).message).toBe('unknown fields "week", "team"');
    expect((await refused('daily?format=xlsx')).message).toMatch(/^format: /);
  });

  it('refuses a bad day for the daily summary', async () => {
    expect((await refused('daily?date=2026-02-30')).message).toBe(
      'date: expected a date YYYY-MM-DD, such as 2026-03-04',
    );
    expect((await refused('daily?date=yesterday')).message).toMatch(/^date: /);
  });

  it('refuses staffing parameters out of range', async () => {
    expect((await refused('staffing?weeks=0')).message).toBe('weeks: expected a whole number from 1 to 52');
    expect((await refused('staffing?weeks=four')).message).toMatch(/^weeks: /);
    expect((await refused('staffing?weeks=53')).message).toMatch(/^weeks: /);
    expect((await refused('staffing?concurrency=2.5')).message).toMatch(/^concurrency: /);
    expect((await refused('staffing?service_level=1')).message).toBe(
      'service_level: expected a share between 0 and 1, both excluded (0.8 is 80 %)',
    );
    expect((await refused('staffing?service_level=0')).message).toMatch(/^service_level: /);
  });

  it('refuses a repeated parameter rather than picking one', async () => {
    expect(await refused('overview?group_id=g1&group_id=g2')).toEqual({
      code: 'validation',
      message: 'give "group_id" once',
      reason: 'repeated_parameter',
    });
  });

  it('answers an unknown report like any unknown route', async () => {
    const { status, body } = await get('weekly');
    expect(status).toBe(404);
    expect(body.error?.code).toBe('not_found');
  });
});

describe('an organization the projection has not seen', () => {
  it('answers empty figures, its days counted in UTC', async () => {
    const { status, body } = await get('daily?date=2026-03-04');
    expect(status).toBe(200);
    expect(body).toMatchObject({
      time_zone: 'UTC',
      from: '2026-03-04T00:00:00.000Z',
      agents: [],
      teams: [],
      sla_misses: [],
    });
    const overview = await get('overview');
    expect(overview.body).toMatchObject({
      chats: {
        started: 0,
        with_human_reply: { count: 0, ratio: null },
        open_now: 0,
        queued_now: { count: 0, ratio: null },
      },
    });
  });
});
