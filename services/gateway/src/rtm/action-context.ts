import type { ActionContract, ActionRequest, ActionResponse, Actor } from '@livedesk/contracts';
import type { Principal } from '@livedesk/auth';
import type { RtmConnection } from './rtm-connection.js';

/** What an action handler knows about the logged-in connection that sent the request. */
export interface ActionContext {
  connection: RtmConnection;
  principal: Principal;
  actor: Actor;
  organizationId: string;
}

/**
 * One handler per action of an endpoint's contract, `login` aside (the dispatcher runs it): a
 * handler gets the payload its contract parsed and answers the contract's response, and an
 * action of the contract with no handler is a compile error.
 */
export type ActionHandlers<Contracts extends Record<string, ActionContract>> = {
  [A in Exclude<keyof Contracts, 'login'>]: (
    context: ActionContext,
    payload: ActionRequest<Contracts, A>,
  ) => Promise<ActionResponse<Contracts, A>>;
};
