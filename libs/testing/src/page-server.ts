import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface PageServer {
  /** This server's origin, `http://127.0.0.1:PORT`. */
  origin: string;
  /** A picture served by this site (`/avatar.svg`), to be an agent's avatar. */
  avatarUrl: string;
  /** A shop page embedding the widget of `organization` from `gatewayUrl`. */
  pageUrl(gatewayUrl: string, organization: string, group: string): string;
  close(): Promise<void>;
}

/**
 * A company's site on an origin of its own, for browser tests: one page with some content and
 * the widget's script tag (docs/protocol.md), and a picture to be an agent's avatar.
 */
export async function startPageServer(): Promise<PageServer> {
  const server: Server = createServer((request, response) => {
    const url = new URL(request.url ?? '/', 'http://page');
    if (url.pathname === '/avatar.svg') {
      response.setHeader('content-type', 'image/svg+xml');
      response.end(
        '<svg xmlns="http://www.w3.org/2000/svg" width="64" height="64"><circle cx="32" cy="32" r="32" fill="#7c3aed"/></svg>',
      );
      return;
    }
    const gateway = url.searchParams.get('gateway') ?? '';
    const organization = url.searchParams.get('organization') ?? '';
    const group = url.searchParams.get('group') ?? '';
    const attribute = (value: string) => value.replace(/[^A-Za-z0-9:/._-]/g, '');
    response.setHeader('content-type', 'text/html; charset=utf-8');
    response.end(`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Example shop</title></head>
<body style="font-family:sans-serif;margin:0;padding:16px">
<h1>Example shop</h1>
<p>Our products, prices and delivery times. The chat widget must not cover this text.</p>
<script src="${attribute(gateway)}/widget/livedesk.js" data-organization="${attribute(organization)}" data-group="${attribute(group)}" async></script>
</body></html>`);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    origin,
    avatarUrl: `${origin}/avatar.svg`,
    pageUrl: (gatewayUrl, organization, group) =>
      `${origin}/shop?${new URLSearchParams({ gateway: gatewayUrl, organization, group }).toString()}`,
    close: () => new Promise<void>((resolve, reject) => server.close((error) => (error ? reject(error) : resolve()))),
  };
}
