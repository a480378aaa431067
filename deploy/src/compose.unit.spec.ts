import { describe, expect, it } from '@jest/globals';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseEnv } from 'node:util';
import { parse } from 'yaml';
import { DEVELOPMENT_ADMIN_TOKEN, DEVELOPMENT_JWT_SECRET } from '@livedesk/auth';
import { natsServerOptions } from '@livedesk/messaging';
import { loadServiceConfig, ServiceConfigError } from '@livedesk/service-kit';
import { gatewayConfigShape } from '../../services/gateway/src/gateway-config.js';
import { rtmConfigShape } from '../../services/gateway/src/rtm/rtm-config.js';
import { identityConfigShape } from '../../services/identity/src/identity-config.js';
import { metricsConfigShape } from '../../services/metrics/src/metrics-config.js';
import { routingConfigShape } from '../../services/routing/src/routing-config.js';
import { ticketingConfigShape } from '../../services/ticketing/src/ticketing-config.js';
import { freshSecretsEnv } from '../../tools/cli/src/commands/secrets.js';

// docker-compose.yml as `docker compose` would read it (its ${…} taken from a .env that
// `livedesk secrets` wrote), checked without a Docker engine: the compose-spec schema and rules
// (dclint), what it publishes, and that each service's own settings parser accepts the
// environment compose gives it in production.

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const COMPOSE_FILE = path.join(ROOT, 'docker-compose.yml');
const COMPOSE_TEXT = readFileSync(COMPOSE_FILE, 'utf8');
const DCLINT = path.join(path.dirname(createRequire(import.meta.url).resolve('dclint/package.json')), 'bin/dclint.cjs');

/** A service's own settings, as `bootstrapService({ configExtension })` takes them. */
type Settings = NonNullable<Parameters<typeof loadServiceConfig>[0]['extension']>;

const SERVICES = {
  gateway: {
    defaultPort: 8080,
    shape: (env: NodeJS.ProcessEnv) => ({ ...gatewayConfigShape(env), ...rtmConfigShape }),
  },
  identity: { defaultPort: 8085, shape: identityConfigShape },
  conversation: { defaultPort: 8081, shape: () => ({}) },
  routing: { defaultPort: 8082, shape: () => routingConfigShape },
  ticketing: { defaultPort: 8083, shape: ticketingConfigShape },
  metrics: { defaultPort: 8084, shape: metricsConfigShape },
} satisfies Record<string, { defaultPort: number; shape: (env: NodeJS.ProcessEnv) => Settings }>;

interface ComposeService {
  image?: string;
  build?: { context: string; target?: string; args?: Record<string, string> };
  environment?: Record<string, string | number>;
  ports?: string[];
  volumes?: string[];
  profiles?: string[];
  command?: string[];
}

/**
 * Compose's interpolation of one string value: `${NAME}`, `${NAME:-default}`, `${NAME-default}`,
 * `${NAME:?error}`, `${NAME?error}` and `$$`. Adds the error of every required variable that is
 * missing to `missing`.
 */
function interpolate(text: string, env: Record<string, string | undefined>, missing: string[]): string {
  return text.replace(
    /\$\$|\$\{([A-Za-z_][A-Za-z0-9_]*)(?:(:?)([-?])([^}]*))?\}/g,
    (whole, name?: string, colon?: string, kind?: string, word?: string) => {
      if (whole === '$$') return '$';
      const value = env[name!];
      const unset = value === undefined || (colon === ':' && value === '');
      if (kind === '-') return unset ? word! : value!;
      if (kind === '?') {
        if (unset) missing.push(`${name}: ${word}`);
        return value ?? '';
      }
      return value ?? '';
    },
  );
}

