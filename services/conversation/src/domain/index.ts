export { DomainError, type DomainErrorCode } from '@livedesk/contracts';
export * from './conversation-state.js';
export * from './conversation-commands.js';
export * from './decide.js';
export * from './read-rules.js';
export * from './chat-summary.js';
export { refuse } from './refusals.js';
