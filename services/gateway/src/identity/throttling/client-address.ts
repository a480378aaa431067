import type { IncomingMessage } from 'node:http';
import proxyAddr from 'proxy-addr';

/**
 * The address of the client that sent a request: the socket's peer, unless that peer is a
 * trusted proxy (`TRUSTED_PROXIES`), in which case X-Forwarded-For is read from the right,
 * skipping trusted proxies (the `proxy-addr` rules Express uses).
 */
export class ClientAddress {
  private readonly trust: (address: string, hop: number) => boolean;

  constructor(trustedProxies: readonly string[]) {
    this.trust = proxyAddr.compile([...trustedProxies]);
  }

  of(request: IncomingMessage): string {
    return proxyAddr(request, this.trust);
  }
}
