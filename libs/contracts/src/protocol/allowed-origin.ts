import { z } from 'zod';
import { SafeString } from '../common.js';

/** At most this many origins per organization: a list of the sites that embed the widget, not a wildcard by volume. */
export const MAX_ALLOWED_ORIGINS = 50;

/** Longer than any host name (253) with a scheme and a port. */
const MAX_ORIGIN_LENGTH = 300;

/** `scheme://host[:port]` and nothing else: no user, path, query or fragment. */
const ORIGIN_SHAPE = /^[a-z][a-z0-9+.-]*:\/\/[^/?#@\s\\]+\/?$/i;

/**
 * An origin as a browser writes it in its `Origin` header (RFC 6454): `http` or `https`, the host
 * lowercased (an international name in its punycode form), the port only when it is not the
 * scheme's default. Answers undefined for anything that is not such an origin (a path, a
 * wildcard, `null`, another scheme), so that a stored origin and a header compare as strings.
 * A trailing `/` (as pasted from an address bar) is forgiven.
 */
export function normalizeOrigin(value: string): string | undefined {
  if (value.length > MAX_ORIGIN_LENGTH || !ORIGIN_SHAPE.test(value)) return undefined;
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return undefined;
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return undefined;
  if (url.hostname === '' || url.hostname.includes('*')) return undefined;
  return url.origin;
}

/** One entry of `allowed_origins`: validated, and normalized by `normalizeOrigin` when parsed. */
export const AllowedOrigin = SafeString.max(MAX_ORIGIN_LENGTH).transform((value, context) => {
  const origin = normalizeOrigin(value);
  if (origin !== undefined) return origin;
  context.issues.push({
    code: 'custom',
    input: value,
    message: `"${value}" is not an origin: expected scheme://host[:port] with scheme http or https, and no path`,
  });
  return z.NEVER;
});

/** `allowed_origins` of an organization: bounded, each normalized, duplicates (after normalizing) dropped. */
export const AllowedOrigins = z
  .array(AllowedOrigin)
  .max(MAX_ALLOWED_ORIGINS)
  .transform((origins) => [...new Set(origins)]);
