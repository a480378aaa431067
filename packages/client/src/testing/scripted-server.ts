import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebSocketServer, type WebSocket } from 'ws';

export interface ReceivedRequest {
  request_id: string;
  action: string;
  payload: any;
}

/** One socket the scripted server accepted, with what it received and ways to answer. */
export class ScriptedConnection {
  readonly requests: ReceivedRequest[] = [];
  readonly openedAt = Date.now();

  constructor(readonly socket: WebSocket) {}

  respond(request: ReceivedRequest, payload: unknown): void {
    this.socket.send(
      JSON.stringify({
        request_id: request.request_id,
        action: request.action,
        type: 'response',
        success: true,
        payload,
      }),
    );
  }

  fail(
    request: ReceivedRequest,
    error: { code: string; message: string; reason?: string; retry_after_ms?: number },
  ): void {
    this.socket.send(
      JSON.stringify({
        request_id: request.request_id,
        action: request.action,
        type: 'response',
        success: false,
        payload: { error },
      }),
    );
  }

  push(action: string, payload: unknown): void {
    this.socket.send(JSON.stringify({ action, type: 'push', payload }));
  }

  /** Cuts the TCP connection without a close handshake, as a lost network does. */
  drop(): void {
    this.socket.terminate();
  }
}

export type Script = (request: ReceivedRequest, connection: ScriptedConnection) => void;
export type HttpScript = (request: IncomingMessage, body: string, response: ServerResponse) => void;

/**
 * A WebSocket server that speaks the frames of docs/protocol.md as each test scripts it, on a real
 * port: the client under test goes through real sockets, drops and reconnects.
 */
export class ScriptedServer {
  readonly connections: ScriptedConnection[] = [];

  private constructor(
    private readonly http: Server,
    private readonly wss: WebSocketServer,
    public script: Script,
    public httpScript: HttpScript,
  ) {
    wss.on('connection', (socket) => {
      const connection = new ScriptedConnection(socket);
      this.connections.push(connection);
      socket.on('message', (data) => {
        const request = JSON.parse(data.toString()) as ReceivedRequest;
        connection.requests.push(request);
        this.script(request, connection);
      });
    });
  }

  static async start(
    script: Script,
    httpScript: HttpScript = (_request, _body, response) => response.writeHead(404).end(),
  ): Promise<ScriptedServer> {
    let server: ScriptedServer | undefined;
    const http = createServer((request, response) => {
      let body = '';
      request.on('data', (chunk: Buffer) => (body += chunk.toString()));
      request.on('end', () => server!.httpScript(request, body, response));
    });
    const wss = new WebSocketServer({ server: http });
    await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
    server = new ScriptedServer(http, wss, script, httpScript);
    return server;
  }

  get url(): string {
    return `http://127.0.0.1:${(this.http.address() as AddressInfo).port}`;
  }

  /** Every request of one action, over all connections, in order. */
  requests(action?: string): ReceivedRequest[] {
    return this.connections.flatMap((c) => c.requests).filter((r) => action === undefined || r.action === action);
  }

  get latest(): ScriptedConnection {
    return this.connections[this.connections.length - 1]!;
  }

  /** Resolves once the condition holds (polled every 10 ms), or fails after `timeoutMs`. */
  until(condition: () => boolean, timeoutMs = 5_000): Promise<void> {
    return eventually(condition, timeoutMs);
  }

  async stop(): Promise<void> {
    for (const connection of this.connections) connection.socket.terminate();
    await new Promise<void>((resolve) => this.wss.close(() => resolve()));
    await new Promise<void>((resolve) => this.http.close(() => resolve()));
  }
}

/** A chat event as the server shows it. */
export function chatEvent(chatId: string, version: number, text = `m${version}`): any {
  return {
    chat_id: chatId,
    version,
    event_id: `00000000-0000-4000-8000-${String(version).padStart(12, '0')}`,
    type: 'MessagePosted',
    created_at: new Date(1_700_000_000_000 + version * 1000).toISOString(),
    data: { text },
  };
}

export function chatSummary(chatId: string, version: number): any {
  return {
    chat_id: chatId,
    customer_id: 'customer-1',
    group_id: 'group-1',
    channel: 'chat',
    status: 'active',
    assigned_agent_id: null,
    agent_ids: [],
    started_at: new Date(1_700_000_000_000).toISOString(),
    updated_at: new Date(1_700_000_000_000).toISOString(),
    version,
  };
}

/** Resolves once the condition holds (polled every 10 ms), or fails after `timeoutMs`. */
export async function eventually(condition: () => boolean, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}
