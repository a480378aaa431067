import { randomBytes } from 'node:crypto';
import { AgentClient, CustomerClient, fetchAgentToken, fetchCustomerToken, type ClientOptions } from '@livedesk/client';
import { Redis } from 'ioredis';
import WebSocket from 'ws';
import { setTestClock } from './test-clock.js';
import { serviceEnvironment, freePort, spawnService, waitUntilReady, type SpawnedService } from './spawn-service.js';
import { createTestDatabase, type TestDatabase } from './test-database.js';
import { createTestNats, type TestNats } from './test-nats.js';
import { serviceUrls } from './service-urls.js';
import { RtmTestClient } from './rtm-test-client.js';

/** The password `createAgent` gives every agent. */
export const AGENT_PASSWORD = 'correct horse battery staple';

export interface ChatSystemOptions {
  gateways?: number;
  /** Routing replicas (none by default: agents take chats with join_chat). */
  routing?: number;
  /** Metrics replicas (none by default). */
  metrics?: number;
  /** Ticketing replicas (none by default). */
  ticketing?: number;
  /**
   * Every service runs on a clock the test sets (`setClock`), so that the times in events, and
   * the figures computed from them, are exact. Time stands still between two `setClock` calls.
   */
  testClock?: boolean;
  /** Extra environment for every process (rate limits, timeouts …). */
  env?: NodeJS.ProcessEnv;
  /** A NATS server of the test's own (`OwnNatsServer`, one the test may kill) instead of the shared one. */
  natsUrl?: string;
}

/**
 * The conversation and identity services and N gateway replicas as real processes, on a
 * database, NATS subject prefix and JetStream stream of their own, plus the setup calls of
 * docs/protocol.md (made on a gateway, which forwards them to the identity service).
 */
export class ChatSystem {
  /** The time the test clock was last set to (epoch milliseconds), for the replicas started after. */
  private clockAt: number | undefined;

  private constructor(
    readonly database: TestDatabase,
    readonly nats: TestNats,
    readonly adminToken: string,
    /** The key gateway tokens are signed with (tests forge expired and foreign tokens with it). */
    readonly jwtSecret: string,
    /** Replaced by `restart`. */
    public conversation: SpawnedService,
    /** The identity service (organizations, agents, tokens), which every gateway forwards its URLs to (`IDENTITY_URL`). Replaced by `restart`. */
    public identity: SpawnedService,
    readonly gateways: SpawnedService[],
    readonly routing: SpawnedService[],
    readonly metrics: SpawnedService[],
    readonly ticketing: SpawnedService[],
    /** The environment the services run with (to start another replica). */
    readonly env: NodeJS.ProcessEnv,
  ) {}

  static async start(options: ChatSystemOptions = {}): Promise<ChatSystem> {
    const urls = await serviceUrls();
    const [database, nats] = await Promise.all([createTestDatabase(), createTestNats(options.natsUrl)]);
    const adminToken = randomBytes(24).toString('base64url');
    const jwtSecret = randomBytes(32).toString('base64url');
    const identityPort = await freePort();
    // The gateway forwards the chat-file URLs to the first ticketing replica (`TICKETING_URL`).
    const ticketingPort = (options.ticketing ?? 0) > 0 ? await freePort() : undefined;
    const env = serviceEnvironment(
      {
        databaseUrl: database.url,
        natsUrl: nats.url,
        redisUrl: urls.redisUrl,
        subjectPrefix: nats.subjectPrefix,
        streamPrefix: nats.streamPrefix,
        adminToken,
        jwtSecret,
      },
      {
        ...(options.testClock ? { LIVEDESK_TEST_CLOCK: 'nats' } : {}),
        IDENTITY_URL: `http://127.0.0.1:${identityPort}`,
        ...(ticketingPort === undefined ? {} : { TICKETING_URL: `http://127.0.0.1:${ticketingPort}` }),
        ...options.env,
      },
    );
    const conversation = spawnService('conversation', env, await freePort());
    // The conversation service migrates and creates the event stream first, so that gateways
    // starting at the same moment do not race it for the same Postgres objects.
    await waitUntilReady(conversation);
    const identity = spawnService('identity', env, identityPort);
    const gateways: SpawnedService[] = [];
    for (let i = 0; i < (options.gateways ?? 1); i++) gateways.push(spawnService('gateway', env, await freePort()));
    const spawnAll = async (name: 'routing' | 'metrics' | 'ticketing', count = 0): Promise<SpawnedService[]> => {
      const spawned: SpawnedService[] = [];
      for (let i = 0; i < count; i++) {
        const own =
          name === 'ticketing' && !env.SMTP_INBOUND_PORT
            ? { ...env, SMTP_INBOUND_PORT: String(await freePort()) }
            : env;
        const port = name === 'ticketing' && i === 0 && ticketingPort !== undefined ? ticketingPort : await freePort();
        spawned.push(spawnService(name, own, port));
      }
      return spawned;
    };
    const routing = await spawnAll('routing', options.routing);
    const metrics = await spawnAll('metrics', options.metrics);
    const ticketing = await spawnAll('ticketing', options.ticketing);
    await Promise.all(
      [identity, ...gateways, ...routing, ...metrics, ...ticketing].map((service) => waitUntilReady(service)),
    );
    return new ChatSystem(
      database,
      nats,
      adminToken,
      jwtSecret,
      conversation,
      identity,
      gateways,
      routing,
      metrics,
      ticketing,
      env,
    );
  }

