/**
 * Writes docs/asyncapi.json from the contracts: `pnpm asyncapi` (builds first, then runs the
 * built script). The unit test `asyncapi.unit.spec.ts` fails while the file is stale.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { serializeAsyncApiDocument } from './asyncapi.js';

// dist/protocol/ (or src/protocol/) → the repository root.
const target = fileURLToPath(new URL('../../../../docs/asyncapi.json', import.meta.url));
mkdirSync(dirname(target), { recursive: true });
writeFileSync(target, serializeAsyncApiDocument());
process.stdout.write(`wrote ${target}\n`);
