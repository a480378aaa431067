export { RoutingState, type RoutingStateOptions } from './routing-state.js';
export type * from './routing-state-types.js';
export { estimateWaitSeconds, MIN_DRAINED_FOR_RATE, type WaitEstimateInputs } from './estimate-wait.js';
export { organizationBaseKey } from './routing-keys.js';
