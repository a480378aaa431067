import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../../../../', import.meta.url));
/** The built CLI (`pnpm build`). */
const CLI = `${ROOT}tools/cli/dist/main.js`;

export interface CliRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

/**
 * Runs `livedesk <args>` as a real process with `env`, without the CLI's settings of the shell
 * that runs the tests (a developer's own would change what the CLI talks to).
 */
export function spawnCli(args: string[], env: Record<string, string> = {}): Promise<CliRun> {
  if (!existsSync(CLI)) throw new Error(`${CLI} is missing: run \`pnpm build\` first`);
  const {
    LIVEDESK_URL: _url,
    LIVEDESK_ADMIN_TOKEN: _token,
    LIVEDESK_METRICS_URL: _metrics,
    ...inherited
  } = process.env;
  const child = spawn(process.execPath, [CLI, ...args], {
    cwd: ROOT,
    env: { ...inherited, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('close', (code) => resolve({ code, stdout, stderr }));
  });
}
