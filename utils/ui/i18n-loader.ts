/** The browser side of `utils/shared/i18n.ts`: UI language, locale files, `<html lang dir data-theme>`. */
import { browser } from 'wxt/browser';
import {
  createBrowserTranslator,
  directionOf,
  loadI18n,
  pickLanguage,
  type I18n,
  type Language,
  type LocaleMessages,
} from '@/utils/shared/i18n';
import { isOneOf, LANGUAGE_CHOICES, type LanguageChoice, type Theme, THEMES } from '@/utils/shared/settings-values';

const fetchLocale = async (lang: Language): Promise<LocaleMessages> => {
  // The path is typed by WXT's PublicPath union; `_locales` files are public assets.
  const response = await fetch(browser.runtime.getURL(`/_locales/${lang}/messages.json` as '/'));
  if (!response.ok) throw new Error(`No messages for ${lang}`);
  return (await response.json()) as LocaleMessages;
};

/**
 * Loads the messages for the override, or the browser's UI language, and marks the document. The browser's
 * own language needs no locale file: `browser.i18n` has its messages already.
 */
export async function loadPageI18n(override: 'auto' | Language = 'auto'): Promise<I18n> {
  const uiLanguage = browser.i18n.getUILanguage();
  const lang = pickLanguage(uiLanguage, override);
  const i18n =
    lang === pickLanguage(uiLanguage)
      ? { lang, dir: directionOf(lang), t: createBrowserTranslator((key, subs) => browser.i18n.getMessage(key as never, subs)) }
      : await loadI18n(lang, fetchLocale);
  document.documentElement.lang = i18n.lang;
  document.documentElement.dir = i18n.dir;
  return i18n;
}

export function applyTheme(theme: Theme): void {
  if (theme === 'system') delete document.documentElement.dataset.theme;
  else document.documentElement.dataset.theme = theme;
}

export interface Appearance {
  language: LanguageChoice;
  theme: Theme;
}

const APPEARANCE_KEY = 'dqr-appearance';

/**
 * The language and theme a page last used, from the page's own synchronous `localStorage`: a page can
 * then draw at once in the right language and colours instead of first waiting for the background
 * (which may be asleep) to send the settings. Only these two display choices are kept there.
 */
export function cachedAppearance(): Appearance | null {
  try {
    const value = JSON.parse(localStorage.getItem(APPEARANCE_KEY) ?? 'null') as Partial<Appearance> | null;
    if (value && isOneOf(LANGUAGE_CHOICES, value.language) && isOneOf(THEMES, value.theme)) return value as Appearance;
  } catch {
    // Unreadable or unavailable: the settings decide, a moment later.
  }
  return null;
}

export function rememberAppearance(appearance: Appearance): void {
  try {
    localStorage.setItem(APPEARANCE_KEY, JSON.stringify({ language: appearance.language, theme: appearance.theme }));
  } catch {
    // Storage full or disabled: the next start waits for the settings, as without the cache.
  }
}
