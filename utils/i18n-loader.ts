/** The browser side of `utils/i18n.ts`: UI language, locale files, `<html lang dir data-theme>`. */
import { browser } from 'wxt/browser';
import { loadI18n, pickLanguage, type I18n, type Language, type LocaleMessages } from './i18n';

const fetchLocale = async (lang: Language): Promise<LocaleMessages> => {
  // The path is typed by WXT's PublicPath union; `_locales` files are public assets.
  const response = await fetch(browser.runtime.getURL(`/_locales/${lang}/messages.json` as '/'));
  if (!response.ok) throw new Error(`No messages for ${lang}`);
  return (await response.json()) as LocaleMessages;
};

/** Loads the messages for the override, or the browser's UI language, and marks the document. */
export async function loadPageI18n(override: 'auto' | Language = 'auto'): Promise<I18n> {
  const lang = pickLanguage(browser.i18n.getUILanguage(), override);
  const i18n = await loadI18n(lang, fetchLocale);
  document.documentElement.lang = i18n.lang;
  document.documentElement.dir = i18n.dir;
  return i18n;
}

export function applyTheme(theme: 'system' | 'light' | 'dark'): void {
  if (theme === 'system') delete document.documentElement.dataset.theme;
  else document.documentElement.dataset.theme = theme;
}
