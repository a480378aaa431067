import { describe, expect, it } from '@jest/globals';
import { FileUrls } from './file-urls.js';

describe('FileUrls', () => {
  const urls = new FileUrls('a-jwt-secret-of-at-least-32-characters!', 600);
  const now = Date.UTC(2026, 11, 5, 12, 0, 0);
  const partsOf = (url: string) => {
    const parsed = new URL(url, 'http://gateway');
    return {
      fileId: decodeURIComponent(parsed.pathname.split('/').at(-1)!),
      expires: parsed.searchParams.get('expires') ?? undefined,
      signature: parsed.searchParams.get('signature') ?? undefined,
    };
  };

  it('accepts its own URL until it expires, and refuses it after', () => {
    const { fileId, expires, signature } = partsOf(urls.urlOf('file-1', now));
    expect(fileId).toBe('file-1');
    expect(Number(expires)).toBe(now / 1000 + 600);
    expect(urls.refusalOf(fileId, expires, signature, now + 599_000)).toBeUndefined();
    expect(urls.refusalOf(fileId, expires, signature, now + 600_000)).toBe('file_url_expired');
  });

  it('refuses a URL of another file, a moved expiry, another secret and malformed parameters', () => {
    const { expires, signature } = partsOf(urls.urlOf('file-1', now));
    expect(urls.refusalOf('file-2', expires, signature, now)).toBe('file_url_invalid');
    expect(urls.refusalOf('file-1', String(Number(expires) + 3600), signature, now)).toBe('file_url_invalid');
    const other = partsOf(new FileUrls('another-jwt-secret-of-32-characters-or-more', 600).urlOf('file-1', now));
    expect(urls.refusalOf('file-1', other.expires, other.signature, now)).toBe('file_url_invalid');
    expect(urls.refusalOf('file-1', undefined, signature, now)).toBe('file_url_invalid');
    expect(urls.refusalOf('file-1', expires, 'zz', now)).toBe('file_url_invalid');
    expect(urls.refusalOf('file-1', '-5', signature, now)).toBe('file_url_invalid');
  });

  it('refuses an expired URL it signed itself, but calls a forged expired one invalid', () => {
    const expired = partsOf(urls.urlOf('file-1', now, now / 1000 - 1));
    expect(urls.refusalOf('file-1', expired.expires, expired.signature, now)).toBe('file_url_expired');
    expect(urls.refusalOf('file-1', expired.expires, '0'.repeat(64), now)).toBe('file_url_invalid');
  });
});
