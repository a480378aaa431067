import { describe, expect, it } from '@jest/globals';
import type { WebSocket } from 'ws';
import { successFrame } from '@livedesk/contracts';
import { FrameRateLimit } from './rate-limiter.js';
import { RtmConnection } from './rtm-connection.js';

function connection(): { connection: RtmConnection; sent: string[] } {
  const sent: string[] = [];
  const socket = { readyState: 1, OPEN: 1, send: (text: string) => sent.push(text) } as unknown as WebSocket;
  const rateLimit = new FrameRateLimit({ ratePerSecond: 10, burst: 10, floodAllowance: 10 });
  return { connection: new RtmConnection('c1', 'customer', socket, rateLimit), sent };
}

const actions = (sent: string[]) => sent.map((text) => JSON.parse(text).action);

describe('RtmConnection, pushes held while a login is answered', () => {
  it('sends the answer first, then the held pushes in their order, then the next ones at once', () => {
    const { connection: c, sent } = connection();
    c.holdPushes();
    c.push('incoming_event', { version: 4 });
    c.sendText(JSON.stringify({ type: 'push', action: 'events_seen', payload: {} }));
    expect(sent).toEqual([]);
    c.respond(successFrame('r-1', 'login', { chats: [] }));
    c.releasePushes();
    c.push('incoming_event', { version: 5 });
    expect(actions(sent)).toEqual(['login', 'incoming_event', 'events_seen', 'incoming_event']);
    expect(sent.map((text) => JSON.parse(text).payload.version)).toEqual([undefined, 4, undefined, 5]);
  });

  it('drops what it held when the login is refused, and sends pushes again once released', () => {
    const { connection: c, sent } = connection();
    c.holdPushes();
    c.push('incoming_event', { version: 1 });
    c.dropHeldPushes();
    c.releasePushes();
    expect(sent).toEqual([]);
    c.push('incoming_event', { version: 2 });
    expect(actions(sent)).toEqual(['incoming_event']);
  });
});
