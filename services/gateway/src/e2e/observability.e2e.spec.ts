import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { sql } from 'kysely';
import { parse as parseYaml } from 'yaml';
import { createDatabase } from '@livedesk/event-store';
import {
  ChatSystem,
  metricSample,
  REPOSITORY_ROOT,
  waitFor,
  type RtmTestClient,
  type SpawnedService,
} from '@livedesk/testing';

// The operators' side of docs/observability.md against the real services: every metric the
// alert rules (deploy/prometheus/alerts.yml) and the operations dashboard
// (deploy/grafana/dashboards/livedesk-operators.json) name is exposed by a service's /metrics,
// the new figures report what they should, every SQL query of the support dashboard
// (livedesk-support.json) runs against the metrics schema the metrics service migrated, and
// each HTTP API serves its OpenAPI document and a reference page.

const ALERTS = `${REPOSITORY_ROOT}deploy/prometheus/alerts.yml`;
const OPERATORS = `${REPOSITORY_ROOT}deploy/grafana/dashboards/livedesk-operators.json`;
const SUPPORT = `${REPOSITORY_ROOT}deploy/grafana/dashboards/livedesk-support.json`;

/** Series Prometheus makes itself for every target: no service exposes them. */
const SYNTHETIC_SERIES = new Set(['up', 'scrape_duration_seconds', 'scrape_samples_scraped']);

const PROMQL_KEYWORDS = new Set([
  'by',
  'without',
  'on',
  'ignoring',
  'group_left',
  'group_right',
  'and',
  'or',
  'unless',
  'offset',
  'bool',
  'inf',
  'nan',
]);

/**
 * The metric names a PromQL expression reads: identifiers that are neither functions nor
 * aggregations (followed by `(`), keywords, label names (inside `{…}` or a `by (…)` list),
 * strings, durations or numbers.
 */
function metricNamesOf(expr: string): string[] {
  const stripped = expr
    .replace(/"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'/g, '""')
    .replace(/\{[^}]*\}/g, ' ')
    .replace(/\b(by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)/g, ' ')
    .replace(/\[[^\]]*\]/g, ' ')
    .replace(/\boffset\s+\w+/g, ' ');
  const names = new Set<string>();
  for (const match of stripped.matchAll(/[A-Za-z_:][A-Za-z0-9_:]*/g)) {
    const name = match[0];
    const after = stripped.slice(match.index + name.length).trimStart();
    const before = stripped.slice(0, match.index);
    if (after.startsWith('(')) continue;
    if (PROMQL_KEYWORDS.has(name.toLowerCase())) continue;
    if (/[0-9.]$/.test(before)) continue; // the exponent of a number (1e3)
    names.add(name);
  }
  return [...names];
}

/** The metric names a /metrics page declares (`# TYPE name type`), with a histogram's series. */
function declaredNames(page: string): Set<string> {
  const names = new Set<string>();
  for (const match of page.matchAll(/^# TYPE (\S+) (\S+)$/gm)) {
    const [, name, type] = match;
    names.add(name!);
    if (type === 'histogram') for (const suffix of ['_bucket', '_sum', '_count']) names.add(`${name}${suffix}`);
    if (type === 'summary') for (const suffix of ['_sum', '_count']) names.add(`${name}${suffix}`);
  }
  return names;
}

/** A support dashboard query with Grafana's macros and variables replaced, as Grafana sends it. */
function expandGrafanaSql(query: string, organizationId: string, from: Date, to: Date): string {
  const quoted = (date: Date) => `'${date.toISOString()}'`;
  return query
    .replace(
      /\$__timeFilter\(([^)]+)\)/g,
      (_, column: string) => `${column.trim()} BETWEEN ${quoted(from)} AND ${quoted(to)}`,
    )
    .replace(
      /\$__timeGroupAlias\(([^,]+),\s*([0-9]+)h\)/g,
      (_, column: string, hours: string) =>
        `floor(extract(epoch from ${column.trim()})/${Number(hours) * 3600})*${Number(hours) * 3600} AS "time"`,
    )
    .replace(/\$__timeFrom\(\)/g, quoted(from))
    .replace(/\$__timeTo\(\)/g, quoted(to))
    .replace(/\$\{?organization\}?/g, organizationId.replaceAll("'", "''"));
}

interface Panel {
  title: string;
  targets?: { expr?: string; rawSql?: string }[];
}

