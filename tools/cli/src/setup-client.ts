import { HttpErrorBody } from '@livedesk/contracts';
import { CliError } from './cli-error.js';

export interface SetupClientOptions {
  /** The gateway, e.g. `http://127.0.0.1:8080`. */
  url: string;
  /** The installation admin token or an organization admin's agent token. */
  token?: string | undefined;
}

/**
 * Calls a livedesk HTTP API (the gateway's setup API, the metrics API); an error answer becomes
 * a `CliError` with the server's code and message.
 */
export class SetupClient {
  constructor(private readonly options: SetupClientOptions) {}

  post(path: string, body: unknown): Promise<unknown> {
    return this.request('POST', path, body);
  }

  async request(method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE', path: string, body?: unknown): Promise<unknown> {
    const url = new URL(path, this.options.url.endsWith('/') ? this.options.url : `${this.options.url}/`);
    const headers: Record<string, string> = {
      accept: 'application/json',
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    };
    if (this.options.token) headers.authorization = `Bearer ${this.options.token}`;
    let response: Response;
    try {
      response = await fetch(url, { method, headers, ...(body === undefined ? {} : { body: JSON.stringify(body) }) });
    } catch (error) {
      const cause = (error as { cause?: { code?: unknown; message?: unknown } }).cause;
      const why =
        typeof cause?.code === 'string' ? cause.code : typeof cause?.message === 'string' ? cause.message : undefined;
      throw new CliError('unavailable', `cannot reach ${this.options.url}${why === undefined ? '' : ` (${why})`}`);
    }
    const text = await response.text();
    const answer = parseJson(text);
    if (response.ok && answer !== undefined) return answer;
    const error = HttpErrorBody.safeParse(answer);
    if (error.success) throw new CliError(error.data.error.code, error.data.error.message);
    throw new CliError(
      response.ok ? 'internal' : 'unavailable',
      `unexpected answer from ${url.href} (HTTP ${response.status})`,
    );
  }
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}
