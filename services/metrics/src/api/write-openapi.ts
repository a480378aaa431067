/**
 * Writes docs/openapi/metrics.json: `pnpm openapi` (builds first, then runs the built scripts).
 * `metrics-openapi.unit.spec.ts` fails while the file is stale.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { metricsOpenApiDocument } from './metrics-openapi.js';

// dist/api/ (or src/api/) → the repository root.
const target = fileURLToPath(new URL('../../../../docs/openapi/metrics.json', import.meta.url));
mkdirSync(dirname(target), { recursive: true });
writeFileSync(target, `${JSON.stringify(metricsOpenApiDocument(), null, 2)}\n`);
process.stdout.write(`wrote ${target}\n`);
