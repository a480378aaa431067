import { describe, expect, it } from '@jest/globals';
import { parseEnv } from 'node:util';
import { freshSecretsEnv, SECRET_SETTINGS } from './secrets.js';

describe('livedesk secrets', () => {
  it('writes one line per secret setting, in .env format, from the random bytes it is given', () => {
    const bytes = (size: number) => Buffer.alloc(size, 0xfb);
    const text = freshSecretsEnv(
      [
        { name: 'A_TOKEN', bytes: 3, encoding: 'base64url', note: 'the first' },
        { name: 'B_SECRET', bytes: 2, encoding: 'hex', note: 'the second' },
      ],
      bytes,
    );
    expect(parseEnv(text)).toEqual({ A_TOKEN: '-_v7', B_SECRET: 'fbfb' });
    expect(text).toContain('# the first\nA_TOKEN=-_v7\n# the second\nB_SECRET=fbfb\n');
  });

  it('makes every secret of the services, fresh each time, long enough for what the services check', () => {
    const first = parseEnv(freshSecretsEnv());
    const second = parseEnv(freshSecretsEnv());
    expect(Object.keys(first).sort()).toEqual([
      'LIVEDESK_ADMIN_TOKEN',
      'LIVEDESK_JWT_SECRET',
      'NATS_PASSWORD',
      'POSTGRES_PASSWORD',
      'TICKETING_MAILBOX_SECRET',
    ]);
    for (const { name } of SECRET_SETTINGS) {
      expect(first[name]).toMatch(/^[A-Za-z0-9_-]{43,}$/);
      expect(first[name]).not.toBe(second[name]);
    }
    // Safe in a URL (DATABASE_URL, NATS_URL) and, for NATS, a string to nats-server's config parser.
    expect(first.NATS_PASSWORD).toMatch(/^nats[0-9a-f]{64}$/);
  });
});
