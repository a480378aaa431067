import type { IncomingMessage } from 'node:http';
import proxyAddr from 'proxy-addr';

/**
 * The address of the client of a socket's upgrade request: the TCP peer, unless the peer is a
 * trusted proxy (`TRUSTED_PROXIES`), whose `X-Forwarded-For` is then read from the right,
 * skipping trusted hops (`proxy-addr`, the rules Express and the identity service follow).
 * Untrusted, `X-Forwarded-For` is anyone's to write, so it is ignored.
 */
export class ClientAddress {
  private readonly trust: (address: string, hop: number) => boolean;

  constructor(trustedProxies: readonly string[]) {
    this.trust = proxyAddr.compile([...trustedProxies]);
  }

  of(request: IncomingMessage): string | undefined {
    try {
      return proxyAddr(request, this.trust);
    } catch {
      return request.socket.remoteAddress;
    }
  }
}
