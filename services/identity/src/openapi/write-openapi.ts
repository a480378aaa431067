/**
 * Writes docs/openapi/identity.json from the operations' zod schemas: `pnpm openapi` (builds
 * first, then runs the built scripts). `identity-api.unit.spec.ts` fails while the file is stale.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { identityOpenApiDocument } from './identity-api.js';

// dist/openapi/ (or src/openapi/) → the repository root.
const target = fileURLToPath(new URL('../../../../docs/openapi/identity.json', import.meta.url));
mkdirSync(dirname(target), { recursive: true });
writeFileSync(target, `${JSON.stringify(identityOpenApiDocument(), null, 2)}\n`);
process.stdout.write(`wrote ${target}\n`);
