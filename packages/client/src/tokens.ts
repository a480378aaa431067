import { isServerCode, LivedeskError, type ClientErrorCode } from './errors.js';
import type { TokenResponse } from './protocol.js';

/** Answers a fresh token; called at the start, before the current one expires, and when the server refuses one. */
export type TokenProvider = () => Promise<TokenResponse>;

async function postToken(
  baseUrl: string,
  path: string,
  body: unknown,
  fetchImpl: typeof fetch,
): Promise<TokenResponse> {
  const response = await fetchImpl(`${baseUrl.replace(/\/$/, '')}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  const parsed = (await response.json().catch(() => null)) as (Partial<TokenResponse> & HttpErrorAnswer) | null;
  if (response.ok && typeof parsed?.token === 'string' && typeof parsed.expires_at === 'string') {
    return { token: parsed.token, expires_at: parsed.expires_at };
  }
  return Promise.reject(httpError(response, parsed, path));
}

/** The body of a refused HTTP request (`{error: {code, message, reason}}`, or an older flat shape). */
export type HttpErrorAnswer = {
  error?: { code?: string; message?: string; reason?: string } | string;
  message?: string;
  reason?: string;
};

/** The `LivedeskError` of a refused HTTP request: the server's code and reason, else one from the status. */
export function httpError(response: Response, parsed: HttpErrorAnswer | null, path: string): LivedeskError {
  const retryAfter = Number(response.headers.get('retry-after'));
  const error = typeof parsed?.error === 'object' ? parsed.error : undefined;
  const byStatus: ClientErrorCode =
    response.status === 401
      ? 'authentication'
      : response.status === 403
        ? 'authorization'
        : response.status === 429
          ? 'rate_limited'
          : response.status === 422 || response.status === 400
            ? 'validation'
            : 'http';
  const code = isServerCode(error?.code) ? error.code : byStatus;
  return new LivedeskError(code, error?.message ?? parsed?.message ?? `${path} answered ${response.status}`, {
    reason: error?.reason ?? parsed?.reason ?? (typeof parsed?.error === 'string' ? parsed.error : undefined),
    retryAfterMs: Number.isFinite(retryAfter) && retryAfter > 0 ? retryAfter * 1000 : undefined,
    action: path,
    status: response.status,
  });
}

/** `POST /v1/customer/token`: an anonymous customer, or one vouched for by the site's signed `identity`. */
export function fetchCustomerToken(
  baseUrl: string,
  request: { organization_id: string; identity?: string },
  fetchImpl: typeof fetch = fetch,
): Promise<TokenResponse> {
  return postToken(baseUrl, '/v1/customer/token', request, fetchImpl);
}

/** `POST /v1/agent/token` with an email and password, or with a bot's API key. */
export function fetchAgentToken(
  baseUrl: string,
  request: { email: string; password: string } | { api_key: string },
  fetchImpl: typeof fetch = fetch,
): Promise<TokenResponse> {
  return postToken(baseUrl, '/v1/agent/token', request, fetchImpl);
}