describe('metric names parsed from PromQL', () => {
  it('keeps metrics, drops functions, keywords, labels, strings and durations', () => {
    expect(
      metricNamesOf(
        'histogram_quantile(0.95, sum by (le, action) (rate(rtm_request_duration_seconds_bucket{outcome!="ok"}[5m])))',
      ),
    ).toEqual(['rtm_request_duration_seconds_bucket']);
    expect(
      metricNamesOf(
        'sum by (endpoint) (rtm_connections) < 0.5 * sum by (endpoint) (rtm_connections offset 10m) and max(up{job="livedesk"}) > 1e3',
      ),
    ).toEqual(['rtm_connections', 'up']);
  });
});

describe('observability: /metrics against the alert rules and dashboards, and the API documents', () => {
  let system: ChatSystem;
  const sockets: RtmTestClient[] = [];
  let organizationId: string;
  let groupId: string;
  const pages = new Map<SpawnedService, string>();

  async function metricsOf(service: SpawnedService): Promise<string> {
    const response = await fetch(`${service.url}/metrics`);
    expect(response.status).toBe(200);
    return response.text();
  }

  beforeAll(async () => {
    system = await ChatSystem.start({ routing: 1, metrics: 1, ticketing: 1 });
    const org = await system.createOrganization('Observed');
    organizationId = org.organization_id;
    groupId = await system.createGroup(organizationId, 'Night shift');
    // A chat in a group where nobody accepts waits in its queue.
    const customer = await system.connect('customer', await system.customerToken(organizationId));
    sockets.push(customer);
    await customer.call('start_chat', { group_id: groupId, message: { text: 'anyone?' } });
    // Routing reads the queue from Redis at each scrape: the chat shows once routing queued it.
    await waitFor(
      async () =>
        metricSample(await metricsOf(system.routing[0]!), 'routing_queue_depth', {
          organization_id: organizationId,
          group_id: groupId,
        }) === 1,
      {
        timeoutMs: 30_000,
        what: "the chat in its group's queue depth",
      },
    );
    for (const service of system.services()) pages.set(service, await metricsOf(service));
  }, 180_000);

  afterAll(async () => {
    for (const socket of sockets) socket.drop();
    await system?.stop();
  });

  function exposedNames(): Set<string> {
    const names = new Set<string>(SYNTHETIC_SERIES);
    for (const page of pages.values()) for (const name of declaredNames(page)) names.add(name);
    return names;
  }

  it('exposes every metric an alert rule reads', () => {
    const rules = (
      parseYaml(readFileSync(ALERTS, 'utf8')) as { groups: { rules: { alert: string; expr: string }[] }[] }
    ).groups.flatMap((group) => group.rules);
    expect(rules.length).toBeGreaterThan(10);
    const exposed = exposedNames();
    const missing = rules.flatMap((rule) =>
      metricNamesOf(rule.expr)
        .filter((name) => !exposed.has(name))
        .map((name) => `${rule.alert}: ${name}`),
    );
    expect(missing).toEqual([]);
    // Every figure the operators watch has a rule.
    const read = new Set(rules.flatMap((rule) => metricNamesOf(rule.expr)));
    const watched = [
      'livedesk_outbox_unpublished_events',
      'livedesk_outbox_oldest_unpublished_seconds',
      'livedesk_jetstream_consumer_pending',
      'routing_queue_depth',
      'rtm_connections',
      'ticketing_outbound_emails',
    ];
    expect(watched.filter((name) => !read.has(name))).toEqual([]);
  });

  it("exposes every metric of the operations dashboard's PromQL", () => {
    const dashboard = JSON.parse(readFileSync(OPERATORS, 'utf8')) as { panels: Panel[] };
    const exposed = exposedNames();
    const expressions = dashboard.panels.flatMap((panel) =>
      (panel.targets ?? []).map((target) => ({ panel: panel.title, expr: target.expr })),
    );
    expect(expressions.length).toBeGreaterThan(10);
    const missing = expressions.flatMap(({ panel, expr }) => {
      expect(typeof expr).toBe('string');
      return metricNamesOf(expr!)
        .filter((name) => !exposed.has(name))
        .map((name) => `${panel}: ${name}`);
    });
    expect(missing).toEqual([]);
  });

  it('reports the queue of each group, the durable consumers, the outbox, the sockets and the email outbox', async () => {
    const routing = pages.get(system.routing[0]!)!;
    expect(metricSample(routing, 'routing_queue_depth', { organization_id: organizationId, group_id: groupId })).toBe(
      1,
    );
    expect(
      metricSample(routing, 'routing_queue_oldest_wait_seconds', {
        organization_id: organizationId,
        group_id: groupId,
      }),
    ).toBeGreaterThanOrEqual(0);

    // Every writing service reports the durable consumers of the installation's event stream.
    const consumersOf = (page: string) =>
      [...page.matchAll(/^livedesk_jetstream_consumer_pending\{[^}]*consumer="([^"]+)"[^}]*\} \d+$/gm)]
        .map((m) => m[1]!)
        .sort();
    const consumers = await waitFor(
      async () => {
        const found = consumersOf(await metricsOf(system.conversation));
        return found.length === 4 ? found : undefined;
      },
      { timeoutMs: 20_000, what: 'the four durable consumers' },
    );
    expect(consumers).toEqual([
      'conversation-message-search',
      'metrics-projector',
      'routing',
      'ticketing-conversations',
    ]);

    // The relay published everything: the backlog is empty (figures read at each scrape).
    await waitFor(
      async () => metricSample(await metricsOf(system.conversation), 'livedesk_outbox_unpublished_events', {}) === 0,
      {
        timeoutMs: 10_000,
        what: 'an empty outbox',
      },
    );
    expect(metricSample(await metricsOf(system.conversation), 'livedesk_outbox_oldest_unpublished_seconds', {})).toBe(
      0,
    );

    const gateway = await metricsOf(system.gateways[0]!);
    expect(metricSample(gateway, 'rtm_connections', { endpoint: 'customer' })).toBe(1);

    const ticketing = pages.get(system.ticketing[0]!)!;
    for (const status of ['pending', 'sending', 'sent', 'failed', 'cancelled'])
      expect(metricSample(ticketing, 'ticketing_outbound_emails', { status })).toBe(0);
    expect(metricSample(ticketing, 'ticketing_outbound_email_oldest_pending_seconds', {})).toBe(0);
  });

  it('serves each HTTP API its OpenAPI document at /openapi.json and a reference page at /docs', async () => {
    const services: [SpawnedService, string][] = [
      [system.identity, 'identity'],
      [system.ticketing[0]!, 'ticketing'],
      [system.metrics[0]!, 'metrics'],
    ];
    for (const [service, name] of services) {
      const committed = JSON.parse(readFileSync(`${REPOSITORY_ROOT}docs/openapi/${name}.json`, 'utf8')) as unknown;
      const document = await fetch(`${service.url}/openapi.json`);
      expect(document.status).toBe(200);
      expect(document.headers.get('content-type')).toMatch(/^application\/json/);
      expect(await document.json()).toEqual(committed);
      const page = await fetch(`${service.url}/docs`);
      expect(page.status).toBe(200);
      expect(page.headers.get('content-type')).toMatch(/^text\/html/);
      const html = await page.text();
      expect(html).toMatch(/<html/i);
      expect(html).toContain('/openapi.json');
    }
  });

  it('runs every SQL query of the support dashboard against the migrated metrics schema', async () => {
    const dashboard = JSON.parse(readFileSync(SUPPORT, 'utf8')) as {
      panels: Panel[];
      templating: { list: { name: string; query?: unknown }[] };
    };
    const queries = [
      ...dashboard.panels.flatMap((panel) =>
        (panel.targets ?? []).map((target) => ({ what: panel.title, sql: target.rawSql })),
      ),
      ...dashboard.templating.list
        .filter((variable) => typeof variable.query === 'string' && variable.query.startsWith('SELECT'))
        .map((variable) => ({ what: `variable ${variable.name}`, sql: variable.query as string })),
    ];
    expect(queries.length).toBeGreaterThan(10);
    const db = createDatabase(system.database.url, { max: 1 });
    const run = async (text: string) => (await sql.raw<Record<string, unknown>>(text).execute(db)).rows;
    try {
      // The metrics service projected the organization: the dashboard's variable lists it.
      await waitFor(
        async () =>
          (await run(`SELECT 1 FROM metrics.organizations WHERE organization_id = '${organizationId}'`)).length === 1,
        {
          timeoutMs: 20_000,
          what: 'the organization in metrics.organizations',
        },
      );
      const to = new Date(Date.now() + 3_600_000);
      const from = new Date(to.getTime() - 7 * 86_400_000);
      const failures: string[] = [];
      for (const { what, sql: query } of queries) {
        expect(typeof query).toBe('string');
        try {
          await run(expandGrafanaSql(query!, organizationId, from, to));
        } catch (error) {
          failures.push(`${what}: ${(error as Error).message}`);
        }
      }
      expect(failures).toEqual([]);
      // And they read the real rows: the chat started above is counted once it is projected.
      const query = (title: string) =>
        expandGrafanaSql(queries.find((candidate) => candidate.what === title)!.sql!, organizationId, from, to);
      await waitFor(async () => Number((await run(query('Chats started')))[0]!['chats started']) === 1, {
        timeoutMs: 20_000,
        what: 'the chat in the support dashboard',
      });
      expect(Number((await run(query('Waiting for a first agent now')))[0]!.waiting)).toBe(1);
    } finally {
      await db.destroy();
    }
  });
});
