/**
 * The X-Agency-Signature scheme. Daakey documents the header but not the algorithm, so this
 * project's choice (see README, "The agency signature") lives here and only here: the sandbox
 * verifies with the same functions.
 */

export type SignatureCredentials = { mode: 'computed'; agencyCode: string; secret: string } | { mode: 'issued'; value: string };

export interface SignInput {
  method: string;
  /** Path with its query string exactly as sent, e.g. `/api/v1/client/tickets?status=open`. */
  pathWithQuery: string;
  /** Exact body bytes as sent; empty when there is no body. */
  body: Uint8Array | string | null | undefined;
  /** Unix seconds. */
  timestamp: number;
}

/** Accepted clock skew, both directions, in seconds. */
export const SIGNATURE_MAX_SKEW_SECONDS = 300;

const encoder = new TextEncoder();

function toBytes(body: SignInput['body']): Uint8Array {
  if (body == null) return new Uint8Array();
  return typeof body === 'string' ? encoder.encode(body) : body;
}

function hex(buffer: ArrayBuffer): string {
  let out = '';
  for (const byte of new Uint8Array(buffer)) out += byte.toString(16).padStart(2, '0');
  return out;
}

export async function sha256Hex(body: SignInput['body']): Promise<string> {
  // No body hashes as the empty byte string (e3b0c442…), which is what the documented GET vector uses.
  return hex(await crypto.subtle.digest('SHA-256', toBytes(body) as BufferSource));
}

export function stringToSign(agencyCode: string, input: SignInput, bodyHash: string): string {
  return [agencyCode, String(input.timestamp), input.method.toUpperCase(), input.pathWithQuery, bodyHash].join('\n');
}

/**
 * Key imports are cached per secret: importing a key per request costs more than the HMAC itself.
 * The cache holds non-extractable CryptoKeys, never the raw secret.
 */
const keyCache = new Map<string, Promise<CryptoKey>>();
function hmacKey(secret: string): Promise<CryptoKey> {
  let key = keyCache.get(secret);
  if (!key) {
    key = crypto.subtle.importKey('raw', encoder.encode(secret), { name: 'HMAC', hash: 'SHA-256' }, false, ['sign']);
    if (keyCache.size > 8) keyCache.clear();
    keyCache.set(secret, key);
  }
  return key;
}

export async function hmacHex(secret: string, message: string): Promise<string> {
  return hex(await crypto.subtle.sign('HMAC', await hmacKey(secret), encoder.encode(message)));
}

/** The header value `<code>.<ts>.<sig>`, or the issued value verbatim. */
export async function computeSignature(credentials: SignatureCredentials, input: SignInput): Promise<string> {
  if (credentials.mode === 'issued') return credentials.value;
  const bodyHash = await sha256Hex(input.body);
  const sig = await hmacHex(credentials.secret, stringToSign(credentials.agencyCode, input, bodyHash));
  return `${credentials.agencyCode}.${input.timestamp}.${sig}`;
}

export interface ParsedSignature {
  agencyCode: string;
  timestamp: number;
  signature: string;
}

/** Splits from the right: an agency code may contain dots. */
export function parseSignatureHeader(value: string): ParsedSignature | null {
  const last = value.lastIndexOf('.');
  if (last <= 0) return null;
  const middle = value.lastIndexOf('.', last - 1);
  if (middle <= 0) return null;
  const agencyCode = value.slice(0, middle);
  const tsText = value.slice(middle + 1, last);
  const signature = value.slice(last + 1);
  if (!/^\d{1,12}$/.test(tsText) || !/^[0-9a-f]{64}$/.test(signature)) return null;
  return { agencyCode, timestamp: Number(tsText), signature };
}
