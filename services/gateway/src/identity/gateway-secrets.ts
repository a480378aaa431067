import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { GatewaySettings } from '../gateway-config.js';

export interface SecretsLogger {
  warn(message: string): void;
}

/**
 * The installation admin token and the token-signing key. Outside production the config may
 * leave them unset (gateway-config.ts refuses that in production); they are generated here,
 * once per process, and said so at warn level.
 */
export class GatewaySecrets {
  private readonly adminTokenDigest: Buffer;

  constructor(
    adminToken: string,
    readonly jwtSecret: string,
  ) {
    this.adminTokenDigest = sha256(adminToken);
  }

  static fromConfig(config: Pick<GatewaySettings, 'LIVEDESK_ADMIN_TOKEN' | 'LIVEDESK_JWT_SECRET'>, logger: SecretsLogger): GatewaySecrets {
    let adminToken = config.LIVEDESK_ADMIN_TOKEN;
    if (adminToken === undefined) {
      adminToken = randomBytes(24).toString('base64url');
      logger.warn(
        `LIVEDESK_ADMIN_TOKEN is not set: the installation admin token of this run is ${adminToken} ` +
          '(set LIVEDESK_ADMIN_TOKEN to keep one across restarts; production requires it)',
      );
    }
    let jwtSecret = config.LIVEDESK_JWT_SECRET;
    if (jwtSecret === undefined) {
      jwtSecret = randomBytes(32).toString('base64url');
      logger.warn(
        'LIVEDESK_JWT_SECRET is not set: tokens are signed with a key generated for this process, so they ' +
          'stop working at restart and other gateway replicas refuse them; replicas must share one LIVEDESK_JWT_SECRET',
      );
    }
    return new GatewaySecrets(adminToken, jwtSecret);
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
