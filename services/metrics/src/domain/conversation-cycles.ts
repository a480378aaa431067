import type { BusinessCalendar } from './business-calendar.js';
import { evolveCycle, initialCycleFacts, type ConversationFact, type CycleFacts } from './cycle-facts.js';
import { figuresOf, type Cycle } from './cycle-figures.js';

/**
 * Folds a conversation's events, in stream order, into its cycles' facts: the first cycle
 * starts at `ConversationStarted`, each `ConversationReopened` starts the next (in the group and
 * at the priority the chat had); events before the first cycle are ignored. Pure: answers new
 * values, never changes `cycles` (and answers `cycles` itself when the event changes nothing).
 */
export function foldCycles(cycles: readonly CycleFacts[], event: ConversationFact): CycleFacts[] {
  const current = cycles.at(-1);
  if (event.type === 'ConversationStarted') {
    return current ? (cycles as CycleFacts[]) : [initialCycleFacts(1, event.occurredAt, event.data.group_id, 'normal')];
  }
  if (!current) return cycles as CycleFacts[];
  if (event.type === 'ConversationReopened') {
    return [...cycles, initialCycleFacts(current.cycle + 1, event.occurredAt, current.group_id, current.priority)];
  }
  const next = evolveCycle(current, event);
  // Nothing changed (a read receipt, a tag): the same array, so callers can tell.
  return next === current ? (cycles as CycleFacts[]) : cycles.with(-1, next);
}

/**
 * One conversation's cycles with their figures (docs/metrics.md, "Conversation figures").
 * `calendar` is the business calendar of the SLA policy, null = 24/7.
 */
export function cyclesOf(events: readonly ConversationFact[], calendar: BusinessCalendar | null = null): Cycle[] {
  const ordered = [...events].sort((a, b) => a.version - b.version);
  return ordered.reduce<CycleFacts[]>(foldCycles, []).map((facts) => figuresOf(facts, calendar));
}
