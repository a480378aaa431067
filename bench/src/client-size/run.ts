import { build, type Metafile } from 'esbuild';
import { gzipSync } from 'node:zlib';
import { fileURLToPath } from 'node:url';
import { machineLine, writeResultsSection } from '../results/results-file.js';

/**
 * The size a browser downloads for `@livedesk/client`: its built ESM bundled for the browser by
 * esbuild, minified, then gzipped. `platform: 'browser'` refuses any Node-only import, and the
 * metafile names every input, so a validator (zod) slipping into the bundle shows here.
 * Target (issue 12): the customer client at most 15 KB minified and gzipped.
 */
const LIMIT_BYTES = 15 * 1024;
const DIST = fileURLToPath(new URL('../../../packages/client/dist/', import.meta.url));

interface Measured {
  entry: string;
  minified: number;
  gzipped: number;
  inputs: string[];
}

async function measure(entry: string): Promise<Measured> {
  const result = await build({
    entryPoints: [`${DIST}${entry}`],
    bundle: true,
    minify: true,
    format: 'esm',
    platform: 'browser',
    target: 'es2020',
    write: false,
    metafile: true,
    logLevel: 'silent',
  });
  const output = result.outputFiles[0]!;
  const meta: Metafile = result.metafile;
  return {
    entry,
    minified: output.contents.byteLength,
    gzipped: gzipSync(output.contents, { level: 9 }).byteLength,
    inputs: Object.keys(meta.inputs).map((path) => path.replace(/^.*packages\/client\/dist\//, '')),
  };
}

const kb = (bytes: number) => `${(bytes / 1024).toFixed(1)} KB`;

const customer = await measure('customer.js');
const all = await measure('index.js');
for (const measured of [customer, all]) {
  const foreign = measured.inputs.filter((path) => path.includes('node_modules'));
  if (foreign.length > 0) throw new Error(`${measured.entry} bundles dependencies: ${foreign.join(', ')}`);
}
const verdict = customer.gzipped <= LIMIT_BYTES ? 'met' : 'missed';
const date = new Date().toISOString().slice(0, 10);
const markdown = `
## client-size (\`pnpm bench:client-size\`)

Run on ${date}: ${machineLine([`esbuild ${(await import('esbuild')).version}`])}. The built \`packages/client/dist\`
bundled by esbuild for the browser (ESM, minified, target es2020), gzipped at level 9; inputs from
the metafile.

| entry | what it is | minified | minified + gzip |
|---|---|---|---|
| \`@livedesk/client/customer\` | the customer client (a widget's bundle) | ${kb(customer.minified)} | **${kb(customer.gzipped)}** |
| \`@livedesk/client\` | customer and agent clients | ${kb(all.minified)} | ${kb(all.gzipped)} |

- Target: the customer client at most 15 KB minified and gzipped: **${kb(customer.gzipped)}** (${verdict}).
- Inputs of the customer bundle: ${customer.inputs.map((path) => `\`${path}\``).join(', ')} — no dependency, no validator.
`;
writeResultsSection('client-size', markdown);
console.log(markdown);
if (verdict === 'missed') process.exitCode = 1;
