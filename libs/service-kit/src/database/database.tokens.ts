/** Injection token of the service's `Kysely` instance (`Database`). */
export const DATABASE = Symbol('DATABASE');
