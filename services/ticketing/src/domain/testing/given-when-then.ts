import { deciderSpec } from '@livedesk/testing/decider';
import { ticketEvents } from '@livedesk/contracts';
import { decide } from '../decide.js';
import { evolve, initialState } from '../ticket-state.js';

/** The ticket decider's given-when-then (`@livedesk/testing/decider`). */
export const { t0, stored, stateOf, expectValidEvents, given } = deciderSpec({
  decide,
  evolve,
  initialState,
  events: ticketEvents,
});
