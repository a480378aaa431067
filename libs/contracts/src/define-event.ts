import { z } from 'zod';

/**
 * Turns the data of an event written with schema version `from` into the shape of version
 * `from + 1`. Upcasters run in a chain at read time, so events written years ago are read by
 * today's code without rewriting history.
 */
export type Upcaster = (data: unknown) => unknown;

export interface EventDefinition<TType extends string, TSchema extends z.ZodType> {
  type: TType;
  /** The version the current schema describes; events are written with it. */
  schemaVersion: number;
  schema: TSchema;
  /** `upcasters[n]` turns version n into n + 1. */
  upcasters: Readonly<Record<number, Upcaster>>;
}

export function defineEvent<const TType extends string, TSchema extends z.ZodType>(
  type: TType,
  schema: TSchema,
  options: { schemaVersion?: number; upcasters?: Record<number, Upcaster> } = {},
): EventDefinition<TType, TSchema> {
  const schemaVersion = options.schemaVersion ?? 1;
  const upcasters = options.upcasters ?? {};
  for (let version = 1; version < schemaVersion; version++) {
    if (!upcasters[version]) {
      throw new Error(`event ${type}: no upcaster from schema version ${version} to ${version + 1}`);
    }
  }
  return { type, schemaVersion, schema, upcasters };
}

/** The data type of an event definition. */
export type EventData<D> = D extends EventDefinition<string, infer S> ? z.infer<S> : never;

/** `{ type, data }` for each definition of a record of definitions. */
export type EventUnion<Defs extends Record<string, EventDefinition<string, z.ZodType>>> = {
  [K in keyof Defs]: { type: Defs[K]['type']; data: EventData<Defs[K]> };
}[keyof Defs];
