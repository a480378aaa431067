import { z } from 'zod';

/** A JSON Schema object as the AsyncAPI document holds it. */
export type JsonSchema = Record<string, unknown>;

export interface NamedSchema {
  /** The key under `components.schemas`. */
  id: string;
  schema: z.ZodType;
}

/** Who writes the frames a schema describes, which decides how zod's defaults read. */
export type Direction = 'client_to_server' | 'server_to_client';

export const SCHEMA_REF_PREFIX = '#/components/schemas/';

/**
 * Converts zod schemas into JSON Schemas for `components.schemas`, with zod 4's
 * `z.toJSONSchema` over a registry: every schema of `schemas` gets its own component, and each
 * use of one of them inside another becomes a `$ref` (so `ChatSummary` is written once, not in
 * every response that holds one).
 *
 * - Target draft-07: AsyncAPI 3.0's default schema format is a superset of JSON Schema
 *   draft-07, so the schemas need no `schemaFormat`.
 * - Frames a client writes are described as the gateway's *input*: a field with a default may
 *   be left out. Frames the gateway writes are its *output*: defaults are filled in, so those
 *   fields are always there.
 * - zod says `additionalProperties: false` for the output of every plain `z.object` (parsing
 *   strips unknown keys). For the gateway's frames that would promise too much: responses and
 *   pushes may gain fields within protocol version 1, and clients must ignore the fields they
 *   do not know. So only `.strict()` objects — the request payloads, which the gateway refuses
 *   with unknown keys — keep `additionalProperties: false`.
 */
export function toJsonSchemas(schemas: readonly NamedSchema[], direction: Direction): Record<string, JsonSchema> {
  const registry = z.registry<{ id: string }>();
  for (const { id, schema } of schemas) {
    if (registry.has(schema)) throw new Error(`asyncapi: a schema is registered twice (${id})`);
    registry.add(schema, { id });
  }
  const generated = z.toJSONSchema(registry, {
    target: 'draft-07',
    io: direction === 'client_to_server' ? 'input' : 'output',
    uri: (id) => `${SCHEMA_REF_PREFIX}${id}`,
    override: ({ zodSchema, jsonSchema }) => {
      const def = zodSchema._zod.def;
      if (direction === 'server_to_client' && def.type === 'object' && def.catchall === undefined) {
        delete jsonSchema.additionalProperties;
      }
    },
  });
  const result: Record<string, JsonSchema> = {};
  for (const { id } of schemas) {
    const schema = generated.schemas[id];
    if (!schema) throw new Error(`asyncapi: zod generated no JSON Schema for ${id}`);
    // Each component is a part of the document, not a standalone schema file.
    const { $schema: _dialect, $id: _id, ...rest } = schema as JsonSchema;
    result[id] = rest;
  }
  return result;
}

/**
 * Merges the components of both directions. A schema used both ways (`RequestId`) must read
 * the same both ways, else one name would stand for two shapes.
 */
export function mergeSchemas(...parts: Record<string, JsonSchema>[]): Record<string, JsonSchema> {
  const merged: Record<string, JsonSchema> = {};
  for (const part of parts) {
    for (const [id, schema] of Object.entries(part)) {
      const existing = merged[id];
      if (existing && JSON.stringify(existing) !== JSON.stringify(schema)) {
        throw new Error(
          `asyncapi: schema ${id} differs between client and server frames; give the two shapes two names`,
        );
      }
      merged[id] = schema;
    }
  }
  return merged;
}
