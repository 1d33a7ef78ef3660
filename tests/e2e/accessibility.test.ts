import { beforeAll, describe, expect, it } from 'vitest';
import type { Page } from './driver';
import { signedInRig, storedMessages, waitForStatus } from './steps';
import {
  axeViolations,
  describeViolations,
  LANGS,
  openLoadedPopup,
  openOptions,
  openPanel,
  setAppearance,
  THEMES,
  type AxeViolation,
} from './appearance';

/**
 * axe-core on the popup (ticket loaded), the options page and the inline panel, in English and Arabic, light and
 * dark, through the options page's own Language and Theme overrides. Nothing is filtered out. Plus a keyboard-only
 * reply from the popup.
 */
describe('accessibility', () => {
  const rig = signedInRig();

  const isFocused = (page: Page, name: string) =>
    page
      .getByRole('textbox', { name, exact: true })
      .evaluate((el) => el === document.activeElement)
      .catch(() => false);

  async function tabUntil(page: Page, name: string, max = 15): Promise<number> {
    for (let presses = 1; presses <= max; presses++) {
      await page.keyboard.press('Tab');
      if (await isFocused(page, name)) return presses;
    }
    throw new Error(`${name} was not reached with ${max} Tab presses`);
  }

  /** An extension page in the chosen language and theme, painted in it, with nothing for axe to report. */
  async function expectExtensionPage(page: Page, lang: string, theme: string): Promise<void> {
    const html = await page.evaluate(() => ({
      lang: document.documentElement.lang,
      dir: document.documentElement.dir,
      theme: document.documentElement.dataset.theme,
    }));
    expect(html).toEqual({ lang, dir: lang === 'ar' ? 'rtl' : 'ltr', theme });
    expect(await page.evaluate(() => getComputedStyle(document.body).backgroundColor)).toBe(
      theme === 'dark' ? 'rgb(21, 25, 30)' : 'rgb(255, 255, 255)',
    );
    const violations = await axeViolations(page);
    await page.close();
    expect(violations, describeViolations(violations)).toEqual([] as AxeViolation[]);
  }

  it('replies from the popup with the keyboard alone', async () => {
    const page = await rig.openPage('popup.html');
    await page.getByRole('textbox', { name: 'Ticket ID' }).waitFor();
    expect(await tabUntil(page, 'Ticket ID')).toBeLessThanOrEqual(4);
    await page.keyboard.type('8');
    await page.keyboard.press('Enter');
    await page.getByRole('textbox', { name: 'Message' }).waitFor({ timeout: 10_000 });
    await page.locator('.reply-form h2.subject').waitFor();
    expect(await tabUntil(page, 'Message')).toBeLessThanOrEqual(6);
    const text = `Typed without a mouse ${Date.now()}`;
    await page.keyboard.type(text);
    await page.keyboard.press('Control+Enter');
    await waitForStatus(page, /sent/i);
    expect((await storedMessages(rig, 8)).filter((m) => m.message === text)).toHaveLength(1);
    await page.close();
  });

  for (const lang of LANGS) {
    for (const theme of THEMES) {
      describe(`${lang}, ${theme}`, () => {
        beforeAll(async () => setAppearance(rig, lang, theme));

        it('the popup with a ticket loaded', async () => {
          await expectExtensionPage(await openLoadedPopup(rig, 1), lang, theme);
        });

        it('the options page', async () => {
          await expectExtensionPage(await openOptions(rig), lang, theme);
        });

        it('the inline panel on the dashboard', async () => {
          const { page, panel } = await openPanel(rig, 4);
          const root = panel.locator('html');
          expect(await root.getAttribute('lang')).toBe(lang);
          expect(await root.getAttribute('dir')).toBe(lang === 'ar' ? 'rtl' : 'ltr');
          expect(await root.getAttribute('data-theme')).toBe(theme);
          // The theme really applies (axe checks contrast against what is painted).
          const background = await panel.locator('.reply-panel').evaluate((el) => getComputedStyle(el).backgroundColor);
          expect(background).toBe(theme === 'dark' ? 'rgb(21, 25, 30)' : 'rgb(255, 255, 255)');
          // Only our panel, its own document: the dashboard page itself is the agency's, not ours.
          const violations = await axeViolations(panel);
          await page.close();
          expect(violations, describeViolations(violations)).toEqual([] as AxeViolation[]);
        });
      });
    }
  }
});
