import { describe, expect, it } from '@jest/globals';
import { AllowedOrigins, MAX_ALLOWED_ORIGINS, normalizeOrigin } from './allowed-origin.js';

describe('normalizeOrigin: origins as browsers write them in Origin', () => {
  it('keeps scheme, host and a port that is not the default, lowercased', () => {
    expect(normalizeOrigin('https://Shop.Example')).toBe('https://shop.example');
    expect(normalizeOrigin('HTTPS://SHOP.EXAMPLE:8443')).toBe('https://shop.example:8443');
    expect(normalizeOrigin('http://localhost:5173')).toBe('http://localhost:5173');
    expect(normalizeOrigin('http://127.0.0.1:8080')).toBe('http://127.0.0.1:8080');
    expect(normalizeOrigin('http://[::1]:3000')).toBe('http://[::1]:3000');
  });

  it("drops the scheme's default port and a trailing slash pasted from an address bar", () => {
    expect(normalizeOrigin('https://shop.example:443')).toBe('https://shop.example');
    expect(normalizeOrigin('http://shop.example:80/')).toBe('http://shop.example');
  });

  it('writes an international host name in punycode, as the Origin header does', () => {
    expect(normalizeOrigin('https://bücher.example')).toBe('https://xn--bcher-kva.example');
  });

  it('refuses paths, queries, fragments, credentials, wildcards, other schemes and null', () => {
    for (const value of [
      'https://shop.example/widget',
      'https://shop.example?x=1',
      'https://shop.example#top',
      'https://user:pass@shop.example',
      'https://*.shop.example',
      '*',
      'null',
      'shop.example',
      'ftp://shop.example',
      'javascript://shop.example',
      'file:///etc/passwd',
      'https://',
      'https://shop.example:99999',
      ' https://shop.example',
      `https://${'a'.repeat(300)}.example`,
    ]) {
      expect([value, normalizeOrigin(value)]).toEqual([value, undefined]);
    }
  });
});

describe('AllowedOrigins: the allowed_origins of a PATCH', () => {
  it('normalizes every origin and drops duplicates', () => {
    expect(AllowedOrigins.parse(['https://Shop.Example', 'https://shop.example:443', 'http://localhost:5173'])).toEqual(
      ['https://shop.example', 'http://localhost:5173'],
    );
  });

  it('names the entry that is not an origin', () => {
    const parsed = AllowedOrigins.safeParse(['https://shop.example', 'https://shop.example/path']);
    expect(parsed.success).toBe(false);
    expect(parsed.error?.issues[0]).toMatchObject({
      path: [1],
      message: expect.stringContaining('"https://shop.example/path" is not an origin'),
    });
  });

  it(`holds at most ${MAX_ALLOWED_ORIGINS} origins`, () => {
    const many = Array.from({ length: MAX_ALLOWED_ORIGINS + 1 }, (_, i) => `https://shop-${i}.example`);
    expect(AllowedOrigins.safeParse(many.slice(0, MAX_ALLOWED_ORIGINS)).success).toBe(true);
    expect(AllowedOrigins.safeParse(many).success).toBe(false);
  });
});
