import { describe, expect, it } from 'vitest';
import { fileProblem, messageProblem, parseBaseUrl, parseOrigin, parseTicketId, agencyCodeProblem } from './form-input';

describe('parseTicketId', () => {
  it.each(['1', '42', ' 1042 ', '2147483647'])('accepts %j', (s) => expect(parseTicketId(s)).toEqual({ ok: true, id: Number(s.trim()) }));
  it.each([
    ['', 'ticket_id_empty'],
    ['abc', 'ticket_id_not_digits'],
    ['-3', 'ticket_id_not_digits'],
    ['1.5', 'ticket_id_not_digits'],
    ['1e3', 'ticket_id_not_digits'],
    ['TK-2024-00001', 'ticket_id_not_digits'],
    ['0', 'ticket_id_zero'],
    ['000', 'ticket_id_zero'],
    ['2147483648', 'ticket_id_too_large'],
  ])('refuses %j with %s', (s, key) => expect(parseTicketId(s)).toEqual({ ok: false, problem: { key } }));
});

describe('messageProblem', () => {
  it('refuses empty and whitespace-only', () => {
    expect(messageProblem('')?.key).toBe('message_empty');
    expect(messageProblem(' \n\t ')?.key).toBe('message_empty');
  });
  it('refuses too long, saying by how much', () => expect(messageProblem('abcd', 3)).toEqual({ key: 'message_too_long', subs: [1, 3] }));
  it('accepts text at the limit', () => expect(messageProblem('abc', 3)).toBeNull());
});

describe('parseBaseUrl', () => {
  it.each([
    ['http://127.0.0.1:8787', 'http://127.0.0.1:8787'],
    ['https://api.example.com/', 'https://api.example.com'],
    ['https://example.com/daakey/', 'https://example.com/daakey'],
  ])('accepts %j', (s, url) => expect(parseBaseUrl(s)).toEqual({ ok: true, url }));
  it.each(['', 'example.com', 'ftp://x.com', 'javascript:alert(1)', 'https://u:p@x.com', 'https://x.com/?a=1'])('refuses %j', (s) =>
    expect(parseBaseUrl(s).ok).toBe(false),
  );
});

describe('parseOrigin', () => {
  it.each([
    ['https://dashboard.example.com', 'https://dashboard.example.com'],
    ['https://dashboard.example.com/', 'https://dashboard.example.com'],
    ['https://Dashboard.Example.com:8443', 'https://dashboard.example.com:8443'],
    ['http://localhost:3000', 'http://localhost:3000'],
  ])('accepts %j', (s, origin) => expect(parseOrigin(s)).toEqual({ ok: true, origin }));
  it.each([
    ['', 'site_empty'],
    ['dashboard.example.com', 'site_invalid'],
    ['http://dashboard.example.com', 'site_https'],
    ['https://dashboard.example.com/tickets', 'site_path'],
    ['https://*.example.com', 'site_invalid'],
  ])('refuses %j', (s, key) => {
    const r = parseOrigin(s);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.problem.key).toBe(key);
  });
});

describe('agencyCodeProblem', () => {
  it.each(['AGENCY123', 'a.b-c_d'])('accepts %j', (s) => expect(agencyCodeProblem(s)).toBeNull());
  it.each(['', 'has space', 'é'])('refuses %j', (s) => expect(agencyCodeProblem(s)).not.toBeNull());
});

describe('fileProblem', () => {
  it('accepts a small PNG', () => expect(fileProblem({ name: 'a.png', type: 'image/png', size: 10 }, 0)).toBeNull());
  it('refuses the wrong type, too big, empty, too many', () => {
    expect(fileProblem({ name: 'a.exe', type: 'application/x-msdownload', size: 10 }, 0)?.key).toBe('attach_bad_type');
    expect(fileProblem({ name: 'a.png', type: 'image/png', size: 11 * 1024 * 1024 }, 0)?.key).toBe('attach_too_big');
    expect(fileProblem({ name: 'a.png', type: 'image/png', size: 0 }, 0)?.key).toBe('attach_empty');
    expect(fileProblem({ name: 'a.png', type: 'image/png', size: 1 }, 5)?.key).toBe('attach_too_many');
  });
});
