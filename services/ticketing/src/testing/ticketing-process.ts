import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import nodemailer, { type SendMailOptions } from 'nodemailer';
import { TokenService } from '@livedesk/auth';
import {
  createTestDatabase,
  createTestNats,
  freePort,
  serviceEnvironment,
  serviceUrls,
  spawnService,
  waitUntilReady,
  type SpawnedService,
  type TestDatabase,
  type TestNats,
} from '@livedesk/testing';

/** The ticketing service alone, as a real process, with its HTTP API and SMTP endpoint on loopback. */
export interface TicketingProcess {
  service: SpawnedService;
  database: TestDatabase;
  nats: TestNats;
  adminToken: string;
  env: NodeJS.ProcessEnv;
  smtpPort: number;
  /**
   * An agent token of an organization (signed with the installation's key, as the identity
   * service would); the agent is then one the directory knows (`cmd.directory.lookup`, answered
   * here since no identity service runs), so the API takes the token.
   */
  agentToken(organizationId: string, agentId: string): Promise<string>;
  http<T = any>(
    method: string,
    path: string,
    options?: { body?: unknown; token?: string | null; raw?: Buffer; contentType?: string },
  ): Promise<{ status: number; body: T }>;
  /** Sends an email to the SMTP endpoint (nodemailer's message options, or `raw`). */
  sendMail(message: SendMailOptions): Promise<{ response: string }>;
  restart(): Promise<void>;
  stop(): Promise<void>;
}

export async function startTicketing(env: NodeJS.ProcessEnv = {}): Promise<TicketingProcess> {
  const urls = await serviceUrls();
  const [database, nats] = await Promise.all([createTestDatabase(), createTestNats()]);
  const adminToken = randomBytes(24).toString('base64url');
  const jwtSecret = randomBytes(32).toString('base64url');
  const smtpPort = await freePort();
  const fullEnv = serviceEnvironment(
    {
      databaseUrl: database.url,
      natsUrl: urls.natsUrl,
      redisUrl: urls.redisUrl,
      subjectPrefix: nats.subjectPrefix,
      streamPrefix: nats.streamPrefix,
      adminToken,
      jwtSecret,
    },
    {
      SMTP_INBOUND_PORT: String(smtpPort),
      INBOUND_EMAIL_DOMAIN: 'inbound.test',
      ATTACHMENT_DIR: mkdtempSync(join(tmpdir(), 'ticketing-attachments-')),
      ...env,
    },
  );
  let service = spawnService('ticketing', fullEnv, await freePort());
  await waitUntilReady(service);
  const tokens = new TokenService({ secret: jwtSecret, agentTtlSeconds: 3600, customerTtlSeconds: 3600 });
  const directory = answerDirectoryLookups(nats);
  const transport = nodemailer.createTransport({ host: '127.0.0.1', port: smtpPort, secure: false, ignoreTLS: true });
  return {
    get service() {
      return service;
    },
    database,
    nats,
    adminToken,
    env: fullEnv,
    smtpPort,
    async agentToken(organizationId, agentId) {
      directory.agents.add(`${organizationId}/${agentId}`);
      return (await tokens.issue({ kind: 'agent', organizationId, agentId, role: 'agent', agentKind: 'human' })).token;
    },
    async http(method, path, options = {}) {
      const token = options.token === undefined ? adminToken : options.token;
      const response = await fetch(`${service.url}${path}`, {
        method,
        headers: {
          ...(token ? { authorization: `Bearer ${token}` } : {}),
          ...(options.raw
            ? { 'content-type': options.contentType ?? 'application/octet-stream' }
            : options.body === undefined
              ? {}
              : { 'content-type': 'application/json' }),
        },
        ...(options.raw
          ? { body: options.raw }
          : options.body === undefined
            ? {}
            : { body: typeof options.body === 'string' ? options.body : JSON.stringify(options.body) }),
      });
      const text = await response.text();
      let body: any = text;
      try {
        body = JSON.parse(text);
      } catch {
        // not JSON (a downloaded file)
      }
      return { status: response.status, body };
    },
    sendMail: (message) => transport.sendMail(message) as Promise<{ response: string }>,
    async restart() {
      await service.stop();
      service = spawnService('ticketing', fullEnv, service.port);
      await waitUntilReady(service);
    },
    async stop() {
      transport.close();
      directory.subscription.unsubscribe();
      await service.stop();
      await database.drop();
      await nats.cleanup();
    },
  };
}

/**
 * The identity service's directory look-up, which ticketing asks whether a token's agent is active: the
 * agents the test made tokens for are, and every group is (Nest's NATS reply format:
 * `{id, response, isDisposed}`).
 */
function answerDirectoryLookups(nats: TestNats): { agents: Set<string>; subscription: { unsubscribe(): void } } {
  const agents = new Set<string>();
  const subscription = nats.connection.subscribe(`${nats.subjectPrefix}.cmd.directory.lookup`, {
    callback: (error, message) => {
      if (error) return;
      const packet = JSON.parse(message.string()) as {
        id: string;
        data: { organization_id: string; agent_ids?: string[]; group_ids?: string[] };
      };
      const { organization_id: organizationId, agent_ids: agentIds = [], group_ids: groupIds = [] } = packet.data;
      const response = {
        agent_ids: agentIds.filter((id) => agents.has(`${organizationId}/${id}`)),
        group_ids: groupIds,
      };
      message.respond(JSON.stringify({ id: packet.id, response, isDisposed: true }));
    },
  });
  return { agents, subscription };
}
