import { describe, expect, it } from '@jest/globals';
import { DeskOrigins, parseDeskOrigins } from './desk-origins.js';

describe("DeskOrigins: the agent desk's origins", () => {
  const desk = new DeskOrigins(['https://desk.example']);

  it('accepts the listed origins, written any case', () => {
    expect(desk.allows('https://desk.example', 'gateway.example')).toBe(true);
    expect(desk.allows('HTTPS://DESK.EXAMPLE:443', undefined)).toBe(true);
  });

  it("accepts the gateway's own origin: the Origin's host and port are the request's Host", () => {
    expect(desk.allows('https://gateway.example', 'gateway.example')).toBe(true);
    expect(desk.allows('https://gateway.example', 'Gateway.Example:443')).toBe(true);
    expect(desk.allows('http://127.0.0.1:8080', '127.0.0.1:8080')).toBe(true);
  });

  it('refuses another site, another port of the same host, and an Origin that is no origin', () => {
    expect(desk.allows('https://evil.example', 'gateway.example')).toBe(false);
    expect(desk.allows('http://127.0.0.1:9999', '127.0.0.1:8080')).toBe(false);
    expect(desk.allows('https://gateway.example.evil.test', 'gateway.example')).toBe(false);
    expect(desk.allows('null', 'gateway.example')).toBe(false);
    expect(desk.allows('https://evil.example', undefined)).toBe(false);
  });
});

describe('parseDeskOrigins: the DESK_ORIGINS setting', () => {
  it('reads a comma-separated list, normalized, and names an entry that is not an origin', () => {
    expect(parseDeskOrigins('')).toEqual({ origins: [] });
    expect(parseDeskOrigins(' https://Desk.Example , http://localhost:5173,')).toEqual({
      origins: ['https://desk.example', 'http://localhost:5173'],
    });
    expect(parseDeskOrigins('https://desk.example,desk.example/app')).toEqual({ invalid: 'desk.example/app' });
  });
});
