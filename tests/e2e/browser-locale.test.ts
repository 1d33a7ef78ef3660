import { existsSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect } from 'vitest';
import { BROWSER, itUnless } from './driver';
import { DEMO, startRig, type Rig } from './fixtures';
import { recordedPosts, storedMessages, waitForStatus } from './steps';

/**
 * A browser whose own language is Arabic, with the language setting left on "auto": the pages take their
 * strings from `browser.i18n` (no locale file) and mirror the layout. The other e2e tests pick Arabic through
 * the override, which loads the locale file instead.
 */
/** Firefox takes its UI language from an installed language pack (Debian's firefox-esr-l10n-ar, which .ci/run installs). */
const ARABIC_LANGPACK = '/usr/lib/firefox-esr/browser/extensions/langpack-ar@firefox-esr.mozilla.org.xpi';
const hasLangpack = existsSync(ARABIC_LANGPACK);
const it = itUnless({
  ...(hasLangpack
    ? {}
    : { firefox: 'no Arabic language pack for Firefox ESR (Debian firefox-esr-l10n-ar): its UI language stays English' }),
});

describe('a browser running in Arabic', () => {
  let rig: Rig;

  beforeAll(async () => {
    if (BROWSER === 'firefox' && !hasLangpack) return;
    // Chromium on Linux takes its UI language from the environment.
    rig = await startRig({ env: { LANGUAGE: 'ar' } });
    // Configured through the protocol: the options page's English control names do not apply here.
    const page = await rig.openPage('options.html');
    const call = (type: string, payload: unknown) =>
      page.evaluate(([type, payload]) => chrome.runtime.sendMessage({ channel: 'daakey-qr/v1', type, payload }), [type, payload] as const);
    const saved = (await call('settings/save', {
      environment: 'sandbox',
      baseUrl: rig.sandbox.url,
      signatureMode: 'computed',
      agencyCode: DEMO.agencyCode,
      secret: DEMO.secret,
    })) as { ok: boolean };
    expect(saved.ok).toBe(true);
    expect(((await call('auth/sign-in', { email: DEMO.email, password: DEMO.password })) as { ok: boolean }).ok).toBe(true);
    await page.close();
  });
  afterAll(async () => rig?.close());

  it('shows the options page in Arabic, right to left, on "auto"', async () => {
    const options = await rig.openPage('options.html');
    await options.getByRole('combobox', { name: 'البيئة' }).waitFor();
    expect(
      await options.evaluate(() => [chrome.i18n.getUILanguage(), document.documentElement.lang, document.documentElement.dir]),
    ).toEqual(['ar', 'ar', 'rtl']);
    await options.close();
  });

  it('sends a reply from the Arabic popup once, and says so in Arabic', async () => {
    const popup = await rig.openPage('popup.html', 'ticket=6');
    const box = popup.getByRole('textbox', { name: 'الرسالة' });
    await box.fill('مرحباً، تم فتح السيارة الآن.');
    expect(await popup.evaluate(() => [document.documentElement.lang, document.documentElement.dir, document.title])).toEqual([
      'ar',
      'rtl',
      'الرد السريع من Daakey',
    ]);
    await popup.getByRole('button', { name: 'إرسال الرد' }).click();
    await waitForStatus(popup, /^أُرسل إلى التذكرة رقم 6: الرسالة رقم \d+/);
    expect(await recordedPosts(rig, 6)).toHaveLength(1);
    expect((await storedMessages(rig, 6)).filter((m) => m.message === 'مرحباً، تم فتح السيارة الآن.')).toHaveLength(1);
    await popup.screenshot({ path: 'artifacts/e2e-popup-browser-arabic.png' }).catch(() => {});
    await popup.close();
  });
});
