import { Inject, Injectable, Optional } from '@nestjs/common';
import type { Kysely } from 'kysely';
import {
  allEvents,
  streamEntityId,
  toChatEventView,
  type ChatEventView,
  type ConversationCommand as WireCommand,
  type ConversationCommandName,
  type ConversationEvent,
} from '@livedesk/contracts';
import {
  CommandHandler,
  EventStore,
  KeyedSerializer,
  type EventStoreTables,
  type RecordedEvent,
} from '@livedesk/event-store';
import { CommandError } from '@livedesk/messaging';
import { CLOCK, DATABASE, EVENT_STORE, SERVICE_CONFIG, type Clock } from '@livedesk/service-kit';
import type { ConversationSettings } from '../conversation-config.js';
import {
  authorOf,
  DomainError,
  messageByClientId,
  toChatSummary,
  type ConversationCommand,
  type ConversationState,
} from '../domain/index.js';
import { chatSummaryUpsert } from '../read-model/chats-table.js';
import { batchedStreamReads } from './batched-stream-reads.js';
import { CONVERSATION_ID_NAMESPACE } from './command-ids.js';
import { ConversationCache } from './conversation-cache.js';
import { conversationDecider, conversationStreamId } from './conversation-stream.js';
import { toDomainCommand } from './to-domain-command.js';

export interface CommandOutcome {
  chatId: string;
  /** The stream version after the command (the version of its last event, or the current one for a repeat). */
  version: number;
  /** The events this command stored (now or, for a repeat, before). */
  events: RecordedLike[];
  /** The chat's state after the command (for a repeat, as it is now). */
  state: ConversationState;
  duplicate: boolean;
}

type RecordedLike = Pick<RecordedEvent, 'eventId' | 'type' | 'data' | 'streamVersion' | 'occurredAt'>;

// Concurrent commands on one conversation are serialized by the expected version; a loser
// reloads and decides again. Within a replica they queue (KeyedSerializer), so only replicas
// race each other. A replica with a backlog for one chat can win several rounds in a row
// (its cached state needs no read), so the loser retries for a time budget rather than a
// fixed number of rounds: it wins at the latest when the other's backlog ends. The budget
// stays below the gateway's command timeout (5 s), so the client gets this answer, not a timeout.
const RETRY_BUDGET_MS = 3000;

/**
 * Runs a command through the event store's `CommandHandler`: load (or take the cached state),
 * decide, append with the expected version (with the chat's row in the read model, in the same
 * statement, when its state changes), retry on a version conflict. Appends of different chats
 * that arrive while one is being written (messages, most of the traffic) are group-committed:
 * one statement for all of them (`CONVERSATION_GROUP_COMMIT_MAX`).
 */
