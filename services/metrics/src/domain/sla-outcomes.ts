import type { SlaTarget } from '@livedesk/contracts';
import { addBusinessSeconds, type BusinessCalendar } from './business-calendar.js';
import type { CycleFacts } from './cycle-facts.js';
import { durationBetween, type Duration } from './duration.js';
import type { ResolvedPolicy } from './sla-policy.js';

export type SlaStatus = 'hit' | 'missed' | 'pending';

/** The live alerts seen for a cycle's targets, keyed by `alertKey(target, exchange)`. */
export type SlaAlerts = Readonly<Record<string, { warning_at?: number; breach_at?: number }>>;

export const alertKey = (target: SlaTarget, exchange: number): string => `${target}:${exchange}`;

/** One cycle's outcome for one target (docs/metrics.md, SLA). */
export interface SlaOutcome {
  target: SlaTarget;
  /** for `next_response`, the exchange the outcome is about (counted from 1; the first is FRT's); else 0 */
  exchange: number;
  target_seconds: number;
  /** checked against business time (the policy has a calendar) */
  business: boolean;
  status: SlaStatus;
  started_at: Date;
  /** the instant the target's time runs out (business time added when the policy has a calendar) */
  due_at: Date;
  /** 80 % of the target's time: `sla_warning` */
  warn_at: Date;
  completed_at: Date | null;
  breached_at: Date | null;
  /** start to completion, or to the end of the cycle; null while open */
  elapsed: Duration | null;
  /** due time to completion or to the end of the cycle; null when hit, or missed and still open */
  breach: Duration | null;
  /** alerts sent live (from the `sla-<conversation>` stream) */
  warning_notified_at: Date | null;
  breach_notified_at: Date | null;
}

interface Clock {
  started_at: Date;
  completed_at: Date | null;
}

/**
 * The outcomes of one cycle under its policy. A target is met when it is completed by its due
 * time; it is missed when completed later, or when the cycle ended after the due time without
 * completing it, or when its breach was detected live while it was still open; otherwise it
 * is pending while the cycle runs. A target whose clock never started, or whose cycle ended
 * before its due time without completing it (the customer left in time), has no outcome.
 * `next_response` has one outcome per cycle: its first breached exchange, else the exchange
 * waiting for a reply, else the last one met.
 */
export function slaOutcomesOf(facts: CycleFacts, policy: ResolvedPolicy, alerts: SlaAlerts = {}): SlaOutcome[] {
  const { targets, calendar } = policy;
  const outcomes: SlaOutcome[] = [];
  const push = (target: SlaTarget, exchange: number, seconds: number | undefined, clock: Clock | null) => {
    if (seconds === undefined || clock === null) return;
    const outcome = evaluate(facts, target, exchange, seconds, calendar, clock, alerts[alertKey(target, exchange)]);
    if (outcome) outcomes.push(outcome);
  };
  push(
    'queue',
    0,
    targets.queue_seconds,
    facts.queued_at && { started_at: facts.queued_at, completed_at: facts.first_human_assigned_at },
  );
  const answered = facts.exchanges.find((exchange) => exchange.replied_at !== null);
  push(
    'first_response',
    0,
    targets.first_response_seconds,
    facts.clock_start_at && { started_at: facts.clock_start_at, completed_at: answered?.replied_at ?? null },
  );
  if (targets.next_response_seconds !== undefined) {
    const next = nextResponseOutcome(facts, targets.next_response_seconds, calendar, alerts);
    if (next) outcomes.push(next);
  }
  push('resolution', 0, targets.resolution_seconds, {
    started_at: facts.started_at,
    completed_at: facts.end_reason === 'resolved' ? facts.ended_at : null,
  });
  return outcomes;
}

/** Exchanges after the first, stored and still open, each with its number. */
function nextExchanges(facts: CycleFacts): { exchange: number; clock: Clock }[] {
  const all: Clock[] = facts.exchanges.map((exchange) => ({
    started_at: exchange.started_at,
    completed_at: exchange.replied_at,
  }));
  if (facts.open_exchange_at) all.push({ started_at: facts.open_exchange_at, completed_at: null });
  return all.slice(1).map((clock, i) => ({ exchange: i + 2, clock }));
}

function nextResponseOutcome(
  facts: CycleFacts,
  seconds: number,
  calendar: BusinessCalendar | null,
  alerts: SlaAlerts,
): SlaOutcome | null {
  const evaluated = nextExchanges(facts)
    .map(({ exchange, clock }) =>
      evaluate(facts, 'next_response', exchange, seconds, calendar, clock, alerts[alertKey('next_response', exchange)]),
    )
    .filter((outcome): outcome is SlaOutcome => outcome !== null);
  return (
    evaluated.find((o) => o.status === 'missed') ??
    evaluated.find((o) => o.status === 'pending') ??
    evaluated.at(-1) ??
    null
  );
}

function evaluate(
  facts: CycleFacts,
  target: SlaTarget,
  exchange: number,
  seconds: number,
  calendar: BusinessCalendar | null,
  clock: Clock,
  alert: { warning_at?: number; breach_at?: number } | undefined,
): SlaOutcome | null {
  const due = addBusinessSeconds(calendar, clock.started_at, seconds);
  const finish = clock.completed_at ?? facts.ended_at;
  let status: SlaStatus;
  let elapsed: Duration | null = null;
  let breach: Duration | null = null;
  if (finish === null) {
    status = alert?.breach_at === undefined ? 'pending' : 'missed';
  } else {
    elapsed = durationBetween(calendar, clock.started_at, finish);
    if (finish.getTime() <= due.getTime()) {
      // Completed in time, or the cycle ended before the target could be missed (no outcome then).
      if (!clock.completed_at) return null;
      status = 'hit';
    } else {
      status = 'missed';
      breach = durationBetween(calendar, due, finish);
    }
  }
  // A plain literal (no spread of a partial one): a replay evaluates millions of these.
  return {
    target,
    exchange,
    target_seconds: seconds,
    business: calendar !== null,
    status,
    started_at: clock.started_at,
    due_at: due,
    warn_at: addBusinessSeconds(calendar, clock.started_at, Math.round(seconds * 800) / 1000),
    completed_at: clock.completed_at,
    breached_at: status === 'missed' ? due : null,
    elapsed,
    breach,
    warning_notified_at: alert?.warning_at === undefined ? null : new Date(alert.warning_at),
    breach_notified_at: alert?.breach_at === undefined ? null : new Date(alert.breach_at),
  };
}

/** When the live alerts of a cycle's open targets are due: warning (80 %) and breach (100 %). */
export interface SlaTimer {
  target: SlaTarget;
  exchange: number;
  kind: 'warning' | 'breach';
  fire_at: Date;
  due_at: Date;
}

/** The alerts still to send for a cycle: those of its pending outcomes that were not sent yet. */
export function slaTimersOf(outcomes: readonly SlaOutcome[]): SlaTimer[] {
  const timers: SlaTimer[] = [];
  for (const outcome of outcomes) {
    if (outcome.status !== 'pending') continue;
    const { target, exchange, due_at } = outcome;
    if (outcome.warning_notified_at === null)
      timers.push({ target, exchange, kind: 'warning', fire_at: outcome.warn_at, due_at });
    if (outcome.breach_notified_at === null) timers.push({ target, exchange, kind: 'breach', fire_at: due_at, due_at });
  }
  return timers;
}
