import { streamCategory } from './streams.js';

/**
 * NATS subjects. Every subject starts with a deployment prefix (`livedesk` in production, a
 * unique one per test run), so that runs sharing a NATS server never see each other.
 *
 *  - `<prefix>.events.<category>.<stream id>`  durable events, published by the outbox relay
 *  - `<prefix>.cmd.<service>.<command>`        request/reply commands to the owning service
 *  - `<prefix>.signal.<kind>.<organization>`   ephemeral signals (typing, presence), core NATS only
 */
export function eventSubject(prefix: string, streamIdValue: string): string {
  return `${prefix}.events.${streamCategory(streamIdValue)}.${subjectToken(streamIdValue)}`;
}

export function eventSubjectWildcard(prefix: string, category?: string): string {
  return category ? `${prefix}.events.${category}.>` : `${prefix}.events.>`;
}

export function commandSubject(prefix: string, service: string, command: string): string {
  return `${prefix}.cmd.${service}.${command}`;
}

export function signalSubject(prefix: string, kind: string, organizationId: string): string {
  return `${prefix}.signal.${kind}.${subjectToken(organizationId)}`;
}

/** A subject token may not contain `.`, `*`, `>` or whitespace. */
function subjectToken(value: string): string {
  return value.replace(/[.*>\s]/g, '_');
}

/** Every organization's signals of one kind (a gateway replica subscribes to all of them). */
export function signalSubjectWildcard(prefix: string, kind: string): string {
  return `${prefix}.signal.${kind}.*`;
}
