import type { ActionContract } from '@livedesk/contracts';
import type { ActionContext, ActionHandlers } from './action-context.js';
import { describeZodError, RtmError } from './to-protocol-error.js';

/** An action ready to run on a client's raw payload: parsed with its contract, then handled. */
export type BoundAction = (context: ActionContext, payload: unknown) => Promise<unknown>;

/**
 * Pairs each handler with its action's request contract, so that a handler only ever sees the
 * payload its contract parsed. A Map, not an object: the action is a client's string, and
 * `constructor` or `__proto__` must find nothing.
 */
export function bindActions<Contracts extends Record<string, ActionContract>>(
  contracts: Contracts,
  handlers: ActionHandlers<Contracts>,
): ReadonlyMap<string, BoundAction> {
  const bound = new Map<string, BoundAction>();
  for (const action of Object.keys(handlers) as Exclude<keyof Contracts, 'login'>[]) {
    bound.set(String(action), bindAction<Contracts, typeof action>(contracts, action, handlers[action]));
  }
  return bound;
}

function bindAction<Contracts extends Record<string, ActionContract>, A extends Exclude<keyof Contracts, 'login'>>(
  contracts: Contracts,
  action: A,
  handler: ActionHandlers<Contracts>[A],
): BoundAction {
  const contract = contracts[action];
  if (!contract) throw new Error(`a handler for ${String(action)}, which the contract does not have`);
  const request: Contracts[A]['request'] = contract.request;
  return (context, payload) => {
    const parsed = request.safeParse(payload);
    if (!parsed.success) throw new RtmError('validation', describeZodError(parsed.error, 'payload'), 'invalid_payload');
    return handler(context, parsed.data);
  };
}