/** The file as compose reads it: parsed (merge keys resolved), then every string value interpolated. */
function composeWith(env: Record<string, string | undefined>): { services: Record<string, ComposeService> } {
  const missing: string[] = [];
  const walk = (value: unknown): unknown => {
    if (typeof value === 'string') return interpolate(value, env, missing);
    if (Array.isArray(value)) return value.map(walk);
    if (value !== null && typeof value === 'object')
      return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, walk(item)]));
    return value;
  };
  const result = walk(parse(COMPOSE_TEXT, { merge: true })) as { services: Record<string, ComposeService> };
  if (missing.length > 0) throw new Error(`required variables missing:\n${[...new Set(missing)].join('\n')}`);
  return result;
}

function dclint(file: string): { status: number | null; output: string } {
  const run = spawnSync(
    process.execPath,
    [DCLINT, '-c', path.join(ROOT, 'deploy/dclint.json'), '--max-warnings', '0', '--color', 'false', file],
    {
      encoding: 'utf8',
    },
  );
  return { status: run.status, output: (run.stdout + run.stderr).trim() };
}

/** The service's settings as it parses them at start, or the lines of its refusal. */
function serviceSettings(name: keyof typeof SERVICES, environment: Record<string, string | number>) {
  const env = Object.fromEntries(Object.entries(environment).map(([key, value]) => [key, String(value)]));
  const { defaultPort, shape } = SERVICES[name];
  try {
    const extension: Settings = shape(env);
    return { config: loadServiceConfig({ defaultPort, extension, env }) as Record<string, unknown> };
  } catch (error) {
    if (error instanceof ServiceConfigError) return { refusals: error.problems };
    throw error;
  }
}

