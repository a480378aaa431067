import type { CannedResponse } from '@livedesk/client';

/** The `#word` being typed just before the caret: where its `#` stands and the word typed so far. */
export interface CannedToken {
  start: number;
  query: string;
}

/**
 * The canned-response token the caret ends, if any: a `#` at the start of the text or after
 * white space, then no white space up to the caret ("see #ret" → "ret"; "issue#4" → none).
 */
export function cannedToken(text: string, caret: number): CannedToken | undefined {
  const match = /(^|\s)#([^\s#]*)$/u.exec(text.slice(0, caret));
  if (!match) return undefined;
  const query = match[2]!;
  return { start: caret - query.length - 1, query };
}

/**
 * The responses a query offers, best first: shortcuts that start with it, then shortcuts that
 * contain it, then responses whose text contains it; case-insensitive, at most `limit`.
 */
export function matchCanned(responses: readonly CannedResponse[], query: string, limit = 8): CannedResponse[] {
  const wanted = query.toLowerCase();
  const shortcut = (response: CannedResponse) => response.shortcut.replace(/^#/u, '').toLowerCase();
  const rank = (response: CannedResponse): number => {
    if (shortcut(response).startsWith(wanted)) return 0;
    if (shortcut(response).includes(wanted)) return 1;
    if (response.text.toLowerCase().includes(wanted)) return 2;
    return -1;
  };
  return responses
    .map((response) => ({ response, rank: rank(response) }))
    .filter(({ rank }) => rank >= 0)
    .sort((a, b) => a.rank - b.rank || shortcut(a.response).localeCompare(shortcut(b.response)))
    .slice(0, limit)
    .map(({ response }) => response);
}

/** The text with the token replaced by a response's text, and where the caret goes after it. */
export function insertCanned(
  text: string,
  token: CannedToken,
  caret: number,
  insert: string,
): { text: string; caret: number } {
  return { text: text.slice(0, token.start) + insert + text.slice(caret), caret: token.start + insert.length };
}
