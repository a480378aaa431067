/**
 * Writes docs/openapi/ticketing.json: `pnpm openapi` (builds first, then runs the built
 * scripts). `openapi-document.unit.spec.ts` fails while the file is stale.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildOpenApiDocument } from './openapi-document.js';

// dist/http/ (or src/http/) → the repository root.
const target = fileURLToPath(new URL('../../../../docs/openapi/ticketing.json', import.meta.url));
mkdirSync(dirname(target), { recursive: true });
writeFileSync(target, `${JSON.stringify(buildOpenApiDocument(), null, 2)}\n`);
process.stdout.write(`wrote ${target}\n`);
