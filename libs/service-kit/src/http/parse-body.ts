import type { z } from 'zod';
import { ApiError } from './api-error.js';

/** The body as `schema` describes it, or a `validation` error that names each offending field. */
export function parseBody<S extends z.ZodType>(schema: S, body: unknown): z.output<S> {
  return parseOrRefuse(schema, body, '');
}

/** Like `parseBody`, for a part of the request: field names get `prefix` (`identity.sub is required`). */
export function parseOrRefuse<S extends z.ZodType>(schema: S, value: unknown, prefix: string): z.output<S> {
  // reportInput: so that a missing field (input undefined) reads "x is required".
  const result = schema.safeParse(value, { reportInput: true });
  if (result.success) return result.data;
  throw new ApiError('validation', result.error.issues.map((issue) => describeIssue(issue, prefix)).join('; '));
}

function describeIssue(issue: z.core.$ZodIssue, prefix: string): string {
  const field = [...(prefix === '' ? [] : [prefix]), ...issue.path.map(String)].join('.');
  if (issue.code === 'unrecognized_keys') {
    const names = issue.keys.map((key) => `"${field === '' ? key : `${field}.${key}`}"`).join(', ');
    return `unknown field${issue.keys.length > 1 ? 's' : ''} ${names}`;
  }
  if (field === '') return issue.code === 'invalid_type' ? 'the body must be a JSON object' : issue.message;
  if (issue.code === 'invalid_type' && issue.input === undefined) return `${field} is required`;
  return `${field}: ${issue.message}`;
}
