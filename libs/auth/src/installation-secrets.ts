import { createHash, timingSafeEqual } from 'node:crypto';
import type { AuthSettings } from './auth-config.js';

export interface SecretsLogger {
  warn(message: string): void;
}

/**
 * Outside production an unset secret takes these development values, so that every service of
 * a `pnpm start` on a laptop agrees on them (the identity service signs tokens that the gateway,
 * ticketing and metrics verify). Production refuses to start without real ones, and refuses
 * these (auth-config.ts); docker-compose.yml runs the services in production.
 */
export const DEVELOPMENT_ADMIN_TOKEN = 'livedesk-dev-admin-token';
export const DEVELOPMENT_JWT_SECRET = 'livedesk-dev-jwt-secret-change-me-0123456789';

/**
 * The installation admin token and the key that signs livedesk tokens, the same in every service
 * and replica.
 */
export class InstallationSecrets {
  private readonly adminTokenDigest: Buffer;

  constructor(
    adminToken: string,
    readonly jwtSecret: string,
  ) {
    this.adminTokenDigest = sha256(adminToken);
  }

  static fromConfig(
    config: Pick<AuthSettings, 'LIVEDESK_ADMIN_TOKEN' | 'LIVEDESK_JWT_SECRET'>,
    logger: SecretsLogger,
  ): InstallationSecrets {
    let adminToken = config.LIVEDESK_ADMIN_TOKEN;
    if (adminToken === undefined) {
      adminToken = DEVELOPMENT_ADMIN_TOKEN;
      logger.warn(
        `LIVEDESK_ADMIN_TOKEN is not set: the installation admin token is the development one, ${adminToken} ` +
          '(set LIVEDESK_ADMIN_TOKEN for anything reachable by others; production requires it)',
      );
    }
    let jwtSecret = config.LIVEDESK_JWT_SECRET;
    if (jwtSecret === undefined) {
      jwtSecret = DEVELOPMENT_JWT_SECRET;
      logger.warn(
        'LIVEDESK_JWT_SECRET is not set: tokens are signed with the public development key, so anyone can forge ' +
          'them; every service and replica must share one LIVEDESK_JWT_SECRET (production requires it)',
      );
    }
    return new InstallationSecrets(adminToken, jwtSecret);
  }

  /**
   * Whether `candidate` is the admin token, in constant time: both sides are hashed first, so
   * the comparison neither stops at the first differing byte nor reveals the token's length.
   */
  isAdminToken(candidate: string): boolean {
    return timingSafeEqual(sha256(candidate), this.adminTokenDigest);
  }
}

function sha256(text: string): Buffer {
  return createHash('sha256').update(text, 'utf8').digest();
}
