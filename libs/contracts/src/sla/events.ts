import { z } from 'zod';
import { Id, SafeString, Timestamp } from '../common.js';
import { Channel, Priority } from '../conversation/events.js';
import { defineEvent, type EventUnion } from '../define-event.js';

/** The four SLA targets of docs/metrics.md. */
export const SlaTarget = z.enum(['queue', 'first_response', 'next_response', 'resolution']);
export type SlaTarget = z.infer<typeof SlaTarget>;

export const Weekday = z.enum(['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun']);

/**
 * A business calendar as SLA policy events store it: weekly opening intervals (local `HH:MM`,
 * `24:00` closing at midnight) in an IANA zone, and holidays (local `YYYY-MM-DD`). The metrics
 * service checks the zone and the intervals before it stores one.
 */
export const BusinessCalendarData = z.object({
  time_zone: SafeString.min(1).max(64),
  weekly: z
    .array(z.object({ day: Weekday, from: SafeString, to: SafeString }))
    .min(1)
    .max(100),
  holidays: z.array(z.iso.date()).max(1000).default([]),
});

/** What a policy sets: any of the targets (seconds), checked in business time when it has a calendar. */
export const SlaTargets = z.object({
  queue_seconds: z.number().int().positive().max(31_536_000).optional(),
  first_response_seconds: z.number().int().positive().max(31_536_000).optional(),
  next_response_seconds: z.number().int().positive().max(31_536_000).optional(),
  resolution_seconds: z.number().int().positive().max(31_536_000).optional(),
});

/**
 * An SLA policy: the conversations it applies to (every listed condition must hold; an absent
 * or empty list matches anything), the targets, and the calendar (null: 24/7). Policies are
 * tried by `position`, lowest first; the first that matches applies.
 */
export const SlaPolicyData = z.object({
  name: SafeString.min(1).max(255),
  position: z.number().int().min(0).max(1_000_000),
  match: z.object({
    group_ids: z.array(Id).max(1000).optional(),
    channels: z.array(Channel).optional(),
    priorities: z.array(Priority).optional(),
  }),
  targets: SlaTargets,
  calendar: BusinessCalendarData.nullable(),
});
export type SlaPolicyData = z.infer<typeof SlaPolicyData>;

/** An alert about one target of one conversation cycle (`next_response`: of one exchange, counted from 1). */
const SlaAlert = z.object({
  conversation_id: Id,
  cycle: z.number().int().positive(),
  target: SlaTarget,
  exchange: z.number().int().nonnegative(),
  due_at: Timestamp,
  policy_id: Id,
  group_id: Id.nullable(),
  /** The human agent assigned when the alert fired, if any. */
  agent_id: Id.nullable(),
  /** The conversation's stream version the alert was decided on. */
  conversation_version: z.number().int().positive(),
});

export const slaEvents = {
  /** Stream `slapolicy-<organization_id>:<policy_id>`: a policy created or changed, for cycles starting from `effective_from`. */
  SlaPolicySet: defineEvent(
    'SlaPolicySet',
    z.object({ policy_id: Id, effective_from: Timestamp, policy: SlaPolicyData }),
  ),
  /** Stream `slapolicy-<organization_id>:<policy_id>`: the policy no longer applies to cycles starting from `effective_from`. */
  SlaPolicyRemoved: defineEvent('SlaPolicyRemoved', z.object({ policy_id: Id, effective_from: Timestamp })),
  /** Stream `sla-<conversation_id>`: 80 % of a target's time has passed and it is not met. */
  SlaWarningIssued: defineEvent('SlaWarningIssued', SlaAlert),
  /** Stream `sla-<conversation_id>`: the target's due time passed and it is not met. */
  SlaBreached: defineEvent('SlaBreached', SlaAlert),
} as const;

export type SlaEvent = EventUnion<typeof slaEvents>;
