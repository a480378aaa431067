import { describe, expect, it } from '@jest/globals';
import { natsServerOptions } from './nats-servers.js';

describe('natsServerOptions', () => {
  it('passes URLs without credentials on as they are', () => {
    expect(natsServerOptions('nats://127.0.0.1:4222')).toEqual({ servers: ['nats://127.0.0.1:4222'] });
    expect(natsServerOptions('nats://a:4222, nats://b:4222,')).toEqual({ servers: ['nats://a:4222', 'nats://b:4222'] });
  });

  it('takes a user and password out of the URLs (nats.js ignores them there), percent-decoded', () => {
    expect(natsServerOptions('nats://livedesk:s3cr%40t%3Ax@nats:4222')).toEqual({
      servers: ['nats://nats:4222'],
      user: 'livedesk',
      pass: 's3cr@t:x',
    });
    expect(natsServerOptions('tls://u:p@a:4222,tls://u:p@b:4222,tls://c:4222')).toEqual({
      servers: ['tls://a:4222', 'tls://b:4222', 'tls://c:4222'],
      user: 'u',
      pass: 'p',
    });
  });

  it('reads a user name alone as a token', () => {
    expect(natsServerOptions('nats://t0ken@nats:4222')).toEqual({ servers: ['nats://nats:4222'], token: 't0ken' });
  });

  it('refuses servers with different credentials: one connection logs in one way', () => {
    expect(() => natsServerOptions('nats://u:p@a:4222,nats://u:q@b:4222')).toThrow(/different credentials/);
    expect(() => natsServerOptions('nats://u:p@a:4222,nats://token@b:4222')).toThrow(/different credentials/);
  });
});
