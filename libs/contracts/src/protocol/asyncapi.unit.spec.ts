import { describe, expect, it } from '@jest/globals';
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { agentActions, customerActions } from './actions.js';
import { buildAsyncApiDocument, serializeAsyncApiDocument } from './asyncapi.js';
import { pushes } from './pushes.js';

const COMMITTED = fileURLToPath(new URL('../../../../docs/asyncapi.json', import.meta.url));

interface Document {
  asyncapi: string;
  channels: Record<string, { address: string; messages: Record<string, { $ref: string }> }>;
  operations: Record<
    string,
    { action: string; messages: { $ref: string }[]; reply?: { messages: { $ref: string }[] } }
  >;
  components: { messages: Record<string, unknown>; schemas: Record<string, unknown> };
}

const document = buildAsyncApiDocument() as unknown as Document;

/** Resolves a local `$ref` (`#/a/b`) against the document, unescaping RFC 6901 tokens. */
function resolve(pointer: string): unknown {
  if (!pointer.startsWith('#/')) throw new Error(`not a local reference: ${pointer}`);
  return pointer
    .slice(2)
    .split('/')
    .map((token) => token.replace(/~1/g, '/').replace(/~0/g, '~'))
    .reduce<unknown>(
      (node, token) => (node && typeof node === 'object' ? (node as Record<string, unknown>)[token] : undefined),
      document,
    );
}

function allRefs(node: unknown, found: string[] = []): string[] {
  if (Array.isArray(node)) for (const item of node) allRefs(item, found);
  else if (node && typeof node === 'object') {
    for (const [key, value] of Object.entries(node)) {
      if (key === '$ref' && typeof value === 'string') found.push(value);
      else allRefs(value, found);
    }
  }
  return found;
}

describe('the AsyncAPI document', () => {
  it('is committed as docs/asyncapi.json, up to date', () => {
    const committed = existsSync(COMMITTED) ? readFileSync(COMMITTED, 'utf8') : '(missing)';
    const generated = serializeAsyncApiDocument();
    if (committed !== generated) {
      throw new Error('docs/asyncapi.json is stale or missing: run `pnpm asyncapi` and commit the file');
    }
  });

  it('is the same on every build (stable key order)', () => {
    expect(serializeAsyncApiDocument(buildAsyncApiDocument())).toBe(serializeAsyncApiDocument(buildAsyncApiDocument()));
  });

  it('is AsyncAPI 3.0.0 with the two real-time channels', () => {
    expect(document.asyncapi).toBe('3.0.0');
    expect(Object.values(document.channels).map((channel) => channel.address)).toEqual([
      '/v1/customer/rtm',
      '/v1/agent/rtm',
    ]);
  });

  it.each([
    ['customer', customerActions],
    ['agent', agentActions],
  ] as const)(
    'has every %s action as a request the gateway receives, replied with its response or the error',
    (side, actions) => {
      for (const action of Object.keys(actions)) {
        const operation = document.operations[`${side}.${action}`];
        expect(operation?.action).toBe('receive');
        expect(operation?.messages.map((m) => m.$ref)).toEqual([
          `#/channels/${side}Rtm/messages/${side}.${action}.request`,
        ]);
        expect(operation?.reply?.messages.map((m) => m.$ref)).toEqual([
          `#/channels/${side}Rtm/messages/${side}.${action}.response`,
          `#/channels/${side}Rtm/messages/error`,
        ]);
        expect(document.components.schemas[`${side}.${action}.request`]).toBeDefined();
        expect(document.components.schemas[`${side}.${action}.response`]).toBeDefined();
      }
    },
  );

  it('has every push as a message the gateway sends on the channels of its audience', () => {
    for (const [push, { to }] of Object.entries(pushes)) {
      const sides = to === 'both' ? ['customer', 'agent'] : [to];
      for (const side of ['customer', 'agent']) {
        const operation = document.operations[`${side}.push.${push}`];
        if (sides.includes(side)) expect(operation?.action).toBe('send');
        else expect(operation).toBeUndefined();
      }
      expect(document.components.messages[`push.${push}`]).toBeDefined();
    }
  });

  it('resolves every $ref', () => {
    const unresolved = allRefs(document).filter((pointer) => resolve(pointer) === undefined);
    expect(unresolved).toEqual([]);
  });

  it('wraps each payload in the full frame: request_id, the action as a constant, the payload', () => {
    const request = document.components.schemas['customer.send_event.request'] as {
      properties: Record<string, unknown>;
      required: string[];
    };
    expect(request.properties.action).toEqual({ type: 'string', const: 'send_event' });
    expect(request.properties.request_id).toEqual({ $ref: '#/components/schemas/RequestId' });
    expect(request.required).toEqual(['request_id', 'action', 'payload']);
    // Every field of start_chat is optional, so its payload may be left out (the gateway reads `{}`).
    const startChat = document.components.schemas['customer.start_chat.request'] as {
      required: string[];
      properties: { payload: { default?: unknown } };
    };
    expect(startChat.required).toEqual(['request_id', 'action']);
    expect(startChat.properties.payload.default).toEqual({});
    const push = document.components.schemas['push.incoming_event'] as { properties: Record<string, unknown> };
    expect(push.properties.type).toEqual({ type: 'string', const: 'push' });
  });

  it('keeps additionalProperties false only where the gateway refuses unknown keys', () => {
    const request = document.components.schemas['agent.join_chat.request'] as {
      properties: { payload: { additionalProperties?: unknown } };
    };
    expect(request.properties.payload.additionalProperties).toBe(false);
    const summary = document.components.schemas.ChatSummary as { additionalProperties?: unknown };
    expect(summary.additionalProperties).toBeUndefined();
  });
});
