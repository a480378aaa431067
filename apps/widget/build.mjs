// Bundles the widget into one script (dist/livedesk.js) with a gzip copy the gateway serves to
// browsers that accept it, and esbuild's metafile for bench/ (run after `tsc -b`, which type-checks).
import { build } from 'esbuild';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';

const dist = new URL('./dist/', import.meta.url);
mkdirSync(dist, { recursive: true });
const result = await build({
  entryPoints: [new URL('./src/main.ts', import.meta.url).pathname],
  bundle: true,
  minify: true,
  format: 'iife',
  target: 'es2022',
  outfile: new URL('livedesk.js', dist).pathname,
  metafile: true,
  legalComments: 'none',
});
writeFileSync(new URL('meta.json', dist), JSON.stringify(result.metafile));
const script = readFileSync(new URL('livedesk.js', dist));
writeFileSync(new URL('livedesk.js.gz', dist), gzipSync(script, { level: 9 }));
