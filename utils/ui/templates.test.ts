import { describe, expect, it } from 'vitest';
import { findSlashQuery, insertRendered, renderTemplate } from './templates';

const values = { 'ticket.id': 1042, 'ticket.subject': 'Broken AC', 'customer.name': 'Sara', 'agent.name': 'Omar', 'agency.name': '' };

describe('renderTemplate', () => {
  it.each([
    ['Hi {{customer.name}}', 'Hi Sara'],
    ['#{{ ticket.id }}: {{ticket.subject}}', '#1042: Broken AC'],
    ['From {{agency.name | our team}}', 'From our team'],
    ['From {{agency.name | "the team"}}', 'From the team'],
    ['{{agent.name|x}}', 'Omar'],
    ['no variables', 'no variables'],
    ['{single} braces', '{single} braces'],
    ['مرحبا {{customer.name}}', 'مرحبا Sara'],
  ])('%s → %s', (body, expected) => {
    const r = renderTemplate(body, values);
    expect(r.text).toBe(expected);
    expect(r.missing).toEqual([]);
  });

  it('keeps a variable without value or fallback and reports it once', () => {
    const r = renderTemplate('Dear {{agency.name}}, {{agency.name}} and {{unknown.thing}}', values);
    expect(r.text).toBe('Dear {{agency.name}}, {{agency.name}} and {{unknown.thing}}');
    expect(r.missing).toEqual(['agency.name', 'unknown.thing']);
  });

  it('places the cursor and removes the marker', () => {
    const r = renderTemplate('Hello {{customer.name}}, {{cursor}}\nRegards', values);
    expect(r.text).toBe('Hello Sara, \nRegards');
    expect(r.cursor).toBe('Hello Sara, '.length);
  });

  it('has no cursor when the template sets none', () => {
    expect(renderTemplate('x', values).cursor).toBeNull();
  });

  it('treats null and whitespace as missing', () => {
    expect(renderTemplate('{{customer.name|friend}}', { 'customer.name': '  ' }).text).toBe('friend');
    expect(renderTemplate('{{customer.name}}', { 'customer.name': null }).missing).toEqual(['customer.name']);
  });
});

describe('findSlashQuery', () => {
  it.each([
    ['/', 1, { start: 0, query: '' }],
    ['/tha', 4, { start: 0, query: 'tha' }],
    ['Hello /gr', 9, { start: 6, query: 'gr' }],
    ['line\n/x', 7, { start: 5, query: 'x' }],
  ])('%j at %i', (text, caret, expected) => expect(findSlashQuery(text, caret)).toEqual(expected));

  it.each([
    ['http://x', 8],
    ['a/b', 3],
    ['/ab cd', 6],
  ])('ignores %j', (text, caret) => expect(findSlashQuery(text, caret)).toBeNull());
});

describe('insertRendered', () => {
  it('replaces the query and puts the caret at the cursor', () => {
    const r = renderTemplate('Hi {{cursor}}!', {});
    expect(insertRendered('x /hi y', 2, 5, r)).toEqual({ text: 'x Hi ! y', caret: 5 });
  });
  it('puts the caret after the text without a cursor', () => {
    expect(insertRendered('/a', 0, 2, renderTemplate('abc', {}))).toEqual({ text: 'abc', caret: 3 });
  });
});

describe('renderTemplate with fill-in values', () => {
  it('fills variables that had no value, known or not, and leaves blank fills missing', () => {
    const r = renderTemplate('{{agency.name}} {{box.code}} {{station}} {{customer.name}}', values, {
      'agency.name': 'Daakey',
      'box.code': ' 4711 ',
      station: '  ',
      'customer.name': 'ignored',
    });
    expect(r.text).toBe('Daakey 4711 {{station}} Sara');
    expect(r.missing).toEqual(['station']);
  });
  it('a fill never overrides a value the form knows', () => {
    expect(renderTemplate('{{ticket.id}}', values, { 'ticket.id': '9' }).text).toBe('1042');
  });
});
