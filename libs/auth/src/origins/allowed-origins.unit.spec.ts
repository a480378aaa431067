import { describe, expect, it } from '@jest/globals';
import { AllowedOrigins, type AllowedOriginsSource } from './allowed-origins.js';

/** The two directory reads AllowedOrigins makes, over an in-memory list, counted. */
function directoryOf(lists: Record<string, string[]>) {
  const reads = { allowedOrigins: 0, isOriginListed: 0 };
  const directory = {
    allowedOrigins: async (organizationId: string) => {
      reads.allowedOrigins++;
      return lists[organizationId];
    },
    isOriginListed: async (origin: string) => {
      reads.isOriginListed++;
      return Object.values(lists).some((origins) => origins.includes(origin));
    },
  };
  return { directory: directory as AllowedOriginsSource, reads };
}

describe("AllowedOrigins: the organizations' origins, cached briefly", () => {
  it('compares the Origin header normalized, and allows null and malformed origins nowhere', async () => {
    const { directory } = directoryOf({ shop: ['https://shop.example'] });
    const origins = new AllowedOrigins(directory, 30_000);
    expect(await origins.allows('shop', 'https://shop.example')).toBe(true);
    expect(await origins.allows('shop', 'HTTPS://SHOP.EXAMPLE:443')).toBe(true);
    expect(await origins.allows('shop', 'https://shop.example.evil.test')).toBe(false);
    expect(await origins.allows('shop', 'null')).toBe(false);
    expect(await origins.allows('nowhere', 'https://shop.example')).toBeUndefined();
    expect(await origins.isListedAnywhere('https://Shop.Example')).toBe(true);
    expect(await origins.isListedAnywhere('null')).toBe(false);
  });

  it('reads the directory once per organization and origin until the entry expires or is forgotten', async () => {
    const lists: Record<string, string[]> = { shop: ['https://shop.example'] };
    const { directory, reads } = directoryOf(lists);
    let now = 0;
    const origins = new AllowedOrigins(directory, 1_000, () => now);
    await origins.allows('shop', 'https://shop.example');
    await origins.allows('shop', 'https://other.example');
    await origins.isListedAnywhere('https://other.example');
    await origins.isListedAnywhere('https://other.example');
    expect(reads).toEqual({ allowedOrigins: 1, isOriginListed: 1 });

    lists.shop = ['https://other.example'];
    now = 999;
    expect(await origins.allows('shop', 'https://other.example')).toBe(false);
    now = 1_000;
    expect(await origins.allows('shop', 'https://other.example')).toBe(true);
    expect(reads.allowedOrigins).toBe(2);

    lists.shop = [];
    origins.forget('shop');
    expect(await origins.allows('shop', 'https://other.example')).toBe(false);
    expect(await origins.isListedAnywhere('https://other.example')).toBe(false);
    expect(reads).toEqual({ allowedOrigins: 3, isOriginListed: 2 });
  });
});
