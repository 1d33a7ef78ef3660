import { describe, expect, it } from 'vitest';
import { DEMO, signInOnOptions } from './fixtures';
import { signedInRig, openPopupFor, storedMessages, waitForStatus } from './steps';
import type { Page } from './driver';

/** Counts the welcome page's refreshes: each one sets `aria-busy` on its `main` while it reads the state again. */
async function countRefreshes(page: Page): Promise<() => Promise<number>> {
  await page.evaluate(() => {
    const w = window as unknown as { refreshes: number };
    w.refreshes = 0;
    new MutationObserver((records) => {
      for (const r of records) if ((r.target as Element).getAttribute('aria-busy') === 'true') w.refreshes++;
    }).observe(document.querySelector('main')!, { attributes: true, attributeFilter: ['aria-busy'] });
  });
  return () => page.evaluate(() => (window as unknown as { refreshes: number }).refreshes);
}

describe('the welcome page left open', () => {
  const rig = signedInRig();

  it('shows the finished set-up, follows the settings and stays idle while replies go out', async () => {
    const welcome = await rig.openPage('onboarding.html');
    await welcome.getByText(/^All set\./).waitFor();
    expect(await welcome.getByRole('radio', { name: 'Off: send at once' }).isChecked()).toBe(true);
    const refreshes = await countRefreshes(welcome);

    // Each reply writes the outbox several times; none of that is the welcome page's business.
    const popup = await openPopupFor(rig, 12);
    for (const text of ['First of three', 'Second of three', 'Third of three']) {
      await popup.getByRole('textbox', { name: 'Message' }).fill(text);
      await popup.getByRole('button', { name: 'Send reply' }).click();
      await waitForStatus(popup, /sent/i);
    }
    expect((await storedMessages(rig, 12)).filter((m) => m.message.endsWith('of three'))).toHaveLength(3);
    // Read before the popup closes: coming back to the welcome tab is a refresh of its own (Firefox's popup is a tab).
    expect(await refreshes()).toBe(0);
    await popup.close();

    // A settings change made in the options page shows here without a reload.
    const options = await rig.openPage('options.html');
    await options.getByRole('combobox', { name: 'Undo window' }).selectOption('5');
    await options.getByText('Undo window saved.').waitFor();
    await options.close();
    await expect.poll(() => welcome.getByRole('radio', { name: '5 seconds' }).isChecked(), { timeout: 10_000 }).toBe(true);
    expect(await refreshes()).toBeGreaterThan(0);
    await welcome.close();
  });

  it('shows a sign-out and a sign-in made in the options tab while nobody looks at it', async () => {
    const welcome = await rig.openPage('onboarding.html');
    await welcome.getByText(/^All set\./).waitFor();
    const signIn = welcome.getByRole('listitem', { name: 'Sign in' });
    expect(await signIn.getByText('Done', { exact: true }).count()).toBe(1);
    // Nothing from here on brings the welcome tab back into view (Firefox hides it behind the options tab): a
    // change can show only through the background's events.
    await welcome.evaluate(() => {
      const w = window as unknown as { cameBack: number };
      w.cameBack = 0;
      const back = () => document.visibilityState === 'visible' && w.cameBack++;
      addEventListener('focus', back);
      document.addEventListener('visibilitychange', back);
    });

    const options = await rig.openPage('options.html');
    await options.getByRole('button', { name: 'Sign out' }).click();
    await expect.poll(() => signIn.getByText('To do', { exact: true }).count(), { timeout: 10_000 }).toBe(1);
    await signInOnOptions(options);
    await expect.poll(() => signIn.getByText('Done', { exact: true }).count(), { timeout: 10_000 }).toBe(1);
    expect(await signIn.textContent()).toContain(DEMO.email);
    expect(await welcome.evaluate(() => (window as unknown as { cameBack: number }).cameBack)).toBe(0);
    await options.close();
    await welcome.close();
  });
});
