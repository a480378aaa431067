import { describe, expect, it } from '@jest/globals';
import type { IncomingMessage } from 'node:http';
import { ClientAddress } from './client-address.js';

const request = (peer: string, forwardedFor?: string) =>
  ({
    socket: { remoteAddress: peer },
    connection: { remoteAddress: peer },
    headers: forwardedFor === undefined ? {} : { 'x-forwarded-for': forwardedFor },
  }) as unknown as IncomingMessage;

describe('ClientAddress', () => {
  it('is the peer when no proxy is trusted, whatever X-Forwarded-For claims', () => {
    const addresses = new ClientAddress([]);
    expect(addresses.of(request('203.0.113.9', '2.16.0.1'))).toBe('203.0.113.9');
    expect(addresses.of(request('127.0.0.1', '2.16.0.1'))).toBe('127.0.0.1');
  });

  it("believes a trusted proxy's X-Forwarded-For, read from the right past trusted hops only", () => {
    const addresses = new ClientAddress(['loopback', '10.0.0.0/8']);
    expect(addresses.of(request('127.0.0.1', '2.16.0.1'))).toBe('2.16.0.1');
    expect(addresses.of(request('10.1.2.3', '198.51.100.7, 2.16.0.1, 10.0.0.5'))).toBe('2.16.0.1');
    // A peer that is not trusted is the client, even if it sends the header.
    expect(addresses.of(request('203.0.113.9', '2.16.0.1'))).toBe('203.0.113.9');
  });
});
