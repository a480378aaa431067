import type { Author } from '@livedesk/contracts';

/**
 * Map keys for per-author state. JSON of a tuple, because ids are free strings: joining them
 * with a separator would let `a:b` + `c` collide with `a` + `b:c`.
 */
export function authorKey(author: Author): string {
  return JSON.stringify([author.kind, author.id ?? null]);
}

/** A client message id is unique per author only: two authors may pick the same one. */
export function clientIdKey(author: Author, clientId: string): string {
  return JSON.stringify([author.kind, author.id ?? null, clientId]);
}
