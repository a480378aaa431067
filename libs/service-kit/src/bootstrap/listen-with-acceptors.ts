import type { Server as HttpServer } from 'node:http';
import { createServer, type AddressInfo, type ListenOptions, type Server } from 'node:net';

/** `reusePort` is Node's since 22.12 and 23.1; the @types/node of this workspace (20) lacks it. */
type SharedListenOptions = ListenOptions & { reusePort?: boolean };

export interface AcceptorOptions {
  port: number;
  host: string;
  /** `listen`'s backlog, for each listening socket. */
  backlog?: number;
  /** Listening sockets on the port (1: one, as `listen` makes). */
  acceptors: number;
}

/**
 * Listens on the port with `acceptors` sockets instead of one, each handing what it accepts to
 * the HTTP server, so that a process whose event loop is busy still takes new connections.
 *
 * Why: since libuv 1.45 (Node 20), a listening socket accepts one connection each time the
 * event loop finds it readable, no longer all that wait (libuv #3696; nodejs/node #57364). A
 * loop that thousands of sockets keep busy finds it readable once per round of their events,
 * so a gateway that 5,000 customers reconnect to at once took a few connections a second
 * while it answered the first ones' logins, and the rest waited in the kernel's accept queue for
 * seconds (bench/RESULTS.md, reconnect-storm); a server kept busy longer left new connections
 * there for minutes (accept-under-load). Each further socket on the port (`SO_REUSEPORT`,
 * Linux) is one more accept per round; the kernel spreads new connections over them.
 *
 * `SO_REUSEPORT` also lets another process of the same user listen on the port beside this one
 * and silently take part of its connections. So the port is first bound alone (without the
 * option): a port that anything else listens on fails the start with `EADDRINUSE`, as one
 * socket would (port 0 takes a port the kernel chose that way). Closing the HTTP server closes
 * the further sockets with it.
 *
 * Elsewhere than on Linux, or with one acceptor, this is `listen` as before.
 */
export async function listenWithAcceptors(
  listen: (options: ListenOptions) => Promise<HttpServer>,
  options: AcceptorOptions,
): Promise<HttpServer> {
  const { host, backlog, acceptors } = options;
  if (acceptors <= 1 || process.platform !== 'linux') return listen({ port: options.port, host, backlog });
  const port = await bindAlone(options.port, host);
  const shared: SharedListenOptions = { port, host, backlog, reusePort: true };
  const server = await listen(shared);
  const further: Server[] = [];
  try {
    for (let i = 1; i < acceptors; i++) {
      const acceptor = createServer((socket) => server.emit('connection', socket));
      further.push(acceptor);
      await listenOn(acceptor, shared);
    }
  } catch (error) {
    for (const acceptor of further) acceptor.close();
    await new Promise((resolve) => server.close(resolve));
    throw error;
  }
  const close = server.close.bind(server);
  server.close = ((callback?: (error?: Error) => void) => {
    for (const acceptor of further) acceptor.close();
    return close(callback);
  }) as HttpServer['close'];
  return server;
}

/**
 * Binds the port alone for a moment and answers it (port 0: the one the kernel chose, which all
 * the sockets then share); EADDRINUSE when any other socket listens on it.
 */
async function bindAlone(port: number, host: string): Promise<number> {
  const probe = createServer();
  await listenOn(probe, { port, host, exclusive: true });
  const bound = (probe.address() as AddressInfo).port;
  await new Promise((resolve) => probe.close(resolve));
  return bound;
}

function listenOn(server: Server, options: ListenOptions): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(options, () => {
      server.off('error', reject);
      resolve();
    });
  });
}
