// The few words the content script shows, from the browser's own copy of the locale files (no fetch, no Preact).
import { browser } from 'wxt/browser';

/** "Reply to ticket #N" in the browser's language: the name tests and screen readers rely on in English. */
export function replyLabel(id: number): string {
  return message('panel_title', [String(id)], `Reply to ticket #${id}`);
}

/** The pill's visible word. */
export function replyWord(): string {
  return message('inline_reply', [], 'Reply');
}

/** `english` stands in outside an extension context (unit tests), where there is no locale file. */
export function message(key: 'panel_title' | 'panel_load_failed' | 'inline_reply', subs: string[], english: string = key): string {
  try {
    return browser.i18n.getMessage(key, subs) || english;
  } catch {
    return english;
  }
}
