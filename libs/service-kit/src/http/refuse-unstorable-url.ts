import type { IncomingMessage, ServerResponse } from 'node:http';
import { isStorableText } from '@livedesk/contracts';

/**
 * Refuses a request whose URL decodes to NUL (`%00`) or an unpaired surrogate, in the path or
 * the query, with the API's 400 `validation` body. Path parameters reach the controllers as
 * decoded strings no schema parses (an organization or ticket id), and Postgres refused the NUL
 * with a 500. A URL that does not decode at all is left to Express, which answers 400 itself.
 */
export function refuseUnstorableUrl(req: IncomingMessage, res: ServerResponse, next: () => void): void {
  let decoded: string;
  try {
    decoded = decodeURIComponent(req.url ?? '');
  } catch {
    return next();
  }
  if (isStorableText(decoded)) return next();
  res.statusCode = 400;
  res.setHeader('content-type', 'application/json; charset=utf-8');
  res.end(
    JSON.stringify({
      error: { code: 'validation', message: 'the URL must not contain NUL (U+0000) or unpaired UTF-16 surrogates' },
    }),
  );
}
