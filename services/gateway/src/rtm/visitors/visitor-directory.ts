import { Inject, Injectable } from '@nestjs/common';
import type { Redis } from 'ioredis';
import type { Visitor, VisitorLocation } from '@livedesk/contracts';
import { REDIS } from '@livedesk/service-kit';

/** A visitor counts as on the site this long after their last page view. */
export const VISITOR_ONLINE_MS = 5 * 60_000;
/** A visit ends after this long without a page view; the next page view starts another. */
export const VISIT_IDLE_MS = 30 * 60_000;
/** The pages of a visit kept (the latest). */
export const VISIT_PAGES_KEPT = 50;

/** A visitor as stored: the local time is computed when read, from the time zone. */
type StoredVisitor = Omit<Visitor, 'local_time'>;
interface VisitPage {
  url: string;
  title: string | null;
  referrer: string | null;
  viewed_at: string;
}

/** The visitor with their wall-clock time now, in their browser's time zone (`YYYY-MM-DDTHH:mm:ss`). */
export function withLocalTime(visitor: StoredVisitor, now: Date): Visitor {
  return {
    ...visitor,
    location: visitor.location ?? null,
    time_zone: visitor.time_zone ?? null,
    language: visitor.language ?? null,
    local_time: localTimeIn(visitor.time_zone ?? null, now),
  };
}

function localTimeIn(timeZone: string | null, now: Date): string | null {
  if (timeZone === null) return null;
  try {
    // sv-SE writes dates as YYYY-MM-DD and times as HH:mm:ss.
    return new Intl.DateTimeFormat('sv-SE', {
      timeZone,
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
      hourCycle: 'h23',
    })
      .format(now)
      .replace(' ', 'T');
  } catch {
    return null;
  }
}

/**
 * Who is on the organization's site now, in Redis (shared by the replicas): a sorted set of
 * visitors by last page view, and their last page. Page views are not events: they need no
 * history, and they are the most frequent thing a site sends.
 */
@Injectable()
export class VisitorDirectory {
  constructor(@Inject(REDIS) private readonly redis: Redis) {}

  /**
   * A page view: the visitor's row in the list of who is online, and a page of their visit. A
   * visit is the pages since the visitor arrived, until they are away for `VISIT_IDLE_MS`; the
   * browser's time zone and language, and the location, are kept from the last view that had them.
   */
  async pageViewed(
    organizationId: string,
    visitorId: string,
    page: {
      url: string;
      title?: string | undefined;
      referrer?: string | undefined;
      time_zone?: string | undefined;
      language?: string | undefined;
    },
    location: VisitorLocation | null,
    now = new Date(),
  ): Promise<Visitor> {
    const previous = await this.redis.get(this.visitorKey(organizationId, visitorId));
    const before = previous === null ? undefined : (JSON.parse(previous) as StoredVisitor);
    const visitor: StoredVisitor = {
      visitor_id: visitorId,
      url: page.url,
      title: page.title ?? null,
      referrer: page.referrer ?? null,
      last_seen_at: now.toISOString(),
      location: location ?? before?.location ?? null,
      time_zone: page.time_zone ?? before?.time_zone ?? null,
      language: page.language ?? before?.language ?? null,
    };
    const json = JSON.stringify(visitor);
    const pageJson = JSON.stringify({
      url: visitor.url,
      title: visitor.title,
      referrer: visitor.referrer,
      viewed_at: visitor.last_seen_at,
    });
    const pagesKey = this.visitPagesKey(organizationId, visitorId);
    await this.redis
      .multi()
      .zadd(this.seenKey(organizationId), now.getTime(), visitorId)
      .hset(this.pagesKey(organizationId), visitorId, json)
      .set(this.visitorKey(organizationId, visitorId), json, 'PX', VISIT_IDLE_MS)
      .rpush(pagesKey, pageJson)
      .ltrim(pagesKey, -VISIT_PAGES_KEPT, -1)
      .pexpire(pagesKey, VISIT_IDLE_MS)
      .exec();
    return withLocalTime(visitor, now);
  }

  /** The visitor's current visit with its pages, oldest first; null when they have been away `VISIT_IDLE_MS` (or never came). */
  async visitOf(
    organizationId: string,
    visitorId: string,
    now = new Date(),
  ): Promise<(Visitor & { pages: VisitPage[] }) | null> {
    const [stored, pages] = await Promise.all([
      this.redis.get(this.visitorKey(organizationId, visitorId)),
      this.redis.lrange(this.visitPagesKey(organizationId, visitorId), 0, -1),
    ]);
    if (stored === null) return null;
    return {
      ...withLocalTime(JSON.parse(stored) as StoredVisitor, now),
      pages: pages.map((page) => JSON.parse(page) as VisitPage),
    };
  }

  async online(organizationId: string, now = Date.now()): Promise<Visitor[]> {
    const cutoff = now - VISITOR_ONLINE_MS;
    const gone = await this.redis.zrangebyscore(this.seenKey(organizationId), '-inf', `(${cutoff}`);
    if (gone.length > 0) {
      await this.redis
        .multi()
        .zrem(this.seenKey(organizationId), ...gone)
        .hdel(this.pagesKey(organizationId), ...gone)
        .exec();
    }
    const ids = await this.redis.zrevrangebyscore(this.seenKey(organizationId), '+inf', cutoff, 'LIMIT', 0, 500);
    if (ids.length === 0) return [];
    const pages = await this.redis.hmget(this.pagesKey(organizationId), ...ids);
    const at = new Date(now);
    return pages
      .filter((page): page is string => page !== null)
      .map((page) => withLocalTime(JSON.parse(page) as StoredVisitor, at));
  }

  async isOnline(organizationId: string, visitorId: string, now = Date.now()): Promise<boolean> {
    const seen = await this.redis.zscore(this.seenKey(organizationId), visitorId);
    return seen !== null && Number(seen) >= now - VISITOR_ONLINE_MS;
  }

  private seenKey(organizationId: string): string {
    return `gateway:{${organizationId}}:visitors`;
  }

  private visitorKey(organizationId: string, visitorId: string): string {
    return `gateway:{${organizationId}}:visitor:${visitorId}`;
  }

  private visitPagesKey(organizationId: string, visitorId: string): string {
    return `gateway:{${organizationId}}:visit-pages:${visitorId}`;
  }

  private pagesKey(organizationId: string): string {
    return `gateway:{${organizationId}}:visitor-pages`;
  }
}
