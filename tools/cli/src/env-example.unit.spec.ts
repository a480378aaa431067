import { describe, expect, it } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { isDeepStrictEqual } from 'node:util';
import { serviceConfigShape } from '../../../libs/service-kit/src/config/service-config-schema.js';
import { conversationConfigShape } from '../../../services/conversation/src/conversation-config.js';
import { gatewayConfigShape } from '../../../services/gateway/src/gateway-config.js';
import { rtmConfigShape } from '../../../services/gateway/src/rtm/rtm-config.js';
import { identityConfigShape } from '../../../services/identity/src/identity-config.js';
import { metricsConfigShape } from '../../../services/metrics/src/metrics-config.js';
import { routingConfigShape } from '../../../services/routing/src/routing-config.js';
import { ticketingConfigShape } from '../../../services/ticketing/src/ticketing-config.js';
import { SECRET_SETTINGS } from './commands/secrets.js';

const ENV_EXAMPLE = fileURLToPath(new URL('../../../.env.example', import.meta.url));
const COMPOSE_FILE = fileURLToPath(new URL('../../../docker-compose.yml', import.meta.url));
const RUN_CLI = fileURLToPath(new URL('./run-cli.ts', import.meta.url));

/** Every setting a service parses at start, with its schema (development: no NODE_ENV). */
const SERVICE_SETTINGS: Record<string, { parse(value: unknown): unknown }> = {
  ...serviceConfigShape(8080),
  ...gatewayConfigShape({}),
  ...identityConfigShape({}),
  ...rtmConfigShape,
  ...conversationConfigShape(),
  ...routingConfigShape,
  ...ticketingConfigShape({}),
  ...metricsConfigShape({}),
};

/** Settings whose default depends on the service (each service's own port). */
const PER_SERVICE_DEFAULT = new Set(['PORT']);

/** The `# NAME=value` lines of .env.example, in order, the value unquoted. */
function documentedLines(): [name: string, value: string][] {
  return readFileSync(ENV_EXAMPLE, 'utf8')
    .split('\n')
    .flatMap((line) => {
      const match = /^# ([A-Z][A-Z0-9_]+)=(.*)$/.exec(line);
      return match ? [[match[1]!, match[2]!.replace(/^"(.*)"$/, '$1')] as [string, string]] : [];
    });
}

/** The variables docker-compose.yml takes from the environment or .env (`${NAME…}`). */
function composeVariables(): string[] {
  return [
    ...new Set([...readFileSync(COMPOSE_FILE, 'utf8').matchAll(/\$\{([A-Z][A-Z0-9_]*)/g)].map((match) => match[1]!)),
  ];
}

/** The environment variables the command line reads (commander's `.env('NAME')`). */
function cliSettings(): string[] {
  return [...readFileSync(RUN_CLI, 'utf8').matchAll(/\.env\('([A-Z0-9_]+)'\)/g)].map((match) => match[1]!);
}

describe('.env.example', () => {
  const lines = documentedLines();
  const documented = new Map(lines);

  it('shows each setting once', () => {
    expect(lines.length).toBe(documented.size);
  });

  it('lists every setting the services and the command line read, and NODE_ENV', () => {
    const read = [...Object.keys(SERVICE_SETTINGS), ...cliSettings(), 'NODE_ENV'];
    expect(cliSettings()).toEqual(
      expect.arrayContaining(['LIVEDESK_URL', 'LIVEDESK_METRICS_URL', 'LIVEDESK_ADMIN_TOKEN']),
    );
    expect(read.filter((name) => !documented.has(name))).toEqual([]);
  });

  it('shows, for every service setting, the default the service really takes', () => {
    const wrong: string[] = [];
    for (const [name, schema] of Object.entries(SERVICE_SETTINGS)) {
      if (PER_SERVICE_DEFAULT.has(name)) continue;
      const shown = documented.get(name);
      const taken = schema.parse(undefined);
      if (shown === undefined) continue; // the test above names it
      // An empty value documents a setting that is unset, or empty, by default.
      const meant = shown === '' && taken === undefined ? undefined : schema.parse(shown);
      if (!isDeepStrictEqual(meant, taken))
        wrong.push(`${name}: shown ${JSON.stringify(shown)}, default ${JSON.stringify(taken)}`);
    }
    expect(wrong).toEqual([]);
  });

  it('lists every secret `livedesk secrets` makes, unset by default', () => {
    for (const { name } of SECRET_SETTINGS) expect(documented.get(name)).toBe('');
  });

  it('lists every variable docker-compose.yml reads', () => {
    expect(composeVariables()).toEqual(
      expect.arrayContaining(['POSTGRES_PASSWORD', 'NATS_PASSWORD', 'LIVEDESK_JWT_SECRET']),
    );
    expect(composeVariables().filter((name) => !documented.has(name))).toEqual([]);
  });

  it('documents nothing that nobody reads (the test settings aside)', () => {
    const known = new Set([
      ...Object.keys(SERVICE_SETTINGS),
      ...cliSettings(),
      ...composeVariables(),
      'NODE_ENV',
      'CHROMIUM_PATH',
      'NATS_SERVER_BIN',
      'LIVEDESK_NODE_ARGS',
    ]);
    expect([...documented.keys()].filter((name) => !known.has(name))).toEqual([]);
  });
});
