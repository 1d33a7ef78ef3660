/** Translations reach components through context; tests and the default use English. */
import { createContext } from 'preact';
import { useContext } from 'preact/hooks';
import en from '../public/_locales/en/messages.json';
import { createTranslator, type I18n } from '@/utils/shared/i18n';

export const englishI18n: I18n = { lang: 'en', dir: 'ltr', t: createTranslator(en) };
export const I18nContext = createContext<I18n>(englishI18n);
export const useI18n = (): I18n => useContext(I18nContext);
