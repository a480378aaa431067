import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

// What can be checked of the images without a Docker engine: the Dockerfile's recipe, and what
// its `pnpm deploy --prod` step puts into an image, run here the same way into a directory.

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const DOCKERFILE = readFileSync(path.join(ROOT, 'Dockerfile'), 'utf8');

/** Packages that are test, build or benchmark tooling: none may reach an image. */
const TOOLING =
  /^(jest|jest-.*|@jest\+.*|testcontainers|typescript|@swc\+.*|esbuild|@esbuild\+.*|playwright-core|@livedesk\+(testing|bench|client|desk|widget)|hdr-histogram-js|dclint|concurrently)@/;

/** The Dockerfile's instructions, continuation lines joined and comments dropped. */
function instructions(): string[] {
  return DOCKERFILE.split('\n')
    .filter((line) => !/^\s*#/.test(line))
    .join('\n')
    .replace(/\\\n/g, ' ')
    .split('\n')
    .map((line) => line.trim())
    .filter(Boolean);
}

/** The stages as `FROM <image> AS <name>` says, with the instructions under each. */
function stages(): Map<string, { from: string; lines: string[] }> {
  const result = new Map<string, { from: string; lines: string[] }>();
  let current: { from: string; lines: string[] } | undefined;
  for (const line of instructions()) {
    const from = /^FROM\s+(\S+)\s+AS\s+(\S+)$/i.exec(line);
    if (from) {
      current = { from: from[1]!, lines: [] };
      result.set(from[2]!, current);
    } else if (/^FROM\b/i.test(line)) {
      throw new Error(`a stage without a name: ${line}`);
    } else {
      current?.lines.push(line);
    }
  }
  return result;
}

/** A deploy takes a few seconds; one that has not finished after this has hung (below). */
const DEPLOY_TIMEOUT_MS = 50_000;

/**
 * Runs `pnpm deploy`, and once more if it hangs. One CI run saw `pnpm deploy` sit idle for 14
 * minutes with no socket open and every thread waiting (pnpm 10.34.9, Node 24); the same
 * command run by hand a minute later took seconds. `spawnSync` cannot be interrupted by jest's
 * timeout, so without a limit of its own such a hang held up the whole test run.
 */
function pnpmDeploy(pkg: string, target: string): void {
  for (let attempt = 1; ; attempt++) {
    rmSync(target, { recursive: true, force: true });
    const run = spawnSync('pnpm', ['--filter', pkg, 'deploy', '--prod', '--legacy', '--prefer-offline', target], {
      cwd: ROOT,
      encoding: 'utf8',
      env: { ...process.env, CI: 'true' },
      timeout: DEPLOY_TIMEOUT_MS,
      killSignal: 'SIGKILL',
    });
    const hung = (run.error as NodeJS.ErrnoException | undefined)?.code === 'ETIMEDOUT';
    if (hung && attempt < 2) continue;
    if (hung)
      throw new Error(
        `pnpm deploy ${pkg} did not finish in ${DEPLOY_TIMEOUT_MS} ms, twice:\n${run.stdout}\n${run.stderr}`,
      );
    if (run.error) throw new Error(`pnpm is not on the PATH (corepack enable pnpm): ${run.error.message}`);
    if (run.status !== 0) throw new Error(`pnpm deploy ${pkg} failed:\n${run.stdout}\n${run.stderr}`);
    return;
  }
}

function filesUnder(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => path.relative(dir, path.join(entry.parentPath, entry.name)));
}

describe('Dockerfile', () => {
  const byName = stages();

  it('builds every image on one Node 24 Alpine base pinned by digest', () => {
    const nodeImage = /^ARG NODE_IMAGE=(\S+)$/m.exec(DOCKERFILE)?.[1];
    expect(nodeImage).toMatch(/^node:24-alpine@sha256:[0-9a-f]{64}$/);
    for (const [name, stage] of byName) {
      // The Dockerfile's own `${NODE_IMAGE}` argument, written as it stands there.
      // biome-ignore lint/suspicious/noTemplateCurlyInString: the Dockerfile's text, not a template.
      expect([name, stage.from === '${NODE_IMAGE}' || byName.has(stage.from)]).toEqual([name, true]);
    }
  });

  it('runs services and the command line as the unprivileged node user, a service with a healthcheck on /health/ready', () => {
    for (const name of ['service', 'cli']) {
      const users = byName.get(name)!.lines.filter((line) => line.startsWith('USER '));
      expect([name, users]).toEqual([name, ['USER node']]);
    }
    const healthcheck = byName.get('service')!.lines.find((line) => line.startsWith('HEALTHCHECK '));
    expect(healthcheck).toMatch(
      /CMD wget .*http:\/\/127\.0\.0\.1:\$\{PORT:-\$\(cat \/app\/default-port\)\}\/health\/ready/,
    );
    // The last stage is what `docker build --build-arg SERVICE=…` builds without --target.
    expect([...byName.keys()].at(-1)).toBe('service');
  });

  it('gives the node user a directory for the ticketing attachments, where ATTACHMENT_DIR points', () => {
    const service = byName.get('service')!.lines;
    expect(service).toContain('ENV ATTACHMENT_DIR=/data/attachments');
    expect(service).toContain('RUN mkdir -p /data/attachments && chown node:node /data/attachments');
  });

  it('takes pnpm from the corepack that ships with Node, pinned by package.json, and installs nothing globally with npm', () => {
    expect(DOCKERFILE).not.toMatch(/npm (i|install) (-g|--global)/);
    expect(byName.get('build')!.lines).toContain('RUN corepack enable pnpm');
    const packageJson = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { packageManager: string };
    expect(packageJson.packageManager).toMatch(/^pnpm@\d+\.\d+\.\d+\+sha512\.[0-9a-f]{128}$/);
  });

  it('deploys one package with its production dependencies per image, and copies the gateway the files it serves from apps/', () => {
    const deploy = byName.get('deploy')!.lines.join('\n');
    expect(deploy).toContain('pnpm --filter "@livedesk/$SERVICE" deploy --prod');
    expect(byName.get('deploy-cli')!.lines.join('\n')).toContain('pnpm --filter @livedesk/cli deploy --prod');
    // What the gateway's widget and desk controllers read, relative to its dist/ (built by `pnpm build`).
    const copied = [...deploy.matchAll(/\bapps\/(?:widget|desk)\/dist\/[\w.]+/g)].map((match) => match[0]);
    expect(copied.sort()).toEqual([
      'apps/desk/dist/desk.js',
      'apps/desk/dist/index.html',
      'apps/widget/dist/livedesk.js',
      'apps/widget/dist/livedesk.js.gz',
    ]);
    for (const file of copied) expect([file, existsSync(path.join(ROOT, file))]).toEqual([file, true]);
  });
});

