import type { BusinessCalendar } from './business-calendar.js';
import { evolveCycle, initialCycleFacts, type ConversationFact, type CycleFacts } from './cycle-facts.js';
import { figuresOf, type Cycle } from './cycle-figures.js';

/**
 * One conversation's cycles with their figures (metrics.md, "Conversation figures"). The first
 * cycle starts at `ConversationStarted`, each `ConversationReopened` starts the next; events before
 * the first cycle are ignored. `calendar` is the business calendar of the SLA policy, null = 24/7.
 */
export function cyclesOf(events: readonly ConversationFact[], calendar: BusinessCalendar | null = null): Cycle[] {
  const ordered = [...events].sort((a, b) => a.version - b.version);
  const cycles: CycleFacts[] = [];
  for (const event of ordered) {
    const current = cycles[cycles.length - 1];
    if (event.type === 'ConversationStarted' ? !current : event.type === 'ConversationReopened') {
      cycles.push(initialCycleFacts(cycles.length + 1, event.occurredAt));
    } else if (current) {
      cycles[cycles.length - 1] = evolveCycle(current, event);
    }
  }
  return cycles.map((facts) => figuresOf(facts, calendar));
}
