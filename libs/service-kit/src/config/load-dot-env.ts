import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseEnv } from 'node:util';

/**
 * Development convenience: variables from `./.env` fill in what the environment does not set
 * (the real environment always wins). Ignored when NODE_ENV is `production`, where the
 * orchestrator provides the environment.
 */
export function loadDotEnv(env: NodeJS.ProcessEnv, path = resolve(process.cwd(), '.env')): void {
  if (env.NODE_ENV === 'production' || !existsSync(path)) return;
  for (const [key, value] of Object.entries(parseEnv(readFileSync(path, 'utf8')))) {
    if (env[key] === undefined && value !== undefined) env[key] = value;
  }
}
