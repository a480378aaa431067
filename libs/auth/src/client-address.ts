import type { IncomingMessage } from 'node:http';
import proxyAddr from 'proxy-addr';
import { z } from 'zod';

/**
 * Hops whose `X-Forwarded-For` is believed (`TRUSTED_PROXIES`, identity's `TRUSTED_GATEWAYS`):
 * addresses, CIDR subnets, `loopback`, `linklocal` or `uniquelocal`, comma-separated; each
 * service gives its own default.
 */
export const TrustedHops = z
  .string()
  .transform((value) =>
    value
      .split(',')
      .map((entry) => entry.trim())
      .filter((entry) => entry.length > 0),
  )
  .refine((entries) => {
    try {
      proxyAddr.compile(entries);
      return true;
    } catch {
      return false;
    }
  }, 'expected addresses, CIDR subnets, loopback, linklocal or uniquelocal, comma-separated');

/**
 * The address of the client that sent a request (an HTTP request, a socket's upgrade): the
 * socket's peer, unless that peer is a trusted hop, in which case X-Forwarded-For is read from
 * the right, skipping trusted hops (the `proxy-addr` rules Express uses). Untrusted,
 * X-Forwarded-For is anyone's to write, so it is ignored. The identity service trusts the
 * gateways (which append the address they saw) and the proxies in front of them; the gateway
 * trusts its proxies.
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
