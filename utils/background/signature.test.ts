import { describe, expect, it } from 'vitest';
import { computeSignature, hmacHex, parseSignatureHeader, sha256Hex } from './signature';

const creds = { mode: 'computed', agencyCode: 'AGENCY123', secret: 'sandbox-secret-123' } as const;
const ts = 1767225600;

describe('agency signature', () => {
  it.each([
    [
      'POST',
      '/api/v1/client/tickets/1/messages',
      '{"message":"The technician arrived and fixed the issue. Thank you!","attachments":[]}',
      'AGENCY123.1767225600.a302346d3577c15b51994ae2459fd75d45cd8febbb6d43c9ba6f7b568612fd19',
    ],
    [
      'GET',
      '/api/v1/client/tickets?status=open&page=2',
      null,
      'AGENCY123.1767225600.5a64caccdfb80f59f029ece8a205ea5ae94da2e7caf653b039fd3fccabd8d4cb',
    ],
    [
      'POST',
      '/api/v1/client/tickets/42/messages',
      '{"message":"تم إصلاح المركبة، شكراً"}',
      'AGENCY123.1767225600.5d19edc634cf2ad56e92f134ca6ad81dee04287c61a93753f9eaf3e6d3315b79',
    ],
  ])('matches the documented vector for %s %s', async (method, pathWithQuery, body, expected) => {
    expect(await computeSignature(creds, { method, pathWithQuery, body, timestamp: ts })).toBe(expected);
  });

  it('hashes the body as documented', async () => {
    expect(await sha256Hex('{"message":"The technician arrived and fixed the issue. Thank you!","attachments":[]}')).toBe(
      '2bec521f1baa258f548589b36192a24c7408928039badc136f11730c5ecdd6e0',
    );
    expect(await sha256Hex(null)).toBe('e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
  });

  it('passes RFC 4231 test case 2', async () => {
    expect(await hmacHex('Jefe', 'what do ya want for nothing?')).toBe('5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843');
  });

  it('sends an issued value verbatim', async () => {
    expect(
      await computeSignature({ mode: 'issued', value: 'abc.def' }, { method: 'GET', pathWithQuery: '/x', body: null, timestamp: ts }),
    ).toBe('abc.def');
  });

  it('signs a different body differently', async () => {
    const a = await computeSignature(creds, { method: 'POST', pathWithQuery: '/p', body: 'a', timestamp: ts });
    const b = await computeSignature(creds, { method: 'POST', pathWithQuery: '/p', body: 'b', timestamp: ts });
    expect(a).not.toBe(b);
  });

  it('parses header values from the right', () => {
    expect(parseSignatureHeader(`AG.EN.CY.${ts}.${'a'.repeat(64)}`)).toEqual({
      agencyCode: 'AG.EN.CY',
      timestamp: ts,
      signature: 'a'.repeat(64),
    });
    expect(parseSignatureHeader('nonsense')).toBeNull();
    expect(parseSignatureHeader(`AG.x.${'a'.repeat(64)}`)).toBeNull();
  });
});
