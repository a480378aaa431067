export { DomainError, type DomainErrorCode } from '@livedesk/contracts';
export * from './ticket-state.js';
export * from './ticket-commands.js';
export * from './decide.js';
export * from './author-of.js';
export * from './ticket-reference.js';
export { refuse } from './refusals.js';
