/** Injection token of the service's `EventStore` (migrated before the service starts). */
export const EVENT_STORE = Symbol('EVENT_STORE');