// Two services: the gateway (the most dependencies, the files it serves) and identity (argon2's
// native addon). The others are deployed the same way by the same Dockerfile step.
describe.each(['gateway', 'identity'])('pnpm deploy --prod of %s', (service) => {
  let target: string;

  beforeAll(
    () => {
      target = path.join(mkdtempSync(path.join(tmpdir(), `livedesk-deploy-${service}-`)), service);
      pnpmDeploy(`@livedesk/${service}`, target);
    },
    2 * DEPLOY_TIMEOUT_MS + 10_000,
  );

  afterAll(() => {
    if (target) rmSync(path.dirname(target), { recursive: true, force: true });
  });

  it('holds no test, build or benchmark tooling', () => {
    const installed = readdirSync(path.join(target, 'node_modules/.pnpm')).filter((name) => name.includes('@'));
    expect(installed.length).toBeGreaterThan(50);
    expect(installed.filter((name) => TOOLING.test(name))).toEqual([]);
    for (const name of ['jest', '@jest/globals', 'testcontainers', 'typescript', '@livedesk/testing']) {
      expect([name, existsSync(path.join(target, 'node_modules', name))]).toEqual([name, false]);
    }
  });

  it('holds the compiled service and libraries, without their compiled tests or sources', () => {
    const files = filesUnder(path.join(target, 'dist'));
    expect(files).toContain('main.js');
    const libraries = readdirSync(path.join(target, 'node_modules/@livedesk'));
    expect(libraries).toEqual(expect.arrayContaining(['contracts', 'service-kit']));
    for (const library of libraries) {
      const own = filesUnder(path.join(target, 'node_modules/@livedesk', library)).filter(
        (file) => !file.startsWith('node_modules/'),
      );
      files.push(...own.map((file) => `${library}/${file}`));
    }
    const misplaced = files.filter((file) => /\.spec\.|\/e2e\/|\/testing\/|\.ts$|test-support|tsbuildinfo/.test(file));
    expect(misplaced).toEqual([]);
  });

  it('starts: every import resolves, and the service stops only at its settings', () => {
    // Production without secrets: the settings are checked right after the imports are loaded.
    const start = spawnSync(process.execPath, ['dist/main.js'], {
      cwd: target,
      encoding: 'utf8',
      env: { PATH: process.env.PATH, NODE_ENV: 'production' },
      timeout: 30_000,
    });
    expect(start.stderr + start.stdout).not.toMatch(/ERR_MODULE_NOT_FOUND|Cannot find (module|package)/);
    expect(start.status).toBe(1);
    expect(start.stderr + start.stdout).toMatch(/LIVEDESK_ADMIN_TOKEN: is required when NODE_ENV is production/);
  });

  it('loads every module it ships, and the packages Nest and NATS load on demand', () => {
    // Nest loads its HTTP adapter and the NATS client by name at run time, from its own folder.
    const script = `
      import { readdirSync } from 'node:fs';
      import { createRequire } from 'node:module';
      import path from 'node:path';
      import { pathToFileURL } from 'node:url';
      const roots = ['dist', ...readdirSync('node_modules/@livedesk').map((name) => 'node_modules/@livedesk/' + name + '/dist')];
      for (const root of roots) {
        for (const entry of readdirSync(root, { recursive: true, withFileTypes: true })) {
          const file = path.resolve(entry.parentPath, entry.name);
          if (entry.isFile() && file.endsWith('.js') && file !== path.resolve('dist/main.js')) await import(pathToFileURL(file).href);
        }
      }
      const fromCore = createRequire(createRequire(path.resolve('package.json')).resolve('@nestjs/core'));
      fromCore.resolve('@nestjs/platform-express');
      fromCore.resolve('@nestjs/microservices');
      const fromMicroservices = createRequire(createRequire(path.resolve('package.json')).resolve('@nestjs/microservices'));
      await import(pathToFileURL(fromMicroservices.resolve('@nats-io/transport-node')).href);
      console.log('loaded');
    `;
    const run = spawnSync(process.execPath, ['--input-type=module', '-e', script], {
      cwd: target,
      encoding: 'utf8',
      env: { PATH: process.env.PATH, NODE_ENV: 'production' },
      timeout: 30_000,
    });
    expect({ status: run.status, stderr: run.stderr }).toEqual({ status: 0, stderr: '' });
    expect(run.stdout.trim()).toBe('loaded');
  });
});
