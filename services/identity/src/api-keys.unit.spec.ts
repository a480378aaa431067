import { describe, expect, it } from '@jest/globals';
import { apiKeySecretMatches, createApiKey, hashApiKeySecret, parseApiKey } from './api-keys.js';

describe('API keys', () => {
  it('are ldk_<keyId>_<secret> with a 32-byte base64url secret, and parse back into their parts', () => {
    const created = createApiKey();
    expect(created.key).toMatch(/^ldk_[0-9a-f]{32}_[A-Za-z0-9_-]{43}$/);
    const parsed = parseApiKey(created.key);
    expect(parsed?.keyId).toBe(created.keyId);
    expect(created.key).toBe(`ldk_${created.keyId}_${parsed?.secret}`);
    expect(Buffer.from(parsed!.secret, 'base64url')).toHaveLength(32);
  });

  it('store sha256(secret) only, which the secret matches and nothing else does', () => {
    const created = createApiKey();
    const { secret } = parseApiKey(created.key)!;
    expect(created.secretHash).toEqual(hashApiKeySecret(secret));
    expect(created.key).not.toContain(created.secretHash.toString('hex'));
    expect(apiKeySecretMatches(secret, created.secretHash)).toBe(true);
    const other = parseApiKey(createApiKey().key)!.secret;
    expect(apiKeySecretMatches(other, created.secretHash)).toBe(false);
    const flipped = (secret[0] === 'A' ? 'B' : 'A') + secret.slice(1);
    expect(apiKeySecretMatches(flipped, created.secretHash)).toBe(false);
  });

  it('never match a stored hash of another length (no timingSafeEqual throw)', () => {
    const { key } = createApiKey();
    expect(apiKeySecretMatches(parseApiKey(key)!.secret, Buffer.alloc(5))).toBe(false);
  });

  it('are all different', () => {
    const keys = new Set(Array.from({ length: 100 }, () => createApiKey().key));
    expect(keys.size).toBe(100);
  });

  it.each([
    '',
    'ldk_',
    'ldk_abc_def',
    'xyz_0123456789abcdef0123456789abcdef_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA',
    'ldk_0123456789abcdef0123456789abcdef_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA',
    'ldk_0123456789abcdef0123456789abcdef_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=',
    ' ldk_0123456789abcdef0123456789abcdef_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA',
    'ldk_0123456789ABCDEF0123456789abcdef_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA',
  ])('refuse the malformed key %j', (key) => {
    expect(parseApiKey(key)).toBeUndefined();
  });
});
