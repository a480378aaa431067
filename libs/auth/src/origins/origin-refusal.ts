import { ApiError } from '@livedesk/service-kit';

/** The reason every origin refusal carries (HTTP 403, and the customer socket's login error). */
export const ORIGIN_NOT_ALLOWED = 'origin_not_allowed';

export function originNotAllowed(origin: string, whose: string): ApiError {
  return new ApiError(
    'authorization',
    `origin ${JSON.stringify(origin)} is not allowed for ${whose}`,
    ORIGIN_NOT_ALLOWED,
  );
}