describe('docker-compose.yml', () => {
  const dotEnv = parseEnv(freshSecretsEnv());
  const compose = composeWith(dotEnv);

  it('passes dclint: the compose-spec schema, and every rule but the ordering and image-tag ones (deploy/dclint.json)', () => {
    expect(dclint(COMPOSE_FILE)).toEqual({ status: 0, output: '' });
  });

  it('fails dclint when a port is published on every interface', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'livedesk-compose-'));
    try {
      const file = path.join(dir, 'docker-compose.yml');
      expect(COMPOSE_TEXT).toContain("'127.0.0.1:8080:8080'");
      writeFileSync(file, COMPOSE_TEXT.replace("'127.0.0.1:8080:8080'", "'8080:8080'"));
      const lint = dclint(file);
      expect(lint.status).toBe(1);
      expect(lint.output).toMatch(/gateway.*8080:8080.*no-unbound-port-interfaces/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('needs every secret from .env: without one, compose stops and names it', () => {
    expect(() => composeWith({})).toThrow(
      /POSTGRES_PASSWORD[\s\S]*NATS_PASSWORD[\s\S]*LIVEDESK_ADMIN_TOKEN[\s\S]*LIVEDESK_JWT_SECRET/,
    );
    for (const name of ['POSTGRES_PASSWORD', 'NATS_PASSWORD', 'LIVEDESK_ADMIN_TOKEN', 'LIVEDESK_JWT_SECRET']) {
      expect(() => composeWith({ ...dotEnv, [name]: '' })).toThrow(new RegExp(`${name}: set ${name}`));
    }
  });

  it('publishes no port of Postgres, NATS, Redis, conversation, routing or identity, and the rest on 127.0.0.1 only', () => {
    for (const name of ['postgres', 'nats', 'redis', 'conversation', 'routing', 'identity']) {
      expect([name, compose.services[name]?.ports]).toEqual([name, undefined]);
    }
    const published = Object.entries(compose.services).flatMap(([name, service]) =>
      (service.ports ?? []).map((port) => `${name} ${port}`),
    );
    expect(published.sort()).toEqual([
      'gateway 127.0.0.1:8080:8080',
      'metrics 127.0.0.1:8084:8084',
      'ticketing 127.0.0.1:2525:2525',
      'ticketing 127.0.0.1:8083:8083',
    ]);
  });

  it('runs NATS with the login of deploy/nats/nats.conf, from the same variables the services log in with', () => {
    const nats = compose.services.nats!;
    expect(nats.command).toEqual(['nats-server', '--config', '/etc/nats/nats.conf']);
    expect(nats.volumes).toContain('./deploy/nats/nats.conf:/etc/nats/nats.conf:ro');
    expect(nats.environment).toEqual({ NATS_USER: 'livedesk', NATS_PASSWORD: dotEnv.NATS_PASSWORD });
    const conf = readFileSync(path.join(ROOT, 'deploy/nats/nats.conf'), 'utf8');
    expect(conf).toMatch(
      /^authorization \{\n {2}user: \$NATS_USER\n {2}password: \$NATS_PASSWORD\n {2}timeout: 5\n\}$/m,
    );
  });

  it.each(Object.keys(SERVICES) as (keyof typeof SERVICES)[])(
    'gives %s, built from its own image, an environment its settings accept in production, with the credentials of .env',
    (name) => {
      const service = compose.services[name]!;
      expect(service.build).toEqual({ context: '.', target: 'service', args: { SERVICE: name } });
      const { config, refusals } = serviceSettings(name, service.environment!);
      expect(refusals).toBeUndefined();
      expect(config!.PORT).toBe(SERVICES[name].defaultPort);
      expect(service.environment!.NODE_ENV).toBe('production');
      expect(natsServerOptions(String(config!.NATS_URL))).toEqual({
        servers: ['nats://nats:4222'],
        user: 'livedesk',
        pass: dotEnv.NATS_PASSWORD,
      });
      expect(new URL(String(config!.DATABASE_URL)).password).toBe(dotEnv.POSTGRES_PASSWORD);
      if ('LIVEDESK_JWT_SECRET' in config!) {
        expect(config).toMatchObject({
          LIVEDESK_ADMIN_TOKEN: dotEnv.LIVEDESK_ADMIN_TOKEN,
          LIVEDESK_JWT_SECRET: dotEnv.LIVEDESK_JWT_SECRET,
        });
      }
    },
  );

  it('gives the public development secrets to no service: the four that check tokens refuse them', () => {
    const old = composeWith({
      ...dotEnv,
      LIVEDESK_ADMIN_TOKEN: DEVELOPMENT_ADMIN_TOKEN,
      LIVEDESK_JWT_SECRET: DEVELOPMENT_JWT_SECRET,
    });
    for (const name of ['gateway', 'identity', 'ticketing', 'metrics'] as const) {
      const { refusals } = serviceSettings(name, old.services[name]!.environment!);
      expect([name, refusals?.map((line) => line.split(':')[0])]).toEqual([
        name,
        ['LIVEDESK_ADMIN_TOKEN', 'LIVEDESK_JWT_SECRET'],
      ]);
    }
  });

  it('keeps ticketing attachments on a volume at the directory the image gives its user', () => {
    const ticketing = compose.services.ticketing!;
    expect(ticketing.environment!.ATTACHMENT_DIR).toBe('/data/attachments');
    expect(ticketing.volumes).toEqual(['ticketing-attachments:/data/attachments']);
  });

  it('runs the command line only when asked (profile tools), against the gateway and metrics on the compose network', () => {
    expect(compose.services.cli).toMatchObject({
      build: { context: '.', target: 'cli' },
      profiles: ['tools'],
      environment: {
        LIVEDESK_URL: 'http://gateway:8080',
        LIVEDESK_METRICS_URL: 'http://metrics:8084',
        LIVEDESK_ADMIN_TOKEN: dotEnv.LIVEDESK_ADMIN_TOKEN,
      },
    });
  });

  // The Compose plugin of the Docker client needs no engine for `config`; this machine's client has none.
  const composeCli = spawnSync('docker', ['compose', 'version'], { encoding: 'utf8' }).status === 0;
  (composeCli ? it : it.skip)('is accepted by `docker compose config`', () => {
    const run = spawnSync('docker', ['compose', '-f', COMPOSE_FILE, 'config', '--quiet'], {
      encoding: 'utf8',
      env: { ...process.env, ...dotEnv },
    });
    expect({ status: run.status, stderr: run.stderr }).toEqual({ status: 0, stderr: '' });
  });
});