@Injectable()
export class ConversationCommands {
  /** The last states this replica saw, by stream id. */
  private readonly cache = new ConversationCache();
  private readonly serializer = new KeyedSerializer();
  /** Streams read for commands that missed the cache, many in one statement. */
  private readonly streamReads: ReturnType<typeof batchedStreamReads>;
  private readonly handler: CommandHandler<EventStoreTables, ConversationCommand, ConversationEvent, ConversationState>;

  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(DATABASE) db: Kysely<EventStoreTables>,
    @Inject(CLOCK) private readonly clock: Clock,
    // Without (tests that build the service by hand): group commit with its defaults.
    @Optional() @Inject(SERVICE_CONFIG) config?: Partial<ConversationSettings>,
  ) {
    const groupCommitMax = config?.CONVERSATION_GROUP_COMMIT_MAX ?? 100;
    this.streamReads = batchedStreamReads(store);
    this.handler = new CommandHandler({
      db,
      relay: store,
      decider: conversationDecider,
      codec: allEvents,
      idNamespace: CONVERSATION_ID_NAMESPACE,
      clock,
      snapshots: this.cache,
      // A chat's id is new when it starts: the start is appended without reading its stream.
      createsStream: (command) => command.type === 'start',
      // The chats a burst's commands find outside the cache (assignments of chats queued longer
      // than the cache remembers): read together, one statement for all that miss at once.
      readStream: (streamId) => this.streamReads.load({ streamId, afterVersion: 0 }),
      retry: { budgetMs: RETRY_BUDGET_MS, pauseMs: () => Math.random() * 3 },
      // Commands of different chats arriving together: one statement, one commit, one WAL flush.
      ...(groupCommitMax > 1 ? { groupCommit: { maxBatch: groupCommitMax } } : {}),
      // Another organization's chat answers exactly like a chat that does not exist.
      notFound: (streamId) =>
        new DomainError('not_found', 'chat_not_found', `chat ${streamEntityId(streamId)} does not exist`),
      expired: () =>
        new CommandError('unavailable', 'the command waited longer than its caller and was not applied', 'expired'),
      // A retried command can be refused now for what it did itself (a second start, say).
      isRepeatRefusal: (error) => error instanceof DomainError,
      // Events that change what chat lists show write the list's row in the same statement.
      alsoWrite: (change, context) =>
        changesSummary(change.decided)
          ? chatSummaryUpsert(context.organizationId, toChatSummary(change.after))
          : undefined,
    });
  }

  execute<N extends ConversationCommandName>(name: N, wire: WireCommand<N>): Promise<CommandOutcome> {
    return this.serializer.run(wire.chat_id, () => this.executeNow(name, wire));
  }

  private async executeNow<N extends ConversationCommandName>(name: N, wire: WireCommand<N>): Promise<CommandOutcome> {
    const chatId = wire.chat_id;
    const result = await this.handler.handle(
      conversationStreamId(chatId),
      toDomainCommand(name, wire, this.clock.now()),
      {
        organizationId: wire.organization_id,
        commandId: wire.command_id,
        metadata: { actor: wire.actor, ...(wire.origin === undefined ? {} : { origin: wire.origin }) },
        ...(wire.expires_at === undefined ? {} : { expiresAt: wire.expires_at }),
      },
    );
    switch (result.status) {
      case 'appended':
        return {
          chatId,
          version: result.version,
          events: result.events.map((event) => ({ ...event, streamVersion: event.version })),
          duplicate: false,
          state: result.state,
        };
      case 'unchanged':
        return { chatId, version: result.version, events: [], duplicate: true, state: result.state };
      case 'repeat':
        return { chatId, version: result.version, events: result.events, duplicate: true, state: result.state };
    }
  }

  /**
   * The stored message (or internal note) a `post_message` answers with: the one it posted, or
   * the one its client id already posted.
   */
  async messageOf(outcome: CommandOutcome, wire: WireCommand<'post_message'>): Promise<ChatEventView> {
    const audience = wire.actor.kind === 'customer' ? 'customer' : 'agent';
    let message = outcome.events.find((event) => event.type === 'MessagePosted' || event.type === 'InternalNotePosted');
    if (!message && wire.message.client_id) {
      // A repeated client id: the state the command was decided on (cached) knows the message's
      // version, so only that one event is read.
      const loaded = await this.handler.load(conversationStreamId(wire.chat_id));
      const known = messageByClientId(loaded.state, authorOf(wire.actor), wire.message.client_id);
      if (known) {
        const [event] = await this.store.readStream(conversationStreamId(wire.chat_id), {
          afterVersion: known.version - 1,
          limit: 1,
        });
        message = event;
      }
    }
    if (!message) throw new Error(`post_message ${wire.command_id} stored no message`);
    return toChatEventView({ chatId: wire.chat_id, version: message.streamVersion, ...message }, audience)!;
  }
}

/**
 * Events that change what the chat lists show (status, assignee, group, tags). Messages, read
 * receipts and ratings do not, so they leave the list's row alone: they are most of the
 * traffic, and the row keeps the version and time of the last change of state.
 */
const SUMMARY_EVENTS = new Set([
  'ConversationStarted',
  'ConversationQueued',
  'AgentAssigned',
  'ConversationTransferred',
  'ConversationResolved',
  'ConversationClosed',
  'ConversationReopened',
  'ConversationMissed',
  'TagAdded',
  'TagRemoved',
]);

function changesSummary(events: readonly { type: string }[]): boolean {
  return events.some((event) => SUMMARY_EVENTS.has(event.type));
}
