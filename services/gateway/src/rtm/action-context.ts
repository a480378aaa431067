import type { Actor } from '@livedesk/contracts';
import type { Principal } from '@livedesk/auth';
import type { RtmConnection } from './rtm-connection.js';

/** What an action handler knows about the logged-in connection that sent the request. */
export interface ActionContext {
  connection: RtmConnection;
  principal: Principal;
  actor: Actor;
  organizationId: string;
}

/** One action of an endpoint: its payload is already parsed with the action's contract. */
export type ActionHandler = (context: ActionContext, payload: never) => Promise<unknown>;
