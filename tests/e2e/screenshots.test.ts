import { mkdir } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BROWSER } from './driver';
import { startRig, type Rig } from './fixtures';
import { configureAndSignIn } from './steps';
import { LANGS, openLoadedPopup, openOptions, openPanel, setAppearance, THEMES } from './appearance';

/**
 * Screenshots for a person to look at: artifacts/screens/{popup,options,panel}-{en,ar}-{light,dark}.png
 * (Chromium) and artifacts/screens/firefox-{popup,options,panel}-….png (Firefox).
 * The popup at its real size (400×600), the options page in full, the panel open on a dashboard ticket page.
 */
const DIR = 'artifacts/screens';
const PREFIX = BROWSER === 'firefox' ? 'firefox-' : '';

describe('screenshots', () => {
  let rig: Rig;
  beforeAll(async () => {
    await mkdir(DIR, { recursive: true });
    rig = await startRig();
    await configureAndSignIn(rig);
  });
  afterAll(async () => rig?.close());

  for (const lang of LANGS) {
    for (const theme of THEMES) {
      it(`${lang}, ${theme}`, async () => {
        await setAppearance(rig, lang, theme);
        const suffix = `${lang}-${theme}`;

        const popup = await openLoadedPopup(rig, 1, { width: 400, height: 600 });
        expect(await popup.evaluate(() => document.documentElement.dir)).toBe(lang === 'ar' ? 'rtl' : 'ltr');
        await popup.screenshot({ path: `${DIR}/${PREFIX}popup-${suffix}.png` });
        await popup.close();

        const options = await openOptions(rig);
        await options.setViewportSize({ width: 900, height: 900 });
        await options.screenshot({ path: `${DIR}/${PREFIX}options-${suffix}.png`, fullPage: true });
        await options.close();

        const { page } = await openPanel(rig, 6);
        await page.evaluate(() => document.fonts.ready);
        await page.screenshot({ path: `${DIR}/${PREFIX}panel-${suffix}.png` });
        await page.close();
      });
    }
  }
});
