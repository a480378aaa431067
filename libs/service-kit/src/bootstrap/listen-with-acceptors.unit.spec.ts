import { afterEach, describe, expect, it } from '@jest/globals';
import { createServer as createHttpServer, type Server as HttpServer } from 'node:http';
import { connect, createServer, type AddressInfo, type ListenOptions, type Socket } from 'node:net';
import { listenWithAcceptors } from './listen-with-acceptors.js';

const describeOnLinux = process.platform === 'linux' ? describe : describe.skip;

describeOnLinux('listening with several acceptors', () => {
  const servers: HttpServer[] = [];
  const clients: Socket[] = [];

  function httpServer(): HttpServer {
    const server = createHttpServer((_request, response) => response.end(`served by ${process.pid}`));
    servers.push(server);
    return server;
  }

  const listenOf =
    (server: HttpServer) =>
    (options: ListenOptions): Promise<HttpServer> =>
      new Promise((resolve, reject) => {
        server.once('error', reject);
        server.listen(options, () => resolve(server));
      });

  const portOf = (server: HttpServer) => (server.address() as AddressInfo).port;

  afterEach(async () => {
    for (const client of clients.splice(0)) client.destroy();
    await Promise.all(
      servers
        .splice(0)
        .map((server) => new Promise((resolve) => (server.listening ? server.close(resolve) : resolve(undefined)))),
    );
  });

  /**
   * Opens `count` connections at once and counts those the server accepted in the turn of the
   * event loop that accepted the first (a setImmediate from the first runs right after that
   * turn's poll). Loopback completes the connections as they are made, before the loop polls.
   */
  async function acceptedInOneTurn(server: HttpServer, count: number): Promise<number> {
    let accepted = 0;
    let counted: (() => void) | undefined;
    const inOneTurn = await new Promise<number>((resolve) => {
      counted = () => {
        accepted += 1;
        if (accepted === 1) setImmediate(() => resolve(accepted));
      };
      server.on('connection', counted);
      for (let i = 0; i < count; i++) clients.push(connect(portOf(server), '127.0.0.1').on('error', () => undefined));
    });
    server.off('connection', counted!);
    return inOneTurn;
  }

  it('serves requests through every socket, and closing the server closes them all', async () => {
    const server = await listenWithAcceptors(listenOf(httpServer()), { port: 0, host: '127.0.0.1', acceptors: 4 });
    const port = portOf(server);
    const answers = await Promise.all(
      Array.from({ length: 40 }, () =>
        fetch(`http://127.0.0.1:${port}/`, { headers: { connection: 'close' } }).then((response) => response.text()),
      ),
    );
    expect(new Set(answers)).toEqual(new Set([`served by ${process.pid}`]));

    await new Promise((resolve) => server.close(resolve));
    // Nothing listens any more: a plain socket binds the port alone, and a connection is refused.
    const plain = createServer();
    await new Promise<void>((resolve, reject) => {
      plain.once('error', reject);
      plain.listen({ port, host: '127.0.0.1', exclusive: true }, resolve);
    });
    await new Promise((resolve) => plain.close(resolve));
    await expect(fetch(`http://127.0.0.1:${port}/`)).rejects.toThrow();
  });

  it('accepts, in a turn of the event loop, one connection per listening socket', async () => {
    const one = await listenWithAcceptors(listenOf(httpServer()), { port: 0, host: '127.0.0.1', acceptors: 1 });
    const eight = await listenWithAcceptors(listenOf(httpServer()), { port: 0, host: '127.0.0.1', acceptors: 8 });
    // libuv (since 1.45) accepts one connection each time it finds a listening socket readable.
    expect(await acceptedInOneTurn(one, 50)).toBe(1);
    // The kernel spreads the 50 over the 8 sockets, each of which takes one.
    expect(await acceptedInOneTurn(eight, 50)).toBeGreaterThanOrEqual(4);
  });

  it('refuses a port that another socket listens on, with or without SO_REUSEPORT', async () => {
    const taken = await listenWithAcceptors(listenOf(httpServer()), { port: 0, host: '127.0.0.1', acceptors: 3 });
    await expect(
      listenWithAcceptors(listenOf(httpServer()), { port: portOf(taken), host: '127.0.0.1', acceptors: 3 }),
    ).rejects.toMatchObject({ code: 'EADDRINUSE' });

    const plain = await listenWithAcceptors(listenOf(httpServer()), { port: 0, host: '127.0.0.1', acceptors: 1 });
    await expect(
      listenWithAcceptors(listenOf(httpServer()), { port: portOf(plain), host: '127.0.0.1', acceptors: 3 }),
    ).rejects.toMatchObject({ code: 'EADDRINUSE' });
  });
});
