import { describe, expect, it } from '@jest/globals';
import type { IncomingMessage } from 'node:http';
import { ClientAddress, TrustedHops } from './client-address.js';

const request = (peer: string, forwardedFor?: string): IncomingMessage =>
  ({
    socket: { remoteAddress: peer },
    connection: { remoteAddress: peer },
    headers: forwardedFor ? { 'x-forwarded-for': forwardedFor } : {},
  }) as unknown as IncomingMessage;

describe('ClientAddress', () => {
  it('ignores X-Forwarded-For by default: anyone could write it to dodge a throttle', () => {
    expect(new ClientAddress([]).of(request('203.0.113.9', '198.51.100.1'))).toBe('203.0.113.9');
  });

  it('reads X-Forwarded-For from a trusted proxy, from the right, skipping trusted hops', () => {
    const behindProxies = new ClientAddress(['10.0.0.0/8', 'loopback']);
    expect(behindProxies.of(request('10.1.2.3', '198.51.100.1'))).toBe('198.51.100.1');
    // A client's own forged first entry is not taken: the last untrusted hop is the client.
    expect(behindProxies.of(request('127.0.0.1', '6.6.6.6, 198.51.100.1, 10.9.9.9'))).toBe('198.51.100.1');
    // A peer that is not a trusted proxy is the client, whatever it says.
    expect(behindProxies.of(request('203.0.113.9', '198.51.100.1'))).toBe('203.0.113.9');
  });

  it("takes the client a trusted gateway saw, and a client's own X-Forwarded-For only from a trusted proxy", () => {
    // The gateway (loopback) appends the address it saw; what the client wrote before that is not believed.
    const behindGateway = new ClientAddress(['loopback']);
    expect(behindGateway.of(request('127.0.0.1', '6.6.6.6, 198.51.100.1'))).toBe('198.51.100.1');
    // With a proxy in front of the gateway trusted too, the proxy's entry is read through.
    const behindProxyAndGateway = new ClientAddress(['loopback', '10.0.0.0/8']);
    expect(behindProxyAndGateway.of(request('127.0.0.1', '6.6.6.6, 198.51.100.1, 10.9.9.9'))).toBe('198.51.100.1');
  });

  it("a gateway's socket: the peer unless a trusted proxy forwards it", () => {
    const direct = new ClientAddress([]);
    expect(direct.of(request('127.0.0.1', '2.16.0.1'))).toBe('127.0.0.1');
    const behindProxies = new ClientAddress(['loopback', '10.0.0.0/8']);
    expect(behindProxies.of(request('127.0.0.1', '2.16.0.1'))).toBe('2.16.0.1');
    expect(behindProxies.of(request('10.1.2.3', '198.51.100.7, 2.16.0.1, 10.0.0.5'))).toBe('2.16.0.1');
  });

  it('refuses a trusted-hop list that is not addresses, subnets or their names', () => {
    expect(TrustedHops.parse(' loopback, 10.0.0.0/8 ,')).toEqual(['loopback', '10.0.0.0/8']);
    expect(TrustedHops.parse('')).toEqual([]);
    expect(TrustedHops.safeParse('not-an-address').success).toBe(false);
  });
});
