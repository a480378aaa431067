import 'reflect-metadata';
import type { Server as HttpServer } from 'node:http';
import type { ListenOptions } from 'node:net';
import { Module, type DynamicModule, type INestApplication, type Type } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { Logger } from 'nestjs-pino';
import type { z } from 'zod';
import { CommandServer } from '@livedesk/messaging';
import { loadServiceConfig } from '../config/load-service-config.js';
import { ServiceConfigError } from '../config/service-config-error.js';
import type { ServiceConfig } from '../config/service-config-schema.js';
import { HttpMetrics } from '../metrics/http-metrics.js';
import { ServiceKitModule } from '../service-kit.module.js';
import { installShutdownDeadline } from './shutdown-deadline.js';
import { listenWithAcceptors } from './listen-with-acceptors.js';
import { refuseUnstorableUrl } from '../http/refuse-unstorable-url.js';
import { startTracing } from '../tracing/start-tracing.js';
import { requestIdMiddleware } from '../logging/logger-params.js';

export interface BootstrapServiceOptions<E extends z.ZodRawShape> {
  /** `gateway`, `conversation`, …: logs, metrics, NATS queue group. */
  name: string;
  /** The service's root module; it may inject everything ServiceKitModule exports. */
  module: Type<unknown> | DynamicModule;
  defaultPort: number;
  /** The service's own environment variables. */
  configExtension?: E;
  /** Listen for commands (`@MessagePattern`) over NATS in the service's queue group. Default true. */
  commands?: boolean;
  /**
   * Parse JSON and form bodies before the controllers. Default true; false for a service that
   * streams request bodies on untouched (the gateway forwards the identity service's URLs).
   */
  bodyParser?: boolean;
  /**
   * Connect to Postgres (the `DATABASE` token, and Postgres in `/health/ready`). Default true;
   * false for a service that keeps nothing there (the gateway): no pool, and a Postgres outage
   * does not take it out of its load balancer.
   */
  database?: boolean;
  /**
   * The length of the queue of connections the kernel has accepted and the process has not yet
   * (`listen`'s backlog; Node's default 511, capped by `net.core.somaxconn`). A connection
   * arriving when it is full is dropped and the client tries again after 1 s, 3 s, 7 s…: a
   * gateway that thousands of sockets reconnect to at once needs more.
   */
  listenBacklog?: number;
  /**
   * Sockets listening on the port (default 1): a busy event loop accepts one connection per
   * listening socket each time round, so a service that must take new connections while its
   * sockets keep it busy (the gateway) listens with several (listen-with-acceptors.ts).
   */
  acceptors?: number;
}

export interface RunningService {
  app: INestApplication;
  config: ServiceConfig;
}

/** How long the HTTP servers keep an idle keep-alive connection (Node's default: 5 s). */
export const KEEP_ALIVE_TIMEOUT_MS = 65_000;

@Module({})
class ServiceRootModule {}

/**
 * How every service starts (docs/architecture.md, conventions): validate the environment before anything
 * else, then Postgres, Redis and NATS, the HTTP server with health and metrics, the command
 * server; SIGTERM / SIGINT close it all gracefully and exit 0, or exit 1 after
 * SHUTDOWN_TIMEOUT_MS.
 */
export async function bootstrapService<E extends z.ZodRawShape = Record<never, never>>(
  options: BootstrapServiceOptions<E>,
): Promise<RunningService> {
  const config = loadConfigOrExit(options);
  await startTracing(options.name);
  const root: DynamicModule = {
    module: ServiceRootModule,
    imports: [
      ServiceKitModule.forRoot({ name: options.name, config, database: options.database ?? true }),
      options.module,
    ],
  };
  let app: INestApplication;
  try {
    // abortOnError: false so that a failed boot throws here instead of `process.abort()`.
    app = await NestFactory.create(root, {
      bufferLogs: true,
      abortOnError: false,
      bodyParser: options.bodyParser ?? true,
    });
  } catch (error) {
    return exitOnBootFailure(options.name, error);
  }
  const logger = app.get(Logger);
  app.useLogger(logger);
  app.use(requestIdMiddleware);
  app.use(app.get(HttpMetrics).middleware);
  app.use(refuseUnstorableUrl);
  // useProcessExit: exit 0 after a clean close (Nest re-raises the signal otherwise: 143).
  app.enableShutdownHooks(['SIGTERM', 'SIGINT'], { useProcessExit: true });
  installShutdownDeadline(config.SHUTDOWN_TIMEOUT_MS, logger);
  try {
    if (options.commands ?? true) {
      app.connectMicroservice(
        {
          strategy: new CommandServer({
            url: config.NATS_URL,
            name: `${options.name}-commands`,
            subjectPrefix: config.LIVEDESK_SUBJECT_PREFIX,
            queue: options.name,
            drainTimeoutMs: Math.max(100, config.SHUTDOWN_TIMEOUT_MS - 1000),
            writeLingerMs: config.NATS_WRITE_LINGER_MS,
          }),
        },
        { inheritAppConfig: true },
      );
      await app.startAllMicroservices();
    }
    // Nest hands the options on to http.Server.listen, which its types do not show.
    const listen = (listenOptions: ListenOptions) =>
      (app.listen as unknown as (options: ListenOptions) => Promise<HttpServer>).call(app, listenOptions);
    const server = await listenWithAcceptors(listen, {
      port: config.PORT,
      host: '0.0.0.0',
      backlog: options.listenBacklog,
      acceptors: options.acceptors ?? 1,
    });
    // An idle keep-alive connection is closed by its client before this server closes it: a
    // client that sends a request on a connection the server is closing at that moment gets
    // ECONNRESET (the gateway's forwarding to the identity service answered 503 so under load).
    // Node's agents close theirs a second before the `Keep-Alive: timeout` this server announces;
    // 65 s is also above the 60 s of common load balancers' idle timeouts.
    server.keepAliveTimeout = KEEP_ALIVE_TIMEOUT_MS;
    server.headersTimeout = KEEP_ALIVE_TIMEOUT_MS + 1000;
  } catch (error) {
    await app.close().catch(() => undefined);
    return exitOnBootFailure(options.name, error);
  }
  logger.log(`${options.name} listening on port ${config.PORT}`, 'Bootstrap');
  return { app, config };
}

function loadConfigOrExit<E extends z.ZodRawShape>(options: BootstrapServiceOptions<E>): ServiceConfig {
  try {
    return loadServiceConfig({
      defaultPort: options.defaultPort,
      ...(options.configExtension === undefined ? {} : { extension: options.configExtension }),
    });
  } catch (error) {
    if (!(error instanceof ServiceConfigError)) throw error;
    // A plain message, no stack trace: the operator has a variable to fix, not a bug to read.
    process.stderr.write(`${options.name} cannot start: ${error.message}\n`);
    process.exit(1);
  }
}

function exitOnBootFailure(name: string, error: unknown): never {
  const reason = error instanceof Error ? error.message : String(error);
  process.stderr.write(`${name} failed to start: ${reason}\n`);
  process.exit(1);
}
