import type { z } from 'zod';
import { ApiError, parseOrRefuse } from '@livedesk/service-kit';

/**
 * A query string as `schema` describes it. A parameter given twice (`group_id=a&group_id=b`)
 * comes as an array: it is refused by name rather than one of the values being picked.
 */
export function parseQuery<S extends z.ZodType>(schema: S, query: unknown): z.output<S> {
  if (typeof query === 'object' && query !== null) {
    const repeated = Object.entries(query)
      .filter(([, value]) => Array.isArray(value))
      .map(([name]) => name);
    if (repeated.length > 0)
      throw new ApiError(
        'validation',
        `give ${repeated.map((name) => `"${name}"`).join(', ')} once`,
        'repeated_parameter',
      );
  }
  return parseOrRefuse(schema, query, '');
}
