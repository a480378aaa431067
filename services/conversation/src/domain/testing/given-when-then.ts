import { deciderSpec } from '@livedesk/testing/decider';
import { conversationEvents } from '@livedesk/contracts';
import { evolve, initialState } from '../conversation-state.js';
import { decide } from '../decide.js';

/** The conversation decider's given-when-then (`@livedesk/testing/decider`). */
export const { t0, stored, stateOf, expectValidEvents, given } = deciderSpec({
  decide,
  evolve,
  initialState,
  events: conversationEvents,
});
