import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, readlinkSync, rmSync } from 'node:fs';
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

interface DeployRun {
  status: number | null;
  output: string;
  /** What the process tree was doing when it was killed for taking too long; empty otherwise. */
  hung: string;
}

/**
 * Runs one `pnpm deploy` of `pkg` into `target`. One still running after DEPLOY_TIMEOUT_MS is
 * described from /proc (its threads' wait channels, its sockets) and killed with its children.
 */
function runDeploy(pkg: string, target: string, network: '--offline' | '--prefer-offline'): Promise<DeployRun> {
  rmSync(target, { recursive: true, force: true });
  return new Promise((resolve, reject) => {
    const child = spawn('pnpm', ['--filter', pkg, 'deploy', '--prod', '--legacy', network, target], {
      cwd: ROOT,
      // A request that fails is retried after 1, 2, 4 and 8 s, within the deadline (pnpm's default
      // waits 10 s, then 60 s: a refused request looked like a hang).
      env: {
        ...process.env,
        CI: 'true',
        npm_config_fetch_retries: '4',
        npm_config_fetch_retry_factor: '2',
        npm_config_fetch_retry_mintimeout: '1000',
        npm_config_fetch_retry_maxtimeout: '10000',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
    });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    let hung = '';
    const timer = setTimeout(() => {
      hung = describeProcessTree(child.pid!);
      try {
        process.kill(-child.pid!, 'SIGKILL');
      } catch {
        // It ended just now.
      }
    }, DEPLOY_TIMEOUT_MS);
    child.on('error', (error) => {
      clearTimeout(timer);
      reject(new Error(`pnpm is not on the PATH (corepack enable pnpm): ${error.message}`));
    });
    child.on('close', (status) => {
      clearTimeout(timer);
      resolve({ status, output, hung });
    });
  });
}

/**
 * Runs `pnpm deploy` offline first: after `pnpm install` the store holds every package, and
 * pnpm's metadata cache what the legacy deploy's resolution reads, except on a machine that never
 * deployed (`ERR_PNPM_NO_OFFLINE_META`), where it runs again with `--prefer-offline`. With
 * `--prefer-offline` pnpm asks the registry for some packages' metadata every time; CI runs saw
 * it sit idle for 14 minutes once, and for 200 s (four deploys of 50 s) another time, each time
 * in its resolution, while the same command by hand took seconds. `--prefer-offline` is run
 * twice before a hang fails the spec, and the failure says what the processes were waiting on.
 */
async function pnpmDeploy(pkg: string, target: string): Promise<void> {
  const offline = await runDeploy(pkg, target, '--offline');
  if (offline.status === 0) return;
  if (!offline.hung && !offline.output.includes('ERR_PNPM_NO_OFFLINE_META'))
    throw new Error(`pnpm deploy ${pkg} --offline failed:\n${offline.output}`);
  let run: DeployRun | undefined;
  for (let attempt = 1; attempt <= 2; attempt++) {
    run = await runDeploy(pkg, target, '--prefer-offline');
    if (run.status === 0) return;
    if (!run.hung) throw new Error(`pnpm deploy ${pkg} failed:\n${run.output}`);
  }
  throw new Error(
    `pnpm deploy ${pkg} did not finish in ${DEPLOY_TIMEOUT_MS} ms, twice:\n${run!.output}\nwhen it was killed:\n${run!.hung}`,
  );
}

/** Each process of the tree under `pid`: its threads' states and wait channels, and its sockets' peers. */
function describeProcessTree(pid: number): string {
  const children = new Map<number, number[]>();
  for (const entry of readdirSync('/proc').filter((name) => /^\d+$/.test(name))) {
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const parent = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      children.set(parent, [...(children.get(parent) ?? []), Number(entry)]);
    } catch {
      // gone meanwhile
    }
  }
  const peers = tcpPeers();
  const lines: string[] = [];
  const visit = (at: number) => {
    try {
      const threads = readdirSync(`/proc/${at}/task`).map((task) => {
        const stat = readFileSync(`/proc/${at}/task/${task}/stat`, 'utf8');
        const state = stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3);
        const wchan = readFileSync(`/proc/${at}/task/${task}/wchan`, 'utf8') || '-';
        return `${stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')'))}:${state}:${wchan}`;
      });
      const sockets = readdirSync(`/proc/${at}/fd`)
        .map((fd) => {
          try {
            return /^socket:\[(\d+)\]$/.exec(readlinkSync(`/proc/${at}/fd/${fd}`))?.[1];
          } catch {
            return undefined;
          }
        })
        .filter((inode): inode is string => inode !== undefined)
        .map((inode) => peers.get(inode) ?? 'not tcp');
      lines.push(`pid ${at} threads [${threads.join(', ')}] sockets [${sockets.join(', ')}]`);
    } catch {
      lines.push(`pid ${at} gone`);
    }
    for (const child of children.get(at) ?? []) visit(child);
  };
  visit(pid);
  return lines.join('\n');
}

/** TCP sockets by inode: remote address and port (hex, as /proc/net/tcp has them) and state. */
function tcpPeers(): Map<string, string> {
  const peers = new Map<string, string>();
  for (const table of ['/proc/net/tcp', '/proc/net/tcp6']) {
    try {
      for (const line of readFileSync(table, 'utf8').split('\n').slice(1)) {
        const fields = line.trim().split(/\s+/);
        if (fields.length > 9) peers.set(fields[9]!, `tcp ${fields[2]} state ${fields[3]}`);
      }
    } catch {
      // no such table
    }
  }
  return peers;
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
    async () => {
      target = path.join(mkdtempSync(path.join(tmpdir(), `livedesk-deploy-${service}-`)), service);
      await pnpmDeploy(`@livedesk/${service}`, target);
    },
    3 * DEPLOY_TIMEOUT_MS + 10_000,
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
