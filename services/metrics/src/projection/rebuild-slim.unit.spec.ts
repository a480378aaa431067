import { describe, expect, it } from '@jest/globals';
import type { z } from 'zod';
import { allEvents } from '@livedesk/contracts';
import { REPLAY_SLIM } from './rebuild-metrics.js';

/** The fields of an event type's current schema. */
function fieldsOf(type: string): string[] {
  const definition = Object.values(allEvents.definitions).find((d) => d.type === type);
  if (!definition) throw new Error(`no event type ${type}`);
  return Object.keys((definition.schema as z.ZodObject<z.ZodRawShape>).shape);
}

describe('what a rebuild leaves out of the events it reads', () => {
  it('names only fields its events have (a misspelt one would leave the field in)', () => {
    for (const [type, fields] of Object.entries(REPLAY_SLIM.dropData)) {
      expect({ type, unknown: fields.filter((field) => !fieldsOf(type).includes(field)) }).toEqual({
        type,
        unknown: [],
      });
    }
  });

  it('leaves out everything of the events that only move their conversation on', () => {
    for (const type of ['MessagesSeen', 'InternalNotePosted']) {
      expect([...REPLAY_SLIM.dropData[type as 'MessagesSeen']].sort()).toEqual(fieldsOf(type).sort());
    }
  });
});
