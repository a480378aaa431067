import { createHash, randomBytes, randomUUID, timingSafeEqual } from 'node:crypto';

/**
 * API keys let an agent (a bot, typically) log in without a password: `ldk_<keyId>_<secret>`.
 * The key id finds the agent by an index; only sha256(secret) is stored, so a leaked table
 * gives no usable key. A sha256 suffices (no slow hash): the secret is 32 random bytes, not a
 * human-chosen password, so there is nothing to guess.
 */
export interface NewApiKey {
  /** The whole key, shown to the caller once. */
  key: string;
  keyId: string;
  secretHash: Buffer;
}

export interface ParsedApiKey {
  keyId: string;
  secret: string;
}

const PREFIX = 'ldk_';
// keyId: a UUID without dashes, so it never contains the `_` separator; secret: 32 bytes base64url.
const FORMAT = /^ldk_([0-9a-f]{32})_([A-Za-z0-9_-]{43})$/;

export function createApiKey(): NewApiKey {
  const keyId = randomUUID().replaceAll('-', '');
  const secret = randomBytes(32).toString('base64url');
  return { key: `${PREFIX}${keyId}_${secret}`, keyId, secretHash: hashApiKeySecret(secret) };
}

/** The key's parts, or undefined when it is not of the `ldk_<keyId>_<secret>` form. */
export function parseApiKey(key: string): ParsedApiKey | undefined {
  const match = FORMAT.exec(key);
  if (!match) return undefined;
  return { keyId: match[1]!, secret: match[2]! };
}

export function hashApiKeySecret(secret: string): Buffer {
  return createHash('sha256').update(secret, 'utf8').digest();
}

/** Compares in constant time, so the answer time does not reveal how much of a guess was right. */
export function apiKeySecretMatches(secret: string, storedHash: Uint8Array): boolean {
  const candidate = hashApiKeySecret(secret);
  return candidate.length === storedHash.length && timingSafeEqual(candidate, storedHash);
}
