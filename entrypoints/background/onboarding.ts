/** Opens the onboarding page (entrypoints/onboarding) once, when the extension is first installed. */
import { browser } from '#imports';

export const ONBOARDING_PATH = '/onboarding.html';

/** Registers the `onInstalled` listener; call synchronously from the background's main. */
export function registerOnboarding(): void {
  browser.runtime.onInstalled.addListener(({ reason }) => {
    if (reason !== 'install') return;
    void browser.tabs
      .create({ url: browser.runtime.getURL(ONBOARDING_PATH as '/') })
      .catch((error) => console.error('[daakey] onboarding', error));
  });
}
