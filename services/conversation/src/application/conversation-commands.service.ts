import { Inject, Injectable } from '@nestjs/common';
import type { Kysely } from 'kysely';
import {
  allEvents,
  toChatEventView,
  type ChatEventView,
  type ConversationCommand as WireCommand,
  type ConversationCommandName,
} from '@livedesk/contracts';
import {
  appendToStream,
  EventStore,
  KeyedSerializer,
  StreamOwnershipError,
  StreamVersionConflictError,
  type EventStoreTables,
  type NewEvent,
  type RecordedEvent,
} from '@livedesk/event-store';
import { CommandError } from '@livedesk/messaging';
import { CLOCK, DATABASE, EVENT_STORE, type Clock } from '@livedesk/service-kit';
import {
  authorOf,
  decide,
  DomainError,
  evolve,
  messageByClientId,
  toChatSummary,
  type StoredConversationEvent,
} from '../domain/index.js';
import { chatSummaryUpsert } from '../read-model/chats-table.js';
import { eventIdFor } from './command-ids.js';
import { ConversationCache } from './conversation-cache.js';
import { conversationStreamId, emptyConversation, foldConversation, type LoadedConversation } from './conversation-stream.js';
import { toDomainCommand } from './to-domain-command.js';

export interface CommandOutcome {
  chatId: string;
  /** The stream version after the command (the version of its last event, or the current one for a repeat). */
  version: number;
  /** The events this command stored (now or, for a repeat, before). */
  events: RecordedLike[];
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
 * Runs a command: load (or take the cached state), decide, append with the expected version
 * (with the chat's row in the read model, in the same statement, when its state changes),
 * retry on a version conflict.
 */
@Injectable()
export class ConversationCommands {
  private readonly cache = new ConversationCache();
  private readonly serializer = new KeyedSerializer();

  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(DATABASE) private readonly db: Kysely<EventStoreTables>,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  execute<N extends ConversationCommandName>(name: N, wire: WireCommand<N>): Promise<CommandOutcome> {
    return this.serializer.run(wire.chat_id, () => this.executeNow(name, wire));
  }

  private async executeNow<N extends ConversationCommandName>(name: N, wire: WireCommand<N>): Promise<CommandOutcome> {
    const command = toDomainCommand(name, wire);
    const chatId = wire.chat_id;
    const streamId = conversationStreamId(chatId);
    const deadline = Date.now() + RETRY_BUDGET_MS;
    for (;;) {
      if (wire.expires_at !== undefined && Date.now() > wire.expires_at) {
        throw new CommandError('unavailable', 'the command waited longer than its caller and was not applied', 'expired');
      }
      const loaded = this.cache.get(chatId) ?? (await this.load(streamId));
      if (loaded.organizationId !== undefined && loaded.organizationId !== wire.organization_id) {
        // Another organization's chat answers exactly like a chat that does not exist.
        throw new DomainError('not_found', 'chat_not_found', `chat ${chatId} does not exist`);
      }
      let decided;
      try {
        decided = decide(command, loaded.state);
      } catch (error) {
        if (error instanceof DomainError) {
          const repeat = await this.findRepeat(streamId, wire.command_id);
          if (repeat) return { chatId, version: repeat.at(-1)!.streamVersion, events: repeat, duplicate: true };
        }
        throw error;
      }
      if (decided.length === 0) return { chatId, version: loaded.state.version, events: [], duplicate: true };

      const occurredAt = this.clock.now();
      const newEvents: NewEvent[] = decided.map((event, index) => ({
        eventId: eventIdFor(wire.command_id, index),
        ...allEvents.encode(event.type, event.data),
        metadata: {
          correlationId: wire.command_id,
          causationId: wire.command_id,
          actor: wire.actor,
          ...(wire.origin === undefined ? {} : { origin: wire.origin }),
        },
        occurredAt,
      }));
      let after = loaded.state;
      const stored: StoredConversationEvent[] = newEvents.map((event, index) => ({
        type: event.type,
        data: event.data,
        eventId: event.eventId,
        version: loaded.state.version + index + 1,
        occurredAt,
      }) as StoredConversationEvent);
      for (const event of stored) after = evolve(after, event);

      try {
        const expected = loaded.state.version === 0 ? 'no_stream' : loaded.state.version;
        // Events that change what chat lists show write the list's row in the same statement.
        const also = changesSummary(decided) ? chatSummaryUpsert(wire.organization_id, toChatSummary(after)) : undefined;
        const result = await appendToStream(this.db, streamId, wire.organization_id, newEvents, expected, also);
        if (result.duplicate) {
          this.cache.forget(chatId);
          const repeat = (await this.findRepeat(streamId, wire.command_id)) ?? [];
          return { chatId, version: result.nextExpectedVersion, events: repeat, duplicate: true };
        }
        this.store.notifyAppended();
        this.cache.set(chatId, { organizationId: wire.organization_id, state: after });
        return {
          chatId,
          version: result.nextExpectedVersion,
          events: stored.map((event) => ({ ...event, streamVersion: event.version })),
          duplicate: false,
        };
      } catch (error) {
        this.cache.forget(chatId);
        if (error instanceof StreamVersionConflictError && Date.now() < deadline) {
          // A random pause of a few milliseconds breaks the lockstep of two replicas.
          await pause(Math.random() * 3);
          continue;
        }
        if (error instanceof StreamOwnershipError) {
          throw new DomainError('not_found', 'chat_not_found', `chat ${chatId} does not exist`);
        }
        throw error;
      }
    }
  }

  /** The stored message a `post_message` answers with: the one it posted, or the one its client id already posted. */
  async messageOf(outcome: CommandOutcome, wire: WireCommand<'post_message'>): Promise<ChatEventView> {
    const audience = wire.actor.kind === 'customer' ? 'customer' : 'agent';
    let message = outcome.events.find((event) => event.type === 'MessagePosted');
    if (!message && wire.message.client_id) {
      // A repeated client id: the state the command was decided on (cached) knows the message's
      // version, so only that one event is read.
      const loaded = this.cache.get(wire.chat_id) ?? (await this.load(conversationStreamId(wire.chat_id)));
      const known = messageByClientId(loaded.state, authorOf(wire.actor), wire.message.client_id);
      if (known) {
        const [event] = await this.store.readStream(conversationStreamId(wire.chat_id), { afterVersion: known.version - 1, limit: 1 });
        message = event;
      }
    }
    if (!message) throw new Error(`post_message ${wire.command_id} stored no message`);
    return toChatEventView({ chatId: wire.chat_id, version: message.streamVersion, ...message }, audience)!;
  }

  private async load(streamId: string): Promise<LoadedConversation> {
    const events = await this.store.readStream(streamId);
    return events.length === 0 ? emptyConversation() : foldConversation(events);
  }

  /** The events a command stored before, when this is a retry of it. */
  private async findRepeat(streamId: string, commandId: string): Promise<RecordedEvent[] | undefined> {
    const firstId = eventIdFor(commandId, 0);
    const events = await this.store.readStream(streamId);
    const first = events.findIndex((event) => event.eventId === firstId);
    if (first < 0) return undefined;
    const correlated = events.slice(first).filter((event) => event.metadata.correlationId === commandId);
    return correlated;
  }
}

/**
 * Events that change what the chat lists show (status, assignee, group). Messages, read
 * receipts, ratings and tags do not, so they leave the list's row alone: they are most of the
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
]);

function changesSummary(events: readonly { type: string }[]): boolean {
  return events.some((event) => SUMMARY_EVENTS.has(event.type));
}

function pause(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
