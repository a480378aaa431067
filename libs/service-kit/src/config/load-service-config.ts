import { z } from 'zod';
import { loadDotEnv } from './load-dot-env.js';
import { ServiceConfigError } from './service-config-error.js';
import { serviceConfigShape, type ServiceConfig } from './service-config-schema.js';

export interface LoadServiceConfigOptions<E extends z.ZodRawShape> {
  /** PORT when the environment does not set it. */
  defaultPort: number;
  /** The service's own variables, parsed together with the common ones. */
  extension?: E;
  /** Default `process.env` (with `.env` filled in). */
  env?: NodeJS.ProcessEnv;
}

/** Variables whose values are secrets (`LIVEDESK_ADMIN_TOKEN`, `LIVEDESK_JWT_SECRET`, passwords, URLs with credentials). */
const SECRET_NAME = /TOKEN|SECRET|PASSWORD|KEY|DATABASE_URL|REDIS_URL|NATS_URL|SMTP_RELAY_URL/;

/**
 * Parses the environment before anything starts. Throws `ServiceConfigError` naming each
 * invalid variable; `bootstrapService` prints it and exits 1. An empty value counts as unset,
 * so `PORT=` in a compose file means "the default", not port 0.
 */
export function loadServiceConfig<E extends z.ZodRawShape = Record<never, never>>(
  options: LoadServiceConfigOptions<E>,
): ServiceConfig & z.infer<z.ZodObject<E>> {
  if (!options.env) loadDotEnv(process.env);
  const env = options.env ?? process.env;
  const schema = z.object({ ...serviceConfigShape(options.defaultPort), ...(options.extension ?? ({} as E)) });
  const present = Object.fromEntries(Object.entries(env).filter(([, value]) => value !== undefined && value !== ''));
  const result = schema.safeParse(present);
  if (!result.success) {
    throw new ServiceConfigError(
      result.error.issues.map((issue) => {
        const name = issue.path.join('.');
        const value = env[name];
        // Never echo a secret into logs, not even a wrong one.
        const shown = SECRET_NAME.test(name) ? '(value hidden)' : JSON.stringify(value);
        return `${name}: ${issue.message}${value === undefined ? '' : ` (got ${shown})`}`;
      }),
    );
  }
  return result.data as ServiceConfig & z.infer<z.ZodObject<E>>;
}
