/**
 * The baseline: a bare `ws` server that relays each customer frame to its agent's socket as it
 * is, with no parsing, no authentication and no storage. Whatever latency it shows on this
 * machine is the floor that the WebSocket library, the loopback sockets and the load generator
 * impose; livedesk's figures are read against it.
 *
 * Run as its own process (like the gateway), started by `startBareRelayProcess`:
 *   PORT=0 node bench/dist/chat-latency/bare-relay.js   → prints `listening on <port>`
 * Agents connect to `/agent?id=<agent>`, customers to `/customer?agent=<agent>`.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { WebSocketServer, type WebSocket } from 'ws';

export function startBareRelay(port: number): Promise<WebSocketServer> {
  const agents = new Map<string, WebSocket>();
  const server = new WebSocketServer({ host: '127.0.0.1', port, perMessageDeflate: false, maxPayload: 64 * 1024 });
  server.on('connection', (socket, request) => {
    const url = new URL(request.url ?? '/', 'ws://relay');
    if (url.pathname === '/agent') {
      const id = url.searchParams.get('id') ?? '';
      agents.set(id, socket);
      socket.on('close', () => {
        if (agents.get(id) === socket) agents.delete(id);
      });
    } else if (url.pathname === '/customer') {
      const agentId = url.searchParams.get('agent') ?? '';
      socket.on('message', (data, isBinary) => {
        agents.get(agentId)?.send(data, { binary: isBinary });
      });
    } else {
      socket.close(1008, 'unknown path');
    }
    socket.on('error', () => undefined);
  });
  return new Promise((resolve, reject) => {
    server.once('listening', () => resolve(server));
    server.once('error', reject);
  });
}

export interface RelayProcess {
  port: number;
  pid: number;
  stop(): Promise<void>;
}

/** Starts the relay as a child process and waits until it listens. */
export function startBareRelayProcess(): Promise<RelayProcess> {
  const child: ChildProcess = spawn(process.execPath, [fileURLToPath(import.meta.url)], {
    env: { ...process.env, PORT: '0' },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  return new Promise((resolve, reject) => {
    let output = '';
    const exitedEarly = (code: number | null) =>
      reject(new Error(`bare relay exited with ${code} before listening: ${output}`));
    child.once('exit', exitedEarly);
    child.stdout?.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      const match = /listening on (\d+)/.exec(output);
      if (!match) return;
      child.removeListener('exit', exitedEarly);
      resolve({
        port: Number(match[1]),
        pid: child.pid!,
        stop: async () => {
          if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
          await exited;
        },
      });
    });
  });
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const server = await startBareRelay(Number(process.env.PORT ?? 0));
  const address = server.address();
  process.stdout.write(`listening on ${typeof address === 'object' && address ? address.port : address}\n`);
  process.once('SIGTERM', () => {
    for (const client of server.clients) client.terminate();
    server.close(() => process.exit(0));
  });
}
