import { ChatSystem } from '@livedesk/testing';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import WebSocket from 'ws';

// Heartbeats, the upgrade paths and a clean close of every socket when a replica stops.
describe('connection lifecycle', () => {
  let system: ChatSystem;
  let customerToken: string;

  beforeAll(async () => {
    // A second between pings: a silent socket goes within two, while a loaded test process still
    // answers in time. At 200 ms, a pong late under load lets the replica's heartbeat cut the
    // shutdown test's sockets (1006) before its SIGTERM: the likely cause of a 1006 seen in CI.
    system = await ChatSystem.start({ gateways: 2, env: { RTM_HEARTBEAT_INTERVAL_MS: '1000' } });
    const org = await system.createOrganization('Lifecycle');
    customerToken = await system.customerToken(org.organization_id);
  });

  afterAll(async () => {
    await system?.stop();
  });

  it('terminates a socket that stops answering pings and keeps one that answers', async () => {
    const url = `${system.gatewayUrl(0).replace('http', 'ws')}/v1/customer/rtm`;
    // autoPong: false plays a client whose network went silent without closing.
    const silent = new WebSocket(url, { autoPong: false });
    const closed = new Promise<number>((resolve) => silent.once('close', (code) => resolve(code)));
    const healthy = await system.connect('customer', customerToken, 0);
    const started = Date.now();
    // 1006: the server cut the TCP connection without a close frame. The login deadline
    // (10 s, a 1008 close) would come much later.
    expect(await closed).toBe(1006);
    expect(Date.now() - started).toBeLessThan(5000);
    expect((await healthy.call('list_chats', {})).chats).toEqual([]);
    healthy.drop();
  });

  it('refuses upgrades on other paths', async () => {
    const socket = new WebSocket(`${system.gatewayUrl(0).replace('http', 'ws')}/v1/nowhere`);
    const status = await new Promise<number | undefined>((resolve) => {
      socket.once('unexpected-response', (_, response) => resolve(response.statusCode));
      socket.once('error', () => resolve(undefined));
    });
    expect(status).toBe(404);
  });

  it('closes every socket with 1001 when a replica shuts down, and exits 0', async () => {
    const replica = system.gateways[1]!;
    const sockets = await Promise.all([
      system.connect('customer', customerToken, 1),
      system.connect('customer', undefined, 1),
    ]);
    replica.child.kill('SIGTERM');
    const codes = await Promise.all(sockets.map((socket) => socket.closed.then((close) => close.code)));
    expect(codes).toEqual([1001, 1001]);
    expect(await replica.exit).toEqual({ code: 0, signal: null });
    // The other replica still serves.
    const still = await system.connect('customer', customerToken, 0);
    expect((await still.call('list_chats', {})).chats).toEqual([]);
    still.drop();
  });
});
