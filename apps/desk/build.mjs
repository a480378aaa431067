// Bundles the desk into dist/desk.js and copies its page (run after `tsc -b`, which type-checks).
import { build } from 'esbuild';
import { copyFileSync, mkdirSync } from 'node:fs';

const dist = new URL('./dist/', import.meta.url);
mkdirSync(dist, { recursive: true });
await build({
  entryPoints: [new URL('./src/main.ts', import.meta.url).pathname],
  bundle: true,
  minify: true,
  format: 'iife',
  target: 'es2022',
  outfile: new URL('desk.js', dist).pathname,
  legalComments: 'none',
});
copyFileSync(new URL('./src/index.html', import.meta.url), new URL('index.html', dist));
