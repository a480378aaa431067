import { z } from 'zod';
import { SafeString } from '../common.js';

/** The longest `display_name` an agent may have: a name shown in a chat header, not a biography. */
export const MAX_DISPLAY_NAME_LENGTH = 100;
/** The longest `avatar_url`: room for a CDN path with a signature, far from a data URL. */
export const MAX_AVATAR_URL_LENGTH = 2048;

const LOCAL_HOSTS = new Set(['localhost', '127.0.0.1', '[::1]']);

/**
 * Whether `value` may be shown to customers as an agent's picture: an absolute `https` URL
 * without user or password (`http` only for the local machine, for development). Anything else
 * (`javascript:`, `data:`, a relative path, plain `http` on the internet) is refused: the
 * widget puts it in an `<img src>` on the company's pages.
 */
export function isAvatarUrl(value: string): boolean {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return false;
  }
  if (url.username !== '' || url.password !== '' || url.hostname === '') return false;
  if (url.protocol === 'https:') return true;
  return url.protocol === 'http:' && LOCAL_HOSTS.has(url.hostname);
}

export const DisplayName = SafeString.trim()
  .min(1)
  .max(MAX_DISPLAY_NAME_LENGTH)
  .describe(`The name customers see for the agent (1–${MAX_DISPLAY_NAME_LENGTH} characters); null: the agent's name.`);

export const AvatarUrl = SafeString.max(MAX_AVATAR_URL_LENGTH)
  .refine(isAvatarUrl, { message: 'expected an https URL (http only for localhost)' })
  .describe(
    `The agent's picture: an https URL of at most ${MAX_AVATAR_URL_LENGTH} characters (http only for localhost).`,
  );

/**
 * What a customer learns of an agent (extension): the display name (the agent's name when it
 * has none) and the avatar. Never the agent's email, role or internal name when a display name
 * is set.
 */
export const AgentPublicProfile = z.object({
  display_name: SafeString,
  avatar_url: SafeString.nullable(),
});
export type AgentPublicProfile = z.infer<typeof AgentPublicProfile>;
