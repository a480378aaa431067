import type { GatewayConfig } from '../gateway-config.js';
import {
  Inject,
  Injectable,
  Logger,
  type BeforeApplicationShutdown,
  type OnApplicationBootstrap,
} from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import type { IncomingMessage, Server } from 'node:http';
import { randomUUID } from 'node:crypto';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';
import { SERVICE_CONFIG } from '@livedesk/service-kit';
import { ClientAddress, OriginChecks } from '@livedesk/auth';
import { AgentActions } from './agent-actions.js';
import { CustomerPresence } from './routing/customer-presence.js';
import { ConnectionRegistry } from './connection-registry.js';
import { FrameDispatcher } from './frame-dispatcher.js';
import { FrameRateLimit } from './rate-limiter.js';
import type { RtmConfig } from './rtm-config.js';
import { RtmMetrics } from './rtm-metrics.js';
import { RtmConnection, type RtmEndpoint } from './rtm-connection.js';
import { SpreadSweep } from './spread-sweep.js';

const ENDPOINTS = new Map<string, RtmEndpoint>([
  ['/v1/customer/rtm', 'customer'],
  ['/v1/agent/rtm', 'agent'],
]);

/** Close codes: 1001 going away (shutdown), 1008 policy (login deadline, flooding), 1009 too big (by `ws`). */
const GOING_AWAY = 1001;
const POLICY_VIOLATION = 1008;

/**
 * The two WebSocket endpoints of docs/protocol.md on the gateway's HTTP server: upgrades, the
 * login deadline, heartbeats (a ping each period, the sockets' pings spread over it; a socket
 * that missed the last pong is terminated) and a clean close of every socket on shutdown.
 */
@Injectable()
export class RtmServer implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(RtmServer.name);
  private wss: WebSocketServer | undefined;
  private heartbeat: SpreadSweep<RtmConnection> | undefined;
  private closing = false;
  /** A socket's client address, for the visitor's location (`TRUSTED_PROXIES`). */
  private readonly clientAddresses: ClientAddress;

  constructor(
    private readonly adapterHost: HttpAdapterHost,
    @Inject(SERVICE_CONFIG) private readonly config: RtmConfig,
    private readonly registry: ConnectionRegistry,
    private readonly dispatcher: FrameDispatcher,
    private readonly metrics: RtmMetrics,
    private readonly agentActions: AgentActions,
    private readonly customerPresence: CustomerPresence,
    @Inject(OriginChecks) private readonly origins: OriginChecks,
  ) {
    this.clientAddresses = new ClientAddress((config as Partial<GatewayConfig>).TRUSTED_PROXIES ?? []);
  }

  onApplicationBootstrap(): void {
    this.wss = new WebSocketServer({ noServer: true, maxPayload: this.config.RTM_MAX_FRAME_BYTES });
    const server = this.adapterHost.httpAdapter.getHttpServer() as Server;
    server.on('upgrade', (request: IncomingMessage, socket: Duplex, head: Buffer) =>
      this.upgrade(request, socket, head),
    );
    // Spread over the period, a slice of the sockets a second: spread-sweep.ts.
    this.heartbeat = new SpreadSweep({
      periodMs: this.config.RTM_HEARTBEAT_INTERVAL_MS,
      items: () => this.registry.connections(),
      keyOf: (connection) => connection.id,
      visit: (connections) => this.beat(connections),
    });
    this.heartbeat.start();
  }

  async beforeApplicationShutdown(): Promise<void> {
    this.closing = true;
    this.heartbeat?.stop();
    const open = [...this.registry.connections()];
    const closed = open.map(
      (connection) =>
        new Promise<void>((resolve) => {
          if (connection.socket.readyState === connection.socket.CLOSED) return resolve();
          connection.socket.once('close', () => resolve());
          connection.socket.close(GOING_AWAY, 'server shutting down');
        }),
    );
    // Clients normally answer the close at once; a silent one is cut off after a second.
    const deadline = new Promise<void>((resolve) => setTimeout(resolve, 1000).unref());
    await Promise.race([Promise.all(closed), deadline]);
    for (const connection of this.registry.connections()) connection.socket.terminate();
    this.wss?.close();
  }

  private upgrade(request: IncomingMessage, socket: Duplex, head: Buffer): void {
    const path = new URL(request.url ?? '/', 'http://gateway').pathname;
    const endpoint = ENDPOINTS.get(path);
    if (!endpoint || this.closing || !this.wss) {
      socket.end(
        `HTTP/1.1 ${this.closing ? '503 Service Unavailable' : '404 Not Found'}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`,
      );
      return;
    }
    // Agent sockets come from the desk only; known at the upgrade, as it names no organization.
    // Customer sockets are checked at login, against the token's organization (frame-dispatcher.ts).
    if (endpoint === 'agent' && !this.origins.isDeskRequest(request)) {
      socket.end(
        'HTTP/1.1 403 Forbidden\r\nConnection: close\r\nContent-Type: text/plain\r\nContent-Length: 18\r\n\r\norigin_not_allowed',
      );
      return;
    }
    const clientAddress = this.clientAddresses.of(request);
    this.wss.handleUpgrade(request, socket, head, (ws) =>
      this.accept(ws, endpoint, request.headers.origin, clientAddress),
    );
  }

  private accept(
    socket: WebSocket,
    endpoint: RtmEndpoint,
    origin: string | undefined,
    clientAddress: string | undefined,
  ): void {
    const connection = new RtmConnection(
      randomUUID(),
      endpoint,
      socket,
      new FrameRateLimit({
        ratePerSecond: this.config.RTM_RATE_LIMIT_PER_SECOND,
        burst: this.config.RTM_RATE_LIMIT_BURST,
        floodAllowance: this.config.RTM_RATE_LIMIT_CLOSE_AFTER,
      }),
      origin,
      clientAddress,
    );
    this.registry.open(connection);
    this.metrics.connections.inc({ endpoint });
    const loginDeadline = setTimeout(() => {
      if (!connection.principal) socket.close(POLICY_VIOLATION, 'login timeout');
    }, this.config.RTM_LOGIN_TIMEOUT_MS);
    socket.on('message', (data, isBinary) => this.dispatcher.receive(connection, data, isBinary));
    socket.on('pong', () => (connection.alive = true));
    socket.on('error', (error) => this.logger.debug({ err: error, connection: connection.id }, 'socket error'));
    socket.once('close', () => {
      this.metrics.connections.dec({ endpoint });
      clearTimeout(loginDeadline);
      this.registry.closed(connection);
      if (connection.principal?.kind === 'agent') this.agentActions.socketClosed(connection.principal, connection.id);
      if (connection.principal?.kind === 'customer') this.customerPresence.closed(connection.principal, connection.id);
    });
  }

  /** Each socket once a period: terminated if it did not answer the last ping, pinged again if it did. */
  private beat(connections: readonly RtmConnection[]): void {
    for (const connection of connections) {
      if (!connection.alive) {
        connection.socket.terminate();
        continue;
      }
      connection.alive = false;
      connection.socket.ping();
    }
  }
}
