/**
 * Translations from `public/_locales/<lang>/messages.json` (Chrome's format), usable with any
 * language at run time, which `browser.i18n.getMessage` is not (it follows the browser's UI).
 */
import type en from '../../public/_locales/en/messages.json';

export type MessageKey = keyof typeof en;
import { LANGUAGES, type Language } from './settings-values';

export { LANGUAGES, type Language };

export interface LocaleMessage {
  message: string;
  description?: string;
  placeholders?: Record<string, { content: string; example?: string }>;
}
export type LocaleMessages = Record<string, LocaleMessage>;
export type Substitutions = (string | number)[] | Record<string, string | number>;
export type Translate = (key: MessageKey, subs?: Substitutions) => string;

/**
 * Builds `t(key, subs)`. Positional `$1`…`$9` take `subs[0]`…; named `$name$` take
 * `subs.name` or the message's `placeholders.name.content` (itself possibly `$1`); `$$` is `$`.
 * Missing keys fall back to `fallback`, then to the key itself.
 */
export function createTranslator(messages: LocaleMessages, fallback?: LocaleMessages): Translate {
  return (key, subs) => {
    const entry = messages[key] ?? fallback?.[key];
    if (!entry) return key;
    const positional = Array.isArray(subs) ? subs : [];
    const named = subs && !Array.isArray(subs) ? subs : {};
    const fill = (s: string) => s.replace(/\$(\d)/g, (_, d: string) => String(positional[Number(d) - 1] ?? ''));
    return entry.message
      .replace(/\$([A-Za-z0-9_@]+)\$/g, (whole, name: string) => {
        if (name in named) return String(named[name]);
        const lower = Object.keys(entry.placeholders ?? {}).find((k) => k.toLowerCase() === name.toLowerCase());
        const content = lower ? entry.placeholders![lower]!.content : undefined;
        return content === undefined ? whole : fill(content);
      })
      .replace(/\$\$|\$(\d)/g, (_match, d?: string) => (d === undefined ? '$' : String(positional[Number(d) - 1] ?? '')));
  };
}

/**
 * `t` over the browser's own `i18n.getMessage`, which is synchronous: a page shown in the browser's UI
 * language draws at once instead of first fetching and parsing its locale file. The browser fills `$1`…
 * and named placeholders and falls back to the default locale itself; it answers "" for an unknown key.
 * Only positional substitutions exist there, which is all the UI passes.
 */
export function createBrowserTranslator(getMessage: (key: string, subs?: string[]) => string): Translate {
  return (key, subs) => {
    const positional = Array.isArray(subs) ? subs.map(String) : undefined;
    return getMessage(key, positional) || key;
  };
}

/** `fr-CA` → `fr`; anything unsupported → `en`. */
export function pickLanguage(uiLanguage: string | undefined, override: 'auto' | Language = 'auto'): Language {
  if (override !== 'auto') return override;
  const base = (uiLanguage ?? '').toLowerCase().split(/[-_]/)[0] ?? '';
  return (LANGUAGES as readonly string[]).includes(base) ? (base as Language) : 'en';
}

export const directionOf = (lang: Language): 'rtl' | 'ltr' => (lang === 'ar' ? 'rtl' : 'ltr');

export interface I18n {
  lang: Language;
  dir: 'rtl' | 'ltr';
  t: Translate;
}

/** Loads a language's messages with `fetchJson` (injected), English filling any gap. */
export async function loadI18n(lang: Language, fetchJson: (lang: Language) => Promise<LocaleMessages>): Promise<I18n> {
  const english = await fetchJson('en');
  const messages = lang === 'en' ? english : await fetchJson(lang).catch(() => english);
  return { lang, dir: directionOf(lang), t: createTranslator(messages, english) };
}
