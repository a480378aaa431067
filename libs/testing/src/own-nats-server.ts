import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { freePort } from './spawn-service.js';
import { waitFor } from './wait-for.js';

/** Where the nats-server binary is: `NATS_SERVER_BIN`, else Debian's package path, else `nats-server` on the PATH. */
function natsServerBinary(): string {
  if (process.env.NATS_SERVER_BIN) return process.env.NATS_SERVER_BIN;
  return existsSync('/usr/sbin/nats-server') ? '/usr/sbin/nats-server' : 'nats-server';
}

/**
 * A nats-server with JetStream that belongs to one test, on a port and a store directory of its
 * own, so that the test may kill and restart it (an outage) without touching the NATS every
 * other test shares. `kill` is a SIGKILL, as a crash or an OOM kill would be; `restart` starts
 * it again on the same port and store, so JetStream recovers its streams from disk.
 */
export interface OwnNatsServerOptions {
  /** More nats-server arguments (a `--config` file, `--user`/`--pass`), after the port and store ones. */
  args?: string[];
  /** The server's environment (a config file's `$VARIABLE`s); default the test's. */
  env?: NodeJS.ProcessEnv;
}

export class OwnNatsServer {
  private child: ChildProcess | undefined;
  private output = '';

  private constructor(
    readonly port: number,
    readonly storeDir: string,
    private readonly options: OwnNatsServerOptions,
  ) {}

  static async start(options: OwnNatsServerOptions = {}): Promise<OwnNatsServer> {
    const server = new OwnNatsServer(await freePort(), await mkdtemp(path.join(tmpdir(), 'livedesk-nats-')), options);
    await server.restart();
    return server;
  }

  get url(): string {
    return `nats://127.0.0.1:${this.port}`;
  }

  get running(): boolean {
    return this.child !== undefined && this.child.exitCode === null && this.child.signalCode === null;
  }

  /** Starts the server (again) and returns once it accepts connections. */
  async restart(): Promise<void> {
    if (this.running) return;
    const args = [
      '-a',
      '127.0.0.1',
      '-p',
      String(this.port),
      '-js',
      '-sd',
      this.storeDir,
      ...(this.options.args ?? []),
    ];
    const child = spawn(natsServerBinary(), args, {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: this.options.env ?? process.env,
    });
    const keep = (chunk: Buffer) => (this.output = (this.output + chunk.toString()).slice(-16_384));
    child.stdout?.on('data', keep);
    child.stderr?.on('data', keep);
    this.child = child;
    await waitFor(
      async () => {
        if (child.exitCode !== null) throw new Error(`nats-server exited:\n${this.output}`);
        return portAnswers(this.port);
      },
      { timeoutMs: 10_000, intervalMs: 20, what: `nats-server on port ${this.port}` },
    );
  }

  /** SIGKILL: no goodbye to the clients, nothing flushed. */
  async kill(): Promise<void> {
    const child = this.child;
    if (!child || !this.running) return;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGKILL');
    await exited;
  }

  /** Kills the server and removes its store. */
  async destroy(): Promise<void> {
    await this.kill();
    await rm(this.storeDir, { recursive: true, force: true });
  }

  log(): string {
    return this.output;
  }
}

function portAnswers(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ host: '127.0.0.1', port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}
