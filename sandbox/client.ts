/**
 * A tiny signed client for the sandbox, for tests and scripts (not the extension's client: that one lives in
 * `utils/`). Signs with `utils/background/signature.ts` exactly as the extension does.
 */
import { API_PREFIX } from '../utils/shared/api-contract';
import { computeSignature, type SignatureCredentials } from '../utils/background/signature';
import { DEMO_AGENCY, DEMO_USER } from './seed';

export const DEMO_CREDENTIALS: SignatureCredentials = { mode: 'computed', agencyCode: DEMO_AGENCY.code, secret: DEMO_AGENCY.secret };

export interface SignedRequest {
  method?: string;
  /** Path under `/api/v1/client` (e.g. `/tickets?status=open`), or a full path starting with `/api/`. */
  path: string;
  /** A value that is not a string or bytes is sent as JSON. */
  body?: unknown;
  token?: string | null;
  credentials?: SignatureCredentials;
  /** Unix seconds used in the signature (default: now). */
  timestamp?: number;
  /** Overrides the computed signature; `null` sends none. */
  signature?: string | null;
  /** Extra or replacement headers; a `null` value removes a default header. */
  headers?: Record<string, string | null>;
  /** Sign these bytes instead of the body that is sent (to test tampering). */
  signBody?: string | Uint8Array;
  /** Sign this path instead of the one requested. */
  signPath?: string;
}

export function apiPath(path: string): string {
  return path.startsWith('/api/') ? path : `${API_PREFIX}${path}`;
}

export async function signedFetch(baseUrl: string, request: SignedRequest): Promise<Response> {
  const method = (request.method ?? (request.body === undefined ? 'GET' : 'POST')).toUpperCase();
  const path = apiPath(request.path);
  let body: string | Uint8Array | undefined;
  let contentType: string | undefined;
  if (typeof request.body === 'string' || request.body instanceof Uint8Array) body = request.body;
  else if (request.body !== undefined) {
    body = JSON.stringify(request.body);
    contentType = 'application/json';
  }
  const bytes = typeof body === 'string' ? new TextEncoder().encode(body) : body;
  const timestamp = request.timestamp ?? Math.floor(Date.now() / 1000);
  const signature =
    request.signature !== undefined
      ? request.signature
      : await computeSignature(request.credentials ?? DEMO_CREDENTIALS, {
          method,
          pathWithQuery: request.signPath ?? path,
          body: request.signBody ?? bytes,
          timestamp,
        });
  const headers: Record<string, string | null> = {
    Accept: 'application/json',
    ...(contentType ? { 'Content-Type': contentType } : {}),
    ...(signature !== null ? { 'X-Agency-Signature': signature } : {}),
    ...(request.token ? { Authorization: `Bearer ${request.token}` } : {}),
    ...request.headers,
  };
  const finalHeaders: Record<string, string> = {};
  for (const [k, v] of Object.entries(headers)) if (v !== null) finalHeaders[k] = v;
  return fetch(`${baseUrl}${path}`, { method, headers: finalHeaders, body: bytes as BodyInit | undefined });
}

/** Signs in as the demo user and returns the bearer token. */
export async function loginDemo(baseUrl: string, user: { email: string; password: string } = DEMO_USER): Promise<string> {
  const res = await signedFetch(baseUrl, { path: '/auth/login', body: { email: user.email, password: user.password } });
  const json = (await res.json()) as { data?: { token?: string } };
  if (res.status !== 200 || !json.data?.token) throw new Error(`sandbox login failed: HTTP ${res.status}`);
  return json.data.token;
}

/** POST/GET/DELETE on the control API (requires `control: true`). */
export async function control<T = unknown>(baseUrl: string, method: string, path: string, body?: unknown): Promise<T> {
  const res = await fetch(`${baseUrl}/__control${path}`, {
    method,
    headers: body === undefined ? {} : { 'Content-Type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const json = (await res.json()) as T;
  if (!res.ok) throw new Error(`control ${method} ${path}: HTTP ${res.status} ${JSON.stringify(json)}`);
  return json;
}
