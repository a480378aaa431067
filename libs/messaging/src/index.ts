export { prefixSubject } from './subject-prefix.js';
export { NATS_CONNECTION, NATS_MODULE_OPTIONS } from './connection/nats-connection.token.js';
export type { NatsModuleOptions } from './connection/nats-module-options.js';
export { NatsModule } from './connection/nats-module.js';
export { NatsConnectionDrainer } from './connection/nats-connection-drainer.js';
export { openNatsConnection, RECONNECT_FOREVER } from './connection/open-nats-connection.js';
export { natsServerOptions, type NatsServerOptions } from './connection/nats-servers.js';
export { isNatsConnected } from './connection/nats-connection-status.js';
export { CommandClient, type CommandClientOptions } from './commands/command-client.js';
export { CommandServer, type CommandServerOptions } from './commands/command-server.js';
export {
  CommandError,
  CommandFailedError,
  CommandTimeoutError,
  DependencyUnavailableError,
  NatsUnavailableError,
  NoRespondersError,
  RETRY_UNAVAILABLE_AFTER_MS,
  type CommandErrorBody,
} from './commands/command-errors.js';
export { sendCommand, type SendCommandOptions } from './commands/send-command.js';
export { commandFailureOf } from './commands/command-failure.js';
export { ensureStream, type EnsureStreamOptions } from './jetstream/ensure-stream.js';
export { ensureDurableConsumer, type EnsureDurableConsumerOptions } from './jetstream/ensure-durable-consumer.js';
export { ConnectionWatch, NatsConnectionLostError } from './connection/connection-watch.js';
export { untilJetStreamAnswers, type UntilJetStreamAnswersOptions } from './jetstream/until-jetstream-answers.js';
export { OrderedFollower, type OrderedFollowerOptions } from './jetstream/ordered-follower.js';
export { followSignals, type SignalSchema } from './signals/follow-signals.js';
export {
  REQUEST_ID_HEADER,
  acceptableRequestId,
  currentRequestId,
  requestLogFields,
  runRequest,
  withRequestId,
  outgoingHeaders,
  incomingContext,
  type RunRequestOptions,
} from './context/request-context.js';
