/** Postgres error codes the directory turns into client errors. */
export const UNIQUE_VIOLATION = '23505';
export const FOREIGN_KEY_VIOLATION = '23503';

export interface PgErrorFields {
  code?: string;
  constraint?: string;
}

export function pgErrorOf(error: unknown): PgErrorFields {
  if (typeof error !== 'object' || error === null) return {};
  const { code, constraint } = error as Record<string, unknown>;
  return {
    ...(typeof code === 'string' ? { code } : {}),
    ...(typeof constraint === 'string' ? { constraint } : {}),
  };
}
