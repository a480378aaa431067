import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { once } from 'node:events';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createConnection } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseEnv } from 'node:util';
import { jetstreamManager } from '@nats-io/jetstream';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { CommandClient, CommandServer, natsServerOptions, openNatsConnection } from '@livedesk/messaging';
import { OwnNatsServer } from '@livedesk/testing';
import { freshSecretsEnv } from '../../tools/cli/src/commands/secrets.js';

// The login docker-compose.yml gives NATS: the `authorization` block of deploy/nats/nats.conf,
// with a password that `livedesk secrets` made, on a nats-server of the test's own. The rest of
// that file is for the compose image's nats-server 2.10 (sync_interval) and its paths; the
// machine's server may be older, so only the login part is taken.

const NATS_CONF = fileURLToPath(new URL('../nats/nats.conf', import.meta.url));

describe('NATS with the login of deploy/nats/nats.conf', () => {
  const password = parseEnv(freshSecretsEnv()).NATS_PASSWORD!;
  let dir: string;
  let server: OwnNatsServer;
  const opened: { close(): Promise<void> }[] = [];

  const urlWith = (credentials: string) => `nats://${credentials}127.0.0.1:${server.port}`;
  /** One attempt, no reconnects: how the server answers a login. */
  const tryConnect = (url: string) => connect({ ...natsServerOptions(url), reconnect: false, timeout: 3000 });

  beforeAll(async () => {
    const authorization = /^authorization \{[^}]*\}$/m.exec(readFileSync(NATS_CONF, 'utf8'))?.[0];
    if (!authorization) throw new Error(`no authorization block in ${NATS_CONF}`);
    dir = mkdtempSync(path.join(tmpdir(), 'livedesk-nats-auth-'));
    const conf = path.join(dir, 'nats.conf');
    writeFileSync(conf, `${authorization}\n`);
    server = await OwnNatsServer.start({
      args: ['--config', conf],
      env: { ...process.env, NATS_USER: 'livedesk', NATS_PASSWORD: password },
    });
  });

  afterAll(async () => {
    for (const connection of opened) await connection.close().catch(() => undefined);
    await server?.destroy();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('refuses a client without the password, or with another one', async () => {
    await expect(tryConnect(urlWith(''))).rejects.toThrow(/authorization/i);
    await expect(tryConnect(urlWith(`livedesk:${password}x@`))).rejects.toThrow(/authorization/i);
    await expect(tryConnect(urlWith(`someone:${password}@`))).rejects.toThrow(/authorization/i);
  });

  it('gives a new connection 5 s to log in, not the 2 s by default, and then drops it', async () => {
    const socket = createConnection({ host: '127.0.0.1', port: server.port });
    const received: string[] = [];
    socket.on('data', (chunk: Buffer) => received.push(chunk.toString()));
    await once(socket, 'connect');
    const connectedAt = performance.now();
    await once(socket, 'close');
    const openFor = performance.now() - connectedAt;
    expect(received.join('')).toContain("-ERR 'Authentication Timeout'");
    expect(openFor).toBeGreaterThan(4500);
    expect(openFor).toBeLessThan(8000);
  }, 15_000);

  it('lets a service in with the credentials of its NATS_URL: the shared connection, JetStream, and commands', async () => {
    const url = urlWith(`livedesk:${password}@`);
    const connection: NatsConnection = await openNatsConnection({ url, name: 'nats-auth-test', subjectPrefix: 'auth' });
    opened.push(connection);
    const jsm = await jetstreamManager(connection);
    expect((await jsm.getAccountInfo()).limits).toBeDefined();

    // Nest's NATS server opens a connection of its own from the same URL; commands are sent on
    // the shared one (`CommandClient`).
    const commandServer = new CommandServer({ url, name: 'nats-auth-commands', subjectPrefix: 'auth', queue: 'auth' });
    // Nest types its connections with a stand-in of its own: they are nats.js connections.
    const serverConnection = (await commandServer.createNatsClient()) as unknown as NatsConnection;
    opened.push(serverConnection);
    const subscription = serverConnection.subscribe('auth.ping', {
      callback: (_error, msg) => void msg.respond('pong'),
    });
    await serverConnection.flush();
    const client = new CommandClient({ subjectPrefix: 'auth', connection });
    const reply = await client.connection.request(client.subjectOf('ping'), '', { timeout: 3000 });
    expect(reply.string()).toBe('pong');
    await client.close();
    subscription.unsubscribe();
  });
});
