import { describe, expect, it } from '@jest/globals';
import { build } from 'esbuild';
import { fileURLToPath } from 'node:url';

const SRC = fileURLToPath(new URL('../../../packages/client/src/', import.meta.url));

/** Bundles an entry of @livedesk/client for the browser, as a widget's build would. */
async function bundle(entry: string): Promise<string[]> {
  const result = await build({
    entryPoints: [`${SRC}${entry}`],
    bundle: true,
    format: 'esm',
    platform: 'browser',
    write: false,
    metafile: true,
    logLevel: 'silent',
  });
  return Object.keys(result.metafile.inputs);
}

// The SDK runs in browsers: an import of a Node module (`node:*`, `ws`) or of a validator would
// fail a browser build or swell the widget. esbuild refuses Node built-ins on the browser platform.
describe('@livedesk/client in a browser bundle', () => {
  it.each(['customer.ts', 'index.ts'])('%s bundles for the browser from its own sources only', async (entry) => {
    const inputs = await bundle(entry);
    expect(inputs.length).toBeGreaterThan(3);
    for (const input of inputs) expect(input).toMatch(/packages\/client\/src\/[a-z-]+\.ts$/);
    expect(inputs.some((input) => input.includes('/testing/') || input.includes('.spec.'))).toBe(false);
  });
});
