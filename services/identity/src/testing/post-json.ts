export interface JsonResponse {
  status: number;
  body: any;
}

/** POSTs `body` as JSON (a string is sent as it is) with an optional bearer token. */
export async function postJson(url: string, body: unknown, token?: string): Promise<JsonResponse> {
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (token !== undefined) headers.authorization = `Bearer ${token}`;
  const response = await fetch(url, {
    method: 'POST',
    headers,
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
  const text = await response.text();
  return { status: response.status, body: text === '' ? undefined : JSON.parse(text) };
}
