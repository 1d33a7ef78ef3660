import { describe, expect, it } from 'vitest';
import { createTicketDetector, detectTicketIds, normalizeDigits, parseTicketId } from './detect-ticket-ids';

const detector = createTicketDetector();

describe('parseTicketId', () => {
  it.each([
    ['42', 42],
    ['٤٢', 42],
    ['۴۲', 42],
    ['2147483647', 2147483647],
    ['2147483648', null],
    ['0', null],
    ['0042', null],
    ['12a', null],
    ['', null],
    ['-5', null],
  ])('%s → %s', (raw, expected) => {
    expect(parseTicketId(raw)).toBe(expected);
  });

  it('normalizes Eastern Arabic and Persian digits only', () => {
    expect(normalizeDigits('٠١٢٣٤٥٦٧٨٩ ۰۱۲۳۴۵۶۷۸۹ abc')).toBe('0123456789 0123456789 abc');
  });
});

describe('fromText', () => {
  it.each([
    ['Ticket #42', [42]],
    ['ticket n°42', [42]],
    ['تذكرة رقم ٤٢', [42]],
    ['التذكرة #42', [42]],
    ['Order #12345', []],
    ['Invoice #778', []],
    ['Error 404', []],
  ])('%s', (text, ids) => {
    expect(detectTicketIds(text, detector).ids).toEqual(ids);
  });

  it('reports the position of each mention', () => {
    expect(detector.fromText('See Ticket #7 and TK-2026-00001')).toEqual([
      { id: 7, index: 4, length: 9 },
      { reference: 'TK-2026-00001', index: 18, length: 13 },
    ]);
  });

  it('finds nothing in text without digits or without a keyword', () => {
    expect(detector.fromText('Ticket')).toEqual([]);
    expect(detector.fromText('Order 42')).toEqual([]);
    expect(detector.fromText('ticket 42')).toEqual([{ id: 42, index: 0, length: 9 }]);
  });
});

describe('URLs, links and attributes', () => {
  const base = 'http://127.0.0.1:5173/dashboard';
  it.each([
    ['/tickets/123', { id: 123 }],
    ['?ticket=123', { id: 123 }],
    ['?ticket_id=123', { id: 123 }],
    ['#/tickets/123', { id: 123 }],
    ['/tickets/TK-2026-00001', { reference: 'TK-2026-00001' }],
    ['/orders/123', null],
    ['https://elsewhere.example/tickets/5', null],
  ])('link %s', (href, expected) => {
    expect(detector.fromHref(href, base)).toEqual(expected);
  });

  it('accepts agency URL patterns alongside the built-in routes', () => {
    const agency = createTicketDetector({ urlPatterns: ['/support/case/{id}', 'not-a-pattern'] });
    expect(agency.fromUrl('http://x.test/support/case/9')).toEqual({ id: 9 });
    expect(agency.fromUrl('http://x.test/tickets/10')).toEqual({ id: 10 });
    expect(detector.fromUrl('http://x.test/support/case/9')).toBeNull();
  });

  it('reads bare IDs from agency selector text but not from running text', () => {
    expect(detector.fromSelectedText(' #321 ')).toEqual({ id: 321 });
    expect(detector.fromSelectedText('TK-2026-00002')).toEqual({ reference: 'TK-2026-00002' });
    expect(detector.fromText('321')).toEqual([]);
  });

  it.each([
    ['42', { id: 42 }],
    [' TK-2026-00004 ', { reference: 'TK-2026-00004' }],
    ['true', null],
    ['0042', null],
  ])('attribute %s', (value, expected) => {
    expect(detector.fromAttribute(value)).toEqual(expected);
  });
});
