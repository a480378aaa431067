import { execFileSync } from 'node:child_process';

export type TargetName = 'relay' | 'system';

export interface BenchOptions {
  /** Open sockets: customers + agents. */
  connections: number;
  agents: number;
  customers: number;
  /** Messages per second, offered open-loop. */
  rate: number;
  warmupSeconds: number;
  durationSeconds: number;
  drainSeconds: number;
  /** Sockets opened at once during the setup. */
  openConcurrency: number;
  targets: TargetName[];
}

/**
 * Options from `--name=value` arguments or the environment (`CONNECTIONS=…`), arguments first:
 *   CONNECTIONS 5000, RATE 1000, DURATION_S 30, WARMUP_S 5, DRAIN_S 10,
 *   AGENTS (default CONNECTIONS / 50: 100 agents with 49 chats each), OPEN_CONCURRENCY 100,
 *   TARGETS relay,system
 */
export function readOptions(argv = process.argv.slice(2), env = process.env): BenchOptions {
  const args = new Map<string, string>();
  for (const arg of argv) {
    const match = /^--([a-z0-9-_]+)=(.*)$/i.exec(arg);
    if (!match) throw new Error(`unexpected argument ${arg}: use --name=value (e.g. --connections=5000)`);
    args.set(match[1]!.toUpperCase().replace(/-/g, '_'), match[2]!);
  }
  const raw = (name: string) => args.get(name) ?? env[name];
  const number = (name: string, fallback: number, min: number) => {
    const value = raw(name);
    const parsed = value === undefined || value === '' ? fallback : Number(value);
    if (!Number.isFinite(parsed) || parsed < min) throw new Error(`${name} must be a number ≥ ${min}, got ${value}`);
    return parsed;
  };
  const connections = Math.round(number('CONNECTIONS', 5000, 2));
  const agents = Math.round(number('AGENTS', Math.max(1, Math.round(connections / 50)), 1));
  if (agents >= connections) throw new Error(`AGENTS (${agents}) must be fewer than CONNECTIONS (${connections})`);
  // An agent holds at most 100 chats (max_chats of the setup API).
  if ((connections - agents) / agents > 100)
    throw new Error(
      `${connections - agents} customers need at least ${Math.ceil((connections - agents) / 100)} agents`,
    );
  const targets = (raw('TARGETS') ?? 'relay,system').split(',').map((t) => t.trim());
  for (const target of targets) {
    if (target !== 'relay' && target !== 'system') throw new Error(`TARGETS: unknown target ${target} (relay, system)`);
  }
  return {
    connections,
    agents,
    customers: connections - agents,
    rate: number('RATE', 1000, 1),
    warmupSeconds: number('WARMUP_S', 5, 0),
    durationSeconds: number('DURATION_S', 30, 1),
    drainSeconds: number('DRAIN_S', 10, 1),
    openConcurrency: Math.round(number('OPEN_CONCURRENCY', 100, 1)),
    targets: targets as TargetName[],
  };
}

/**
 * Every socket is a file descriptor in this process and another in the server's; the default
 * soft limit of many systems (1024) is far below 5,000.
 */
export function checkFileLimit(connections: number): number {
  const limit = Number(execFileSync('sh', ['-c', 'ulimit -n'], { encoding: 'utf8' }).trim());
  const needed = connections + 500;
  if (Number.isFinite(limit) && limit < needed) {
    throw new Error(
      `the open-file limit is ${limit}; ${connections} connections need about ${needed}: run \`ulimit -n ${needed * 2}\` first`,
    );
  }
  return limit;
}
