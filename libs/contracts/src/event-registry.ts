import type { z } from 'zod';
import type { EventDefinition } from './define-event.js';

export class UnknownEventTypeError extends Error {
  constructor(readonly eventType: string) {
    super(`unknown event type ${eventType}`);
    this.name = 'UnknownEventTypeError';
  }
}

export class EventSchemaError extends Error {
  constructor(
    readonly eventType: string,
    readonly schemaVersion: number,
    readonly issues: string,
  ) {
    super(`event ${eventType} v${schemaVersion} does not match its schema: ${issues}`);
    this.name = 'EventSchemaError';
  }
}

type AnyDefinition = EventDefinition<string, z.ZodType>;

/**
 * The events a reader knows. `decode` upcasts stored data to the current schema version and
 * validates it; `encode` validates data before it is written.
 */
export class EventRegistry<Defs extends Record<string, AnyDefinition>> {
  private readonly byType = new Map<string, AnyDefinition>();

  constructor(readonly definitions: Defs) {
    for (const definition of Object.values(definitions)) {
      if (this.byType.has(definition.type)) throw new Error(`event type ${definition.type} defined twice`);
      this.byType.set(definition.type, definition);
    }
  }

  has(type: string): boolean {
    return this.byType.has(type);
  }

  /** Validates data of the current version; answers what to store. */
  encode(type: string, data: unknown): { type: string; schemaVersion: number; data: unknown } {
    const definition = this.definition(type);
    const parsed = definition.schema.safeParse(data);
    if (!parsed.success) throw new EventSchemaError(type, definition.schemaVersion, parsed.error.message);
    return { type, schemaVersion: definition.schemaVersion, data: parsed.data };
  }

  /** Reads stored data of any older or current schema version as the current version. */
  decode(type: string, schemaVersion: number, data: unknown): unknown {
    const parsed = this.definition(type).schema.safeParse(this.upcast(type, schemaVersion, data));
    if (!parsed.success) throw new EventSchemaError(type, schemaVersion, parsed.error.message);
    return parsed.data;
  }

  /**
   * Reads stored data as the current version like `decode`, but without validating it: for
   * bulk readers of the event store's own log (a projection's replay of millions of events),
   * where every event was validated by `encode` when it was written and upcasters only reshape.
   * Data from anywhere else (a message, a request) goes through `decode`.
   */
  upcast(type: string, schemaVersion: number, data: unknown): unknown {
    const definition = this.definition(type);
    if (schemaVersion > definition.schemaVersion) {
      throw new EventSchemaError(type, schemaVersion, `newer than this reader (v${definition.schemaVersion})`);
    }
    let current = data;
    for (let version = schemaVersion; version < definition.schemaVersion; version++) {
      current = definition.upcasters[version]!(current);
    }
    return current;
  }

  private definition(type: string): AnyDefinition {
    const definition = this.byType.get(type);
    if (!definition) throw new UnknownEventTypeError(type);
    return definition;
  }
}
