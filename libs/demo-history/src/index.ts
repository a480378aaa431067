export {
  agentWorkingDays,
  conversation,
  DEFAULT_SHAPE,
  organizations,
  Random,
  setupEvents,
  validate,
  type LogShape,
  type Organization,
  type PlannedEvent,
} from './realistic-log.js';
