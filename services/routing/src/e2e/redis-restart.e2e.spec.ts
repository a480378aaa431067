import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { spawn, type ChildProcess } from 'node:child_process';
import { Redis } from 'ioredis';
import { ChatSystem, freePort, waitFor, type RtmTestClient } from '@livedesk/testing';

/** A Redis of this test's own, without persistence (as the issue found it), on a free port. */
class EphemeralRedis {
  private process: ChildProcess | undefined;

  constructor(readonly port: number) {}

  get url(): string {
    return `redis://127.0.0.1:${this.port}`;
  }

  async start(): Promise<void> {
    this.process = spawn(
      '/usr/bin/redis-server',
      ['--port', String(this.port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'],
      {
        stdio: 'ignore',
      },
    );
    await waitFor(() => this.ping(), { timeoutMs: 10_000, what: `redis-server on ${this.port}` });
  }

  /** SIGKILL: no shutdown save (there is none to make anyway). */
  async kill(): Promise<void> {
    const process = this.process;
    if (!process || process.exitCode !== null) return;
    const exited = new Promise((resolve) => process.once('exit', resolve));
    process.kill('SIGKILL');
    await exited;
  }

  private async ping(): Promise<boolean> {
    const client = new Redis(this.url, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
    try {
      await client.connect();
      return (await client.ping()) === 'PONG';
    } catch {
      return false;
    } finally {
      client.disconnect();
    }
  }
}

// The issue's own trial: the system runs against a Redis without persistence, which is killed and
// started again, empty. The agent stays connected and accepting throughout.
describe('routing when its Redis restarts empty', () => {
  let redis: EphemeralRedis;
  let system: ChatSystem;
  const sockets: RtmTestClient[] = [];

  beforeAll(async () => {
    redis = new EphemeralRedis(await freePort());
    await redis.start();
    system = await ChatSystem.start({
      routing: 2,
      env: { REDIS_URL: redis.url, ROUTING_STATE_CHECK_MS: '200', RTM_PRESENCE_REFRESH_SECONDS: '300' },
    });
  });

  afterAll(async () => {
    for (const socket of sockets) socket.drop();
    await system?.stop();
    await redis?.kill();
  });

  it('Redis without persistence killed and restarted empty: the accepting agent gets the next chat within seconds', async () => {
    const org = await system.createOrganization('Restarted');
    const group = await system.createGroup(org.organization_id, 'Support');
    const dana = await system.createAgent(org.organization_id, {
      email: 'dana@restarted.test',
      groups: [group],
      maxChats: 3,
    });
    const agent = await system.connect('agent', dana.token);
    sockets.push(agent);
    const start = async () => {
      const customer = await system.connect('customer', await system.customerToken(org.organization_id));
      sockets.push(customer);
      return (await customer.call('start_chat', { group_id: group, message: { text: 'help?' } })).chat_id as string;
    };
    const first = await start();
    await agent.push('incoming_chat', (p) => p.chat_id === first);

    await redis.kill();
    await redis.start();
    const restartedAt = Date.now();
    const second = await start();
    await agent.push('incoming_chat', (p) => p.chat_id === second, 20_000);
    const afterMs = Date.now() - restartedAt;
    process.stdout.write(`chat assigned ${afterMs} ms after Redis restarted empty\n`);
    expect(afterMs).toBeLessThan(10_000);
    await waitFor(
      async () => {
        const statuses = await Promise.all(
          system.routing.map(async (replica) => (await fetch(`${replica.url}/health/ready`)).status),
        );
        return statuses.every((status) => status === 200);
      },
      { timeoutMs: 10_000, what: 'routing ready' },
    );
  });
});