  /** Starts one more replica of a service with the same environment. */
  async startReplica(name: 'routing' | 'gateway' | 'metrics' | 'ticketing'): Promise<SpawnedService> {
    // On the test clock a new replica starts at the time last set, not at the real time.
    const clock = this.clockAt === undefined ? {} : { LIVEDESK_TEST_CLOCK_AT: String(this.clockAt) };
    const env = {
      ...this.env,
      ...clock,
      ...(name === 'ticketing' && !this.env.SMTP_INBOUND_PORT ? { SMTP_INBOUND_PORT: String(await freePort()) } : {}),
    };
    const service = spawnService(name, env, await freePort());
    await waitUntilReady(service);
    this.replicasOf(name).push(service);
    return service;
  }

  /**
   * Stops every process of the system (SIGTERM, as a deployment stops them), runs `whileStopped`,
   * then starts each again on its port with its environment, the conversation service first, as
   * `start` does. The processes are replaced: a test reconnects its sockets and clients.
   */
  async restart(whileStopped: () => Promise<void> = async () => {}): Promise<void> {
    await Promise.all(this.services().map((service) => service.stop()));
    await whileStopped();
    const again = (service: SpawnedService) =>
      spawnService(
        service.name,
        service.smtpPort === undefined ? this.env : { ...this.env, SMTP_INBOUND_PORT: String(service.smtpPort) },
        service.port,
      );
    this.conversation = again(this.conversation);
    await waitUntilReady(this.conversation);
    this.identity = again(this.identity);
    for (const replicas of [this.gateways, this.routing, this.metrics, this.ticketing]) {
      replicas.splice(0, replicas.length, ...replicas.map(again));
    }
    await Promise.all(this.services().map((service) => waitUntilReady(service)));
  }

  /** Every process of the system. */
  services(): SpawnedService[] {
    return [this.conversation, this.identity, ...this.gateways, ...this.routing, ...this.metrics, ...this.ticketing];
  }

  /**
   * Sets the time of every service (started with `testClock`), and returns once each has moved.
   * `at` is a Date or epoch milliseconds.
   */
  async setClock(at: Date | number): Promise<void> {
    if (this.env.LIVEDESK_TEST_CLOCK !== 'nats')
      throw new Error('setClock needs ChatSystem.start({ testClock: true })');
    await setTestClock(
      this.nats.connection,
      this.nats.subjectPrefix,
      at,
      this.services().filter((service) => service.child.exitCode === null).length,
    );
    this.clockAt = typeof at === 'number' ? at : at.getTime();
  }

  /**
   * Routing's timers (auto-transfer, presence grace, reservation leases) as routing stored them in
   * Redis, with their due times: a test on the test clock waits for one to be set before it moves
   * the clock past it.
   */
  async routingTimers(): Promise<{ timer: Record<string, unknown>; dueAt: number }[]> {
    const redis = new Redis(this.env.REDIS_URL ?? 'redis://127.0.0.1:6379');
    try {
      const flat = await redis.zrange(`routing:{${this.nats.subjectPrefix}}:timers`, 0, -1, 'WITHSCORES');
      const timers: { timer: Record<string, unknown>; dueAt: number }[] = [];
      for (let i = 0; i < flat.length; i += 2)
        timers.push({ timer: JSON.parse(flat[i]!) as Record<string, unknown>, dueAt: Number(flat[i + 1]) });
      return timers;
    } finally {
      redis.disconnect();
    }
  }

  async stop(): Promise<void> {
    await Promise.all(this.services().map((service) => service.stop()));
    await this.database.drop();
    await this.nats.cleanup();
  }

  private replicasOf(name: 'routing' | 'gateway' | 'metrics' | 'ticketing'): SpawnedService[] {
    return { routing: this.routing, gateway: this.gateways, metrics: this.metrics, ticketing: this.ticketing }[name];
  }

  gatewayUrl(replica = 0): string {
    return this.gateways[replica]!.url;
  }

