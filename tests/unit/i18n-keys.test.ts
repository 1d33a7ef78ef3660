/** Every UI string exists in every locale, is used somewhere, and keeps its placeholders. */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createBrowserTranslator, createTranslator, type LocaleMessages } from '../../utils/shared/i18n';

const root = join(import.meta.dirname, '..', '..');
const LOCALES = ['en', 'fr', 'ar'] as const;
const load = (lang: string) => JSON.parse(readFileSync(join(root, 'public', '_locales', lang, 'messages.json'), 'utf8')) as LocaleMessages;
const messages = Object.fromEntries(LOCALES.map((l) => [l, load(l)])) as Record<(typeof LOCALES)[number], LocaleMessages>;

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return sources(path);
    return /\.(tsx?|html)$/.test(name) && !/\.test\.tsx?$/.test(name) ? [path] : [];
  });
}
const files = [...['components', 'entrypoints', 'utils'].flatMap((d) => sources(join(root, d))), join(root, 'wxt.config.ts')];
const code = files.map((f) => readFileSync(f, 'utf8')).join('\n');
const placeholders = (s: string) => [...s.matchAll(/\$(\d)/g)].map((m) => m[1]).sort();

describe('i18n keys', () => {
  const english = Object.keys(messages.en);

  it.each(LOCALES)('%s has exactly the English keys, none empty', (lang) => {
    const keys = Object.keys(messages[lang]);
    expect(
      english.filter((k) => !keys.includes(k)),
      `missing in ${lang}`,
    ).toEqual([]);
    expect(
      keys.filter((k) => !english.includes(k)),
      `only in ${lang}`,
    ).toEqual([]);
    expect(
      keys.filter((k) => !messages[lang][k]?.message.trim()),
      `empty in ${lang}`,
    ).toEqual([]);
  });

  it('uses snake_case keys (besides the manifest ones)', () => {
    expect(english.filter((k) => !/^[a-z][a-z0-9_]*$/.test(k) && !['extName', 'extDescription'].includes(k))).toEqual([]);
  });

  it('uses every key somewhere in the source', () => {
    const unused = english.filter((k) => !code.includes(`'${k}'`) && !code.includes(`"${k}"`) && !code.includes(`__MSG_${k}__`));
    expect(unused, `unused keys (searched ${files.map((f) => relative(root, f)).length} files)`).toEqual([]);
  });

  it('finds every key the source asks for', () => {
    const asked = [...code.matchAll(/\bt\(\s*'([a-z_A-Z]+)'/g)].map((m) => m[1]!);
    expect([...new Set(asked)].filter((k) => !english.includes(k))).toEqual([]);
  });

  it.each(['fr', 'ar'] as const)('%s keeps the English placeholders', (lang) => {
    const wrong = english.filter((k) => placeholders(messages.en[k]!.message).join() !== placeholders(messages[lang][k]!.message).join());
    expect(wrong).toEqual([]);
  });

  it.each(['fr', 'ar'] as const)('%s is translated, not copied', (lang) => {
    const copied = english.filter((k) => messages[lang][k]!.message === messages.en[k]!.message);
    // Language names, "Message" in French and the like may match; most strings must not.
    expect(copied.length / english.length).toBeLessThan(0.1);
  });

  it('Arabic strings are in Arabic script', () => {
    const latinOnly = english.filter((k) => !/[\u0600-\u06FF]/.test(messages.ar[k]!.message) && !k.startsWith('lang_'));
    expect(latinOnly).toEqual([]);
  });
});

describe('createTranslator', () => {
  const t = createTranslator(
    {
      hello: { message: 'Hello $1, you have $2 $$' },
      named: { message: 'Hi $who$!', placeholders: { who: { content: '$1' } } },
    },
    { only_en: { message: 'fallback' } },
  );
  const tt = t as (key: string, subs?: (string | number)[] | Record<string, string | number>) => string;
  it('fills positional and named placeholders', () => {
    expect(tt('hello', ['Sara', 3])).toBe('Hello Sara, you have 3 $');
    expect(tt('named', ['Omar'])).toBe('Hi Omar!');
    expect(tt('named', { who: 'Lina' })).toBe('Hi Lina!');
  });
  it('falls back, then shows the key', () => {
    expect(tt('only_en')).toBe('fallback');
    expect(tt('nope')).toBe('nope');
  });
});

describe('createBrowserTranslator', () => {
  it('passes positional substitutions as strings and shows the key for an unknown one', () => {
    const seen: unknown[] = [];
    const t = createBrowserTranslator((key, subs) => {
      seen.push([key, subs]);
      return key === 'status_undo' ? `in ${subs?.[0]} s` : '';
    });
    expect(t('status_undo', [10])).toBe('in 10 s');
    expect(t('send_reply')).toBe('send_reply');
    expect(seen).toEqual([
      ['status_undo', ['10']],
      ['send_reply', undefined],
    ]);
  });
});
