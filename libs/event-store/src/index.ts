export { createDatabase, pgPoolOf, type EventStoreTables } from './database.js';
export { migrateEventStore } from './migrate.js';
export { migrateSchema, type SchemaMigrations } from './migrate-schema.js';
export { EventStore } from './event-store.js';
export { append, type AppendAlso, type AppendAlsoMany } from './append.js';
export { GroupCommit, type GroupCommitOptions } from './group-commit.js';
export {
  CommandHandler,
  type CommandHandlerOptions,
  type CommandResult,
  type DecidedChange,
  type StreamSnapshots,
} from './command-handler.js';
export {
  emptyStream,
  foldStream,
  toStoredEvent,
  DEFAULT_RETRY,
  type CommandContext,
  type DecidedEvent,
  type Decider,
  type EventCodec,
  type LoadedStream,
  type RetryPolicy,
  type StoredEvent,
} from './decider.js';
export { readStream, readStreamBackward, readStreams, streamVersion } from './read-stream.js';
export { EMPTY_METADATA, readAll, type ReadAllOptions, type ReadAllResult } from './read-all.js';
export { AppendNotifier, EVENTS_APPENDED_CHANNEL } from './append-notifier.js';
export { OutboxRelay, type OutboxRelayOptions } from './outbox-relay.js';
export { ensureEventStream, type EventStreamConfig } from './event-stream.js';
export { applyEvent, type ApplyOutcome, type EventHandler } from './apply-event.js';
export { EventSubscription, type EventSubscriptionOptions } from './event-subscription.js';
export { loadCheckpoint, saveCheckpoint } from './checkpoints.js';
export {
  resetConsumerPositions,
  storeConsumerPositions,
  readConsumerPositions,
  countStreamsBehind,
  consumerHasCaughtUp,
} from './consumer-positions.js';
export { countEvents } from './count-events.js';
export { toEnvelope, fromEnvelope } from './envelope.js';
export { StreamVersionConflictError, StreamOwnershipError, EventIdReuseError } from './errors.js';
export * from './types.js';
export { applyEventBatch, type BatchEventHandler } from './apply-event-batch.js';
export { BatchSubscription, type BatchSubscriptionOptions } from './batch-subscription.js';
export { tryLeaderSession } from './leader-session.js';
export { EVENT_DATA_MAX_BYTES, EventTooLargeError } from './errors.js';
export {
  parkEvent,
  listDeadLetters,
  getDeadLetter,
  moveDeadLetter,
  replayRequestsOf,
  replayFailed,
  countOpenDeadLetters,
  skippedEventIds,
  OUTBOX_RELAY_READER,
  type DeadLetter,
  type ParkReason,
  type ListDeadLettersOptions,
} from './dead-letters.js';
export { DeadLetterReplayer, type DeadLetterReplayerOptions } from './dead-letter-replayer.js';
export { BY_REFERENCE_KEY, isByReference, byReferenceEnvelope, type ByReference } from './by-reference.js';
export { readEvent } from './read-event.js';
export { HandlerFailures, DEFAULT_PARK_AFTER_ATTEMPTS } from './handler-failures.js';
export type { DeadLetterStatus } from './database.js';
export { isDependencyUnavailable } from './dependency-unavailable.js';
export { KeyedSerializer } from './keyed-serializer.js';
export { outboxBacklog, OUTBOX_BACKLOG_COUNT_LIMIT, type OutboxBacklog } from './outbox-backlog.js';