  async post<T = any>(
    path: string,
    body: unknown,
    token: string | undefined = this.adminToken,
    replica = 0,
  ): Promise<{ status: number; body: T }> {
    const response = await fetch(`${this.gatewayUrl(replica)}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
      body: JSON.stringify(body),
    });
    return { status: response.status, body: (await response.json()) as T };
  }

  /** An HTTP request to one of the system's services (the metrics or ticketing API), with the admin token unless told. */
  async call<T = any>(
    service: SpawnedService,
    method: 'GET' | 'POST' | 'PUT' | 'DELETE',
    path: string,
    body?: unknown,
    token: string | undefined = this.adminToken,
  ): Promise<{ status: number; body: T; text: string; contentType: string | null }> {
    const response = await fetch(`${service.url}${path}`, {
      method,
      headers: {
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        ...(token ? { authorization: `Bearer ${token}` } : {}),
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const text = await response.text();
    let parsed: unknown = text;
    try {
      parsed = JSON.parse(text);
    } catch {
      // not JSON (a CSV export): the text is the body
    }
    return { status: response.status, body: parsed as T, text, contentType: response.headers.get('content-type') };
  }

  async createOrganization(
    name = 'Acme',
    timeZone?: string,
  ): Promise<{ organization_id: string; identity_secret: string; default_group_id: string }> {
    const { status, body } = await this.post('/v1/organizations', {
      name,
      ...(timeZone ? { time_zone: timeZone } : {}),
    });
    if (status !== 201) throw new Error(`create organization: ${status} ${JSON.stringify(body)}`);
    return body;
  }

  async createGroup(organizationId: string, name: string, routing?: 'auto' | 'manual'): Promise<string> {
    const { status, body } = await this.post(`/v1/organizations/${organizationId}/groups`, {
      name,
      ...(routing ? { routing } : {}),
    });
    if (status !== 201) throw new Error(`create group: ${status} ${JSON.stringify(body)}`);
    return body.group_id;
  }

  async createAgent(
    organizationId: string,
    agent: {
      email: string;
      name?: string;
      role?: 'agent' | 'supervisor' | 'admin';
      kind?: 'human' | 'bot';
      groups?: string[];
      maxChats?: number;
    },
  ): Promise<{ agentId: string; token: string }> {
    const password = AGENT_PASSWORD;
    const { status, body } = await this.post(`/v1/organizations/${organizationId}/agents`, {
      email: agent.email,
      name: agent.name ?? agent.email.split('@')[0],
      password,
      role: agent.role ?? 'agent',
      ...(agent.kind ? { kind: agent.kind } : {}),
      ...(agent.groups ? { groups: agent.groups } : {}),
      ...(agent.maxChats ? { max_chats: agent.maxChats } : {}),
    });
    if (status !== 201) throw new Error(`create agent: ${status} ${JSON.stringify(body)}`);
    const login = await this.post('/v1/agent/token', { email: agent.email, password }, undefined);
    if (login.status !== 200 && login.status !== 201)
      throw new Error(`agent token: ${login.status} ${JSON.stringify(login.body)}`);
    return { agentId: body.agent_id, token: login.body.token };
  }

  async customerToken(organizationId: string, identity?: string): Promise<string> {
    const { status, body } = await this.post(
      '/v1/customer/token',
      { organization_id: organizationId, ...(identity ? { identity } : {}) },
      undefined,
    );
    if (status !== 200 && status !== 201) throw new Error(`customer token: ${status} ${JSON.stringify(body)}`);
    return body.token;
  }

  /**
   * A customer as an app sees it: the `@livedesk/client` SDK on one gateway replica, with a fresh
   * anonymous token from its provider (renewed and re-fetched as the SDK does). Not connected
   * yet: `connect()` logs it in. Use it for flows a site's code would run; use `connect` (raw
   * frames) to test the protocol itself: bad input, exact frames, request ids.
   */
  customerClient(
    organizationId: string,
    options: Partial<Omit<ClientOptions, 'url' | 'token'>> & { identity?: string; replica?: number } = {},
  ): CustomerClient {
    const { identity, replica = 0, ...rest } = options;
    const url = this.gatewayUrl(replica);
    return new CustomerClient({
      WebSocket,
      ...rest,
      url,
      token: () => fetchCustomerToken(url, { organization_id: organizationId, ...(identity ? { identity } : {}) }),
    });
  }

  /** An agent as a desk sees it: the SDK logging in with the password `createAgent` gives every agent. */
  agentClient(
    email: string,
    options: Partial<Omit<ClientOptions, 'url' | 'token'>> & { replica?: number } = {},
  ): AgentClient {
    const { replica = 0, ...rest } = options;
    const url = this.gatewayUrl(replica);
    return new AgentClient({
      WebSocket,
      ...rest,
      url,
      token: () => fetchAgentToken(url, { email, password: AGENT_PASSWORD }),
    });
  }

  /** A socket on one gateway replica, logged in when a token is given. */
  async connect(endpoint: 'customer' | 'agent', token?: string, replica = 0): Promise<RtmTestClient> {
    const client = await RtmTestClient.connect(`${this.gatewayUrl(replica).replace('http', 'ws')}/v1/${endpoint}/rtm`);
    if (token) await client.login(token);
    return client;
  }
}
