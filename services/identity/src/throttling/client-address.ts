import type { IncomingMessage } from 'node:http';
import proxyAddr from 'proxy-addr';

/**
 * The address of the client that sent a request: the socket's peer, unless that peer is a
 * trusted hop (a gateway that forwards the public URLs, `TRUSTED_GATEWAYS`, or a proxy in front
 * of it, `TRUSTED_PROXIES`), in which case X-Forwarded-For is read from the right, skipping
 * trusted hops (the `proxy-addr` rules Express uses). The gateway appends the address it saw
 * to X-Forwarded-For, so the client is the one the gateway would have named.
 */
export class ClientAddress {
  private readonly trust: (address: string, hop: number) => boolean;

  constructor(trustedHops: readonly string[]) {
    this.trust = proxyAddr.compile([...trustedHops]);
  }

  of(request: IncomingMessage): string {
    return proxyAddr(request, this.trust);
  }
}
