import { randomBytes } from 'node:crypto';
import type { Command } from 'commander';

/** One secret setting of the services, and how a fresh value of it is made. */
export interface SecretSetting {
  name: string;
  /** Random bytes in the value: 32 bytes are 256 bits, beyond any guessing. */
  bytes: number;
  encoding: 'base64url' | 'hex';
  /** Written before the random part (a value that must start with a letter). */
  prefix?: string;
  /** A `#` comment written above the line: what it is and what changing it does. */
  note: string;
}

/**
 * Every secret the services read (`.env.example`), and the two passwords docker-compose.yml
 * gives Postgres and NATS. The minimum lengths the services check
 * (`libs/auth/src/auth-config.ts`: 16 and 32 characters; ticketing's mailbox secret 32) are far
 * below these values' 43 to 64 characters. base64url and hex need no quoting in a `.env` file or
 * a shell.
 */
export const SECRET_SETTINGS: readonly SecretSetting[] = [
  {
    name: 'LIVEDESK_ADMIN_TOKEN',
    bytes: 32,
    encoding: 'base64url',
    note: 'the installation admin token (Authorization: Bearer ...): gateway, ticketing and metrics',
  },
  {
    name: 'LIVEDESK_JWT_SECRET',
    bytes: 48,
    encoding: 'base64url',
    note: 'signs livedesk tokens: the same in every replica of the gateway, ticketing and metrics; a new one logs everybody out',
  },
  {
    name: 'TICKETING_MAILBOX_SECRET',
    bytes: 32,
    encoding: 'hex',
    note: "signs the organizations' inbound email addresses (ticketing); a new one changes every address, so set it once",
  },
  {
    name: 'POSTGRES_PASSWORD',
    bytes: 32,
    encoding: 'base64url',
    note: "docker-compose.yml: the password of Postgres's postgres user, set when its volume is first created (changing it later needs ALTER ROLE)",
  },
  {
    name: 'NATS_PASSWORD',
    bytes: 32,
    encoding: 'hex',
    // nats-server reads the variable as a config value: one starting with a digit may be taken for a number.
    prefix: 'nats',
    note: "docker-compose.yml: the password every client gives NATS (deploy/nats/nats.conf), in the services' NATS_URL",
  },
];

/** The lines of a `.env` file with a fresh value for each setting, from `random` (node:crypto's randomBytes). */
export function freshSecretsEnv(
  settings: readonly SecretSetting[] = SECRET_SETTINGS,
  random: (size: number) => Buffer = randomBytes,
): string {
  const lines = ['# Fresh livedesk secrets (livedesk secrets). Keep them out of version control.'];
  for (const setting of settings) {
    lines.push(
      `# ${setting.note}`,
      `${setting.name}=${setting.prefix ?? ''}${random(setting.bytes).toString(setting.encoding)}`,
    );
  }
  return `${lines.join('\n')}\n`;
}

/** `livedesk secrets`: prints fresh secrets in `.env` format to stdout, as they are (`pnpm -s livedesk secrets >> .env`: `-s` keeps pnpm's own lines out). */
export function addSecretsCommand(program: Command, write: (text: string) => void): void {
  program
    .command('secrets')
    .description('print fresh values for every secret setting, in .env format (e.g. >> .env); calls no service')
    .action(() => write(freshSecretsEnv()));
}
