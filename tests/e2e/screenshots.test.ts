import { mkdir } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BROWSER } from './driver';
import { startRig, type Rig } from './fixtures';
import { configureAndSignIn } from './steps';
import { LANGS, openLoadedPopup, openOptions, openPanel, setAppearance, THEMES } from './appearance';

/**
 * Screenshots for a person to look at: artifacts/screens/{popup,options,panel}-{en,ar}-{light,dark}.png
 * (Chromium) and artifacts/screens/firefox-{popup,options,panel}-….png (Firefox).
 * The popup at its real size (400×600), the options page in full, the panel open on a dashboard ticket page; then the
 * popup on a closed ticket (popup-closed-…, its one action above the fold) and the template fill-in form
 * (popup-template-fill-…).
 */
const DIR = 'artifacts/screens';
const PREFIX = BROWSER === 'firefox' ? 'firefox-' : '';

describe('screenshots', () => {
  let rig: Rig;
  beforeAll(async () => {
    await mkdir(DIR, { recursive: true });
    rig = await startRig();
    await configureAndSignIn(rig);
    // One template with two variables nothing can fill (an agency's own names), for the fill-in form.
    const options = await openOptions(rig);
    await options.getByRole('button', { name: 'Add template' }).click();
    const fieldset = options.getByRole('group', { name: 'Template 1' });
    await fieldset.getByRole('textbox', { name: 'Template name' }).fill('Key box / صندوق المفاتيح');
    await fieldset
      .getByRole('textbox', { name: 'Template text' })
      .fill('Your key box code is {{box.code}}; the car is parked at {{parking.spot}}. رمز صندوق المفاتيح {{box.code}}.');
    await fieldset.getByRole('textbox', { name: 'Template text' }).blur();
    await options.locator('#templates').getByText('Saved', { exact: true }).waitFor();
    await options.close();
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

        // A closed ticket (#9): its one primary action, "Create follow-up ticket", is seen without scrolling.
        const closed = await openLoadedPopup(rig, 9, { width: 400, height: 600 });
        const create = closed.locator('form.create-ticket button[type="submit"]');
        await create.waitFor();
        await closed.waitForTimeout(300);
        await closed.screenshot({ path: `${DIR}/${PREFIX}popup-closed-${suffix}.png` });
        const fold = await closed.evaluate(() => {
          const button = document.querySelector('form.create-ticket button[type="submit"]')!;
          const r = button.getBoundingClientRect();
          const hit = document.elementFromPoint(r.left + r.width / 2, r.top + r.height / 2);
          // The page as it opened: not scrolled (the thread's own list starts at its end, by design).
          const scrolled = document.scrollingElement!.scrollTop > 0;
          return { top: r.top, bottom: r.bottom, height: innerHeight, hit: hit === button || button.contains(hit), scrolled };
        });
        expect.soft(fold.height).toBe(600);
        expect.soft(fold.scrolled).toBe(false);
        expect.soft(fold.top).toBeGreaterThanOrEqual(0);
        expect.soft(fold.bottom, `"Create follow-up ticket" ends at ${fold.bottom} px`).toBeLessThanOrEqual(600);
        expect.soft(fold.hit).toBe(true);
        expect.soft(await closed.locator('button.primary').count()).toBe(1);
        await closed.close();

        // The template fill-in form: a template whose variables have no value asks for them before inserting.
        const filling = await openLoadedPopup(rig, 1, { width: 400, height: 600 });
        await filling.locator('button[aria-haspopup="listbox"]').click();
        await filling.getByRole('option').first().click();
        const fill = filling.locator('fieldset.template-fill');
        await fill.waitFor();
        expect(await fill.locator('input').count()).toBe(2);
        // The template's name stands inside the heading's quotation marks, in both languages.
        expect(await fill.locator('legend').textContent()).toBe(
          lang === 'ar' ? 'أكمل «Key box / صندوق المفاتيح»' : 'Fill in “Key box / صندوق المفاتيح”',
        );
        await fill
          .locator('input')
          .first()
          .fill(lang === 'ar' ? '٤٤١١' : '4411');
        await filling.waitForTimeout(200);
        await filling.screenshot({ path: `${DIR}/${PREFIX}popup-template-fill-${suffix}.png` });
        await filling.close();
      });
    }
  }
});
