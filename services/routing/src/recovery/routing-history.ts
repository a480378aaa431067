import { allEvents, type AgentEvent } from '@livedesk/contracts';
import type { EventStore } from '@livedesk/event-store';
import { sql } from 'kysely';
import type { StoredAgentEvent } from './fold-agent.js';
import {
  FOLDED_CONVERSATION_EVENTS,
  type FoldedConversationEvent,
  type StoredConversationEvent,
} from './fold-conversation.js';

const CYCLE_STARTS = ['ConversationStarted', 'ConversationReopened'];
const CYCLE_ENDS = ['ConversationResolved', 'ConversationClosed', 'ConversationMissed'];

interface EventRow {
  stream_id: string;
  stream_version: string;
  global_position: string;
  type: string;
  schema_version: number;
  data: unknown;
  occurred_at_ms: number;
}

/**
 * What a rebuild reads of an organization in the Postgres event store, the source of truth:
 * its conversation streams whose last cycle is still open, its agent streams, and their events.
 * The live chats are found without reading every chat's events: for each conversation stream
 * of the organization, the stream index is walked backwards to its last cycle start or end.
 */
export class RoutingHistory {
  constructor(private readonly store: EventStore) {}

  /** Ids of the organization's conversation streams whose last cycle has not ended. */
  async liveConversationStreams(organizationId: string): Promise<string[]> {
    const { rows } = await sql<{ stream_id: string }>`
      SELECT s.stream_id
        FROM event_store.streams s
       CROSS JOIN LATERAL (
              SELECT e.type FROM event_store.events e
               WHERE e.stream_id = s.stream_id AND e.type = ANY(${[...CYCLE_STARTS, ...CYCLE_ENDS]}::text[])
               ORDER BY e.stream_version DESC
               LIMIT 1) last
       WHERE s.organization_id = ${organizationId}
         AND s.stream_id LIKE 'conversation-%'
         AND last.type = ANY(${CYCLE_STARTS}::text[])
       ORDER BY s.stream_id`.execute(this.store.db);
    return rows.map((row) => row.stream_id);
  }

  /**
   * The organization's conversation streams written to in the last `days`, with their versions:
   * the positions the live state held (a position is kept a month after a chat's last event).
   */
  async recentConversationVersions(
    organizationId: string,
    days: number,
  ): Promise<{ streamId: string; version: number }[]> {
    const { rows } = await sql<{ stream_id: string; version: string }>`
      SELECT stream_id, version FROM event_store.streams
       WHERE organization_id = ${organizationId}
         AND stream_id LIKE 'conversation-%'
         AND updated_at > now() - make_interval(days => ${days})
       ORDER BY stream_id`.execute(this.store.db);
    return rows.map((row) => ({ streamId: row.stream_id, version: Number(row.version) }));
  }

  async agentStreams(organizationId: string): Promise<string[]> {
    const { rows } = await sql<{ stream_id: string }>`
      SELECT stream_id FROM event_store.streams
       WHERE organization_id = ${organizationId} AND stream_id LIKE 'agent-%'
       ORDER BY stream_id`.execute(this.store.db);
    return rows.map((row) => row.stream_id);
  }

  /**
   * The routing events of these conversation streams (up to `upToVersion`, when given), per
   * stream in version order, with each stream's version: a stream's last event need not be
   * one routing reads, yet the subscription's position must pass it.
   */
  async conversationEvents(
    streamIds: readonly string[],
    upToVersion = Number.MAX_SAFE_INTEGER,
  ): Promise<Map<string, { version: number; events: StoredConversationEvent[] }>> {
    const streams = new Map<string, { version: number; events: StoredConversationEvent[] }>();
    if (streamIds.length === 0) return streams;
    const { rows: versions } = await sql<{ stream_id: string; version: string }>`
      SELECT stream_id, LEAST(version, ${upToVersion}) AS version FROM event_store.streams
       WHERE stream_id = ANY(${streamIds}::text[])`.execute(this.store.db);
    for (const row of versions) streams.set(row.stream_id, { version: Number(row.version), events: [] });
    const { rows } = await sql<EventRow>`
      SELECT stream_id, stream_version, global_position, type, schema_version,
             CASE WHEN type = 'MessagePosted' THEN data - 'text' - 'attachments' ELSE data END AS data,
             (extract(epoch FROM occurred_at) * 1000)::float8 AS occurred_at_ms
        FROM event_store.events
       WHERE stream_id = ANY(${streamIds}::text[])
         AND stream_version <= ${upToVersion}
         AND type = ANY(${[...FOLDED_CONVERSATION_EVENTS]}::text[])
       ORDER BY stream_id, stream_version`.execute(this.store.db);
    for (const row of rows) {
      const stream = streams.get(row.stream_id);
      // Appended after the versions were read: left to the subscription, which applies it next.
      if (!stream || Number(row.stream_version) > stream.version) continue;
      stream.events.push({
        // Stored events were validated when written; upcasting only reshapes older versions.
        event: {
          type: row.type,
          data: allEvents.upcast(row.type, row.schema_version, row.data),
        } as FoldedConversationEvent,
        streamVersion: Number(row.stream_version),
        globalPosition: Number(row.global_position),
        occurredAtMs: Math.round(row.occurred_at_ms),
      });
    }
    return streams;
  }

  /** The agent events of these streams, per stream in version order. */
  async agentEvents(streamIds: readonly string[]): Promise<Map<string, StoredAgentEvent[]>> {
    const streams = new Map<string, StoredAgentEvent[]>(streamIds.map((id) => [id, []]));
    if (streamIds.length === 0) return streams;
    const { rows } = await sql<EventRow>`
      SELECT stream_id, stream_version, global_position, type, schema_version, data,
             (extract(epoch FROM occurred_at) * 1000)::float8 AS occurred_at_ms
        FROM event_store.events
       WHERE stream_id = ANY(${streamIds}::text[]) AND type = 'AgentStatusChanged'
       ORDER BY stream_id, stream_version`.execute(this.store.db);
    for (const row of rows) {
      streams.get(row.stream_id)?.push({
        event: { type: row.type, data: allEvents.upcast(row.type, row.schema_version, row.data) } as AgentEvent,
        occurredAtMs: Math.round(row.occurred_at_ms),
      });
    }
    return streams;
  }

  /** How long ago the event at `version` of the stream was stored, or null when it is not there. */
  async storedAgoMs(streamId: string, version: number): Promise<number | null> {
    const { rows } = await sql<{ ago_ms: number }>`
      SELECT (extract(epoch FROM now() - recorded_at) * 1000)::float8 AS ago_ms
        FROM event_store.events WHERE stream_id = ${streamId} AND stream_version = ${version}`.execute(this.store.db);
    return rows[0] ? rows[0].ago_ms : null;
  }
}
