import 'reflect-metadata';
import { bootstrapService } from '@livedesk/service-kit';
import { GatewayModule } from './app.module.js';
import { gatewayConfigShape } from './gateway-config.js';
import { rtmConfigShape } from './rtm/rtm-config.js';

await bootstrapService({
  name: 'gateway',
  module: GatewayModule,
  defaultPort: 8080,
  configExtension: { ...gatewayConfigShape(), ...rtmConfigShape },
  // The gateway answers no command; it sends them, and reads the directory from the identity service.
  commands: false,
  // The identity service's URLs are streamed on to it untouched (IdentityProxy); nothing here reads a body.
  bodyParser: false,
  // Nothing of the gateway's lives in Postgres: no pool, and readiness does not depend on it.
  database: false,
  // When a gateway goes away, thousands of sockets come back to another at once: with Node's 511
  // the kernel dropped most of 5,000 connections, which came back only after 1, 3, 7 s…
  // (bench/RESULTS.md, reconnect-storm). The kernel caps it at net.core.somaxconn.
  listenBacklog: 8192,
  // A busy event loop accepts one connection per listening socket each time round: with one, a
  // gateway kept busy by its sockets left new ones (and health checks) in the kernel's queue for
  // seconds to minutes (listen-with-acceptors.ts; bench/RESULTS.md, accept-under-load).
  acceptors: 128,
});
