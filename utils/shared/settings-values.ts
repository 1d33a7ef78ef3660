/**
 * The values each setting can take, listed once. The stored settings, the protocol's types, the background's
 * message checks, the managed policy and the pages all read these lists, so adding a language or a theme is
 * one edit here (plus its translations). Plain literals, so that a bundle takes only the lists it uses.
 */
/** Languages with a translation in `public/_locales`. */
export const LANGUAGES = ['en', 'fr', 'ar'] as const;
export type Language = (typeof LANGUAGES)[number];

/** What the agent picks: a language, or `auto` for the browser's. */
export const LANGUAGE_CHOICES = ['auto', ...LANGUAGES] as const;
export type LanguageChoice = (typeof LANGUAGE_CHOICES)[number];

export const THEMES = ['system', 'light', 'dark'] as const;
export type Theme = (typeof THEMES)[number];

/** Computed: signed with the agency secret; issued: a fixed value Daakey gave the agency. */
export const SIGNATURE_MODES = ['computed', 'issued'] as const;
export type SignatureMode = (typeof SIGNATURE_MODES)[number];

/** Where the extension may point: the known APIs (their URLs are in `api-contract.ts`), or any base URL. */
export const ENVIRONMENT_NAMES = ['production', 'staging', 'sandbox', 'custom'] as const;
export type EnvironmentName = (typeof ENVIRONMENT_NAMES)[number];

/** Narrows an untrusted value (a message, a policy, localStorage) to one of the listed values. */
export function isOneOf<T extends string>(list: readonly T[], value: unknown): value is T {
  return typeof value === 'string' && (list as readonly string[]).includes(value);
}
