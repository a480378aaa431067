import { Injectable } from '@nestjs/common';
import geoip from 'fast-geoip';
import { LRUCache } from 'lru-cache';
import type { VisitorLocation } from '@livedesk/contracts';

/**
 * Where a visitor's address is: country and city from `fast-geoip`, whose npm package carries
 * its own database (GeoLite2, IPv4) as many small files read on demand, so it works offline and
 * adds a few MiB to the gateway instead of loading a whole database into memory (see
 * docs/protocol.md, "Who the customer is"). An IPv6 address, a private one, or one the database
 * does not know has no location (null). Answers are kept per address, a visitor sends a page
 * view per page.
 */
@Injectable()
export class VisitorLocator {
  private readonly known = new LRUCache<string, { location: VisitorLocation | null }>({ max: 10_000 });

  async locate(address: string | undefined): Promise<VisitorLocation | null> {
    const ipv4 = address === undefined ? undefined : ipv4Of(address);
    if (ipv4 === undefined) return null;
    const cached = this.known.get(ipv4);
    if (cached) return cached.location;
    const found = await geoip.lookup(ipv4).catch(() => null);
    const location = found?.country ? { country: found.country, city: found.city || null } : null;
    this.known.set(ipv4, { location });
    return location;
  }
}

/** The dotted IPv4 address, also of an IPv4-mapped IPv6 one (`::ffff:1.2.3.4`, how Node names IPv4 peers of a dual-stack socket). */
function ipv4Of(address: string): string | undefined {
  const bare = address.startsWith('::ffff:') ? address.slice(7) : address;
  return /^\d{1,3}(\.\d{1,3}){3}$/.test(bare) ? bare : undefined;
}
