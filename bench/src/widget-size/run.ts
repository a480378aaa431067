import { ChatSystem, launchChromium } from '@livedesk/testing';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { machineLine, writeResultsSection } from '../results/results-file.js';

/**
 * The widget's first load as Chromium transfers it (issue 12: at most 40 KB compressed, and
 * nothing but the launcher before the visitor opens it). A shop page on an allowed origin embeds
 * `/widget/livedesk.js` from a real gateway; the DevTools network log's `encodedDataLength`
 * (bytes on the wire, headers included, compressed as served) is summed for every request but
 * the page's own document, first after load, then after the visitor opens the widget (the token
 * request and its CORS preflight; the socket's frames are counted apart). The esbuild metafile
 * says what the script is made of.
 */
const LIMIT_BYTES = 40 * 1024;
const META = fileURLToPath(new URL('../../../apps/widget/dist/meta.json', import.meta.url));

const kb = (bytes: number) => `${(bytes / 1024).toFixed(1)} KB`;

const system = await ChatSystem.start();
const browser = await launchChromium();
const page = createServer((request, response) => {
  const query = new URL(request.url ?? '/', 'http://page').searchParams;
  response.setHeader('content-type', 'text/html; charset=utf-8');
  response.end(`<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Shop</title></head><body><h1>Shop</h1>
<script src="${query.get('gateway')}/widget/livedesk.js" data-organization="${query.get('organization')}" async></script></body></html>`);
});
await new Promise<void>((resolve) => page.listen(0, '127.0.0.1', resolve));
const origin = `http://127.0.0.1:${(page.address() as AddressInfo).port}`;

try {
  const org = await system.createOrganization('Bench shop');
  const patched = await fetch(`${system.gatewayUrl()}/v1/organizations/${org.organization_id}`, {
    method: 'PATCH',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${system.adminToken}` },
    body: JSON.stringify({ allowed_origins: [origin] }),
  });
  if (patched.status !== 200) throw new Error(`allowed_origins: ${patched.status}`);

  const context = await browser.newContext({ viewport: { width: 360, height: 740 } });
  const tab = await context.newPage();
  const cdp = await context.newCDPSession(tab);
  await cdp.send('Network.enable');
  const urls = new Map<string, string>();
  const transferred: { url: string; bytes: number }[] = [];
  let socketFrameBytes = 0;
  cdp.on('Network.requestWillBeSent', (event) => urls.set(event.requestId, event.request.url));
  cdp.on('Network.loadingFinished', (event) =>
    transferred.push({ url: urls.get(event.requestId) ?? '?', bytes: event.encodedDataLength }),
  );
  cdp.on('Network.webSocketFrameReceived', (event) => (socketFrameBytes += event.response.payloadData.length));
  cdp.on('Network.webSocketFrameSent', (event) => (socketFrameBytes += event.response.payloadData.length));

  const pageUrl = `${origin}/?${new URLSearchParams({ gateway: system.gatewayUrl(), organization: org.organization_id }).toString()}`;
  await tab.goto(pageUrl, { waitUntil: 'networkidle' });
  await tab.waitForFunction('window.livedesk !== undefined');
  const widgetOnly = (entries: typeof transferred) => entries.filter((entry) => !entry.url.startsWith(origin));
  const beforeOpen = widgetOnly(transferred);
  const beforeOpenBytes = beforeOpen.reduce((sum, entry) => sum + entry.bytes, 0);
  const popupBeforeOpen = await tab.locator('#livedesk-widget .popup').count();

  await tab.getByRole('button', { name: 'Open chat' }).click();
  await tab.waitForEvent('websocket');
  await tab.waitForLoadState('networkidle');
  await new Promise((resolve) => setTimeout(resolve, 500));
  const afterOpen = widgetOnly(transferred).slice(beforeOpen.length);
  const afterOpenBytes = afterOpen.reduce((sum, entry) => sum + entry.bytes, 0);
  await context.close();

  const script = beforeOpen.find((entry) => entry.url.endsWith('/widget/livedesk.js'));
  if (!script) throw new Error('the page loaded no /widget/livedesk.js');
  const meta = JSON.parse(readFileSync(META, 'utf8')) as {
    inputs: Record<string, { bytes: number }>;
    outputs: Record<string, { bytes: number }>;
  };
  const inputBytes = (match: string, prefix = false) =>
    Object.entries(meta.inputs)
      .filter(([path]) => (prefix ? path.startsWith(match) : path.includes(match)))
      .reduce((sum, [, input]) => sum + input.bytes, 0);
  const minified = Object.values(meta.outputs).reduce((sum, output) => sum + output.bytes, 0);
  const verdict = beforeOpenBytes <= LIMIT_BYTES ? 'met' : 'missed';
  const chromium = browser.version();
  const date = new Date().toISOString().slice(0, 10);
  const markdown = `
## widget-size (\`pnpm bench:widget-size\`)

Run on ${date}: ${machineLine([`Chromium ${chromium}`])}. A shop page on an allowed origin embeds the
widget from a real gateway; bytes are Chromium's network log (\`encodedDataLength\`: on the wire,
response headers included, gzip as the gateway serves it), the page's own document left out.

| phase | requests | transferred |
|---|---|---|
| page loaded, widget closed (launcher only) | ${beforeOpen.map((entry) => `\`${new URL(entry.url).pathname}\``).join(', ')} | **${kb(beforeOpenBytes)}** |
| visitor opens the widget | ${afterOpen.map((entry) => `\`${new URL(entry.url).pathname}\``).join(', ') || '—'} | ${kb(afterOpenBytes)} |
| socket frames after opening (login) | — | ${kb(socketFrameBytes)} |

- The script: ${kb(script.bytes)} transferred gzipped, ${kb(minified)} minified (esbuild metafile: widget sources
  ${kb(inputBytes('src/', true))}, \`@livedesk/client\` ${kb(inputBytes('packages/client'))} before minifying). No fonts, no images,
  styles inside the script.
- Target: the whole first load at most 40 KB compressed: **${kb(beforeOpenBytes)}** (${verdict}); popup elements before
  opening: ${popupBeforeOpen}, and no token request or socket until the visitor opens it.
`;
  writeResultsSection('widget-size', markdown);
  console.log(markdown);
  if (verdict === 'missed' || popupBeforeOpen !== 0) process.exitCode = 1;
} finally {
  await browser.close();
  page.close();
  await system.stop();
}
