/**
 * Server-side checks of the agency signature, with the same functions the extension signs with
 * (`utils/background/signature.ts`), compared in constant time.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import { hmacHex, parseSignatureHeader, sha256Hex, stringToSign, SIGNATURE_MAX_SKEW_SECONDS } from '../utils/background/signature';
import type { SandboxAgency } from './seed';

export type SignatureCheck = { ok: true; agency: SandboxAgency; mode: 'computed' | 'issued' } | { ok: false; message: string };

export const SIGNATURE_ERRORS = {
  missing: 'Missing agency signature',
  malformed: 'Malformed agency signature',
  stale: 'Stale agency signature timestamp',
  unknown: 'Unknown agency',
  invalid: 'Invalid agency signature',
} as const;

/** Equal-length digests, so the comparison time does not depend on where two strings differ or on their length. */
function constantTimeStringEqual(a: string, b: string): boolean {
  const da = createHash('sha256').update(a, 'utf8').digest();
  const db = createHash('sha256').update(b, 'utf8').digest();
  return timingSafeEqual(da, db);
}

export async function verifyAgencySignature(options: {
  header: string | undefined;
  method: string;
  pathWithQuery: string;
  body: Uint8Array;
  nowSeconds: number;
  agencies: readonly SandboxAgency[];
}): Promise<SignatureCheck> {
  const header = options.header?.trim();
  if (!header) return { ok: false, message: SIGNATURE_ERRORS.missing };

  // Issued mode: the whole header equals the agency's fixed value. Every candidate is compared, so timing
  // does not reveal which agency (if any) came close.
  let issued: SandboxAgency | undefined;
  for (const agency of options.agencies) {
    if (agency.issuedSignature && constantTimeStringEqual(header, agency.issuedSignature)) issued ??= agency;
  }
  if (issued) return { ok: true, agency: issued, mode: 'issued' };

  const parsed = parseSignatureHeader(header);
  if (!parsed) return { ok: false, message: SIGNATURE_ERRORS.malformed };
  if (Math.abs(options.nowSeconds - parsed.timestamp) > SIGNATURE_MAX_SKEW_SECONDS) {
    return { ok: false, message: SIGNATURE_ERRORS.stale };
  }
  const agency = options.agencies.find((x) => x.code === parsed.agencyCode);
  if (!agency) return { ok: false, message: SIGNATURE_ERRORS.unknown };

  const bodyHash = await sha256Hex(options.body);
  const expected = await hmacHex(
    agency.secret,
    stringToSign(
      agency.code,
      { method: options.method, pathWithQuery: options.pathWithQuery, body: options.body, timestamp: parsed.timestamp },
      bodyHash,
    ),
  );
  // Both are 64 lowercase hex characters (parseSignatureHeader guarantees it for the received one): 32 bytes each.
  const ok = timingSafeEqual(Buffer.from(expected, 'hex'), Buffer.from(parsed.signature, 'hex'));
  return ok ? { ok: true, agency, mode: 'computed' } : { ok: false, message: SIGNATURE_ERRORS.invalid };
}
