/** Language and theme overrides, the three surfaces, and axe-core: shared by the accessibility and screenshot tests. */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { Frame, Locator, Page } from './driver';
import type { Rig } from './fixtures';
import { clickReplyButton, panelFrame } from './panel';

export type Lang = 'en' | 'ar';
export type Theme = 'light' | 'dark';
export const LANGS: Lang[] = ['en', 'ar'];
export const THEMES: Theme[] = ['light', 'dark'];

/**
 * Sets the options page's Language and Theme overrides as an agent would. The selects are found by their
 * options, so this works whatever language the page is currently in. Returns once a fresh options page shows both.
 */
export async function setAppearance(rig: Rig, lang: Lang, theme: Theme): Promise<void> {
  const page = await rig.openPage('options.html');
  const language = page.locator('select:has(option[value="ar"])');
  const themeSelect = page.locator('select:has(option[value="dark"])');
  await language.waitFor();
  if ((await language.inputValue()) !== lang) {
    await language.selectOption(lang);
    await until(() => page.evaluate(() => document.documentElement.lang), lang);
  }
  if ((await themeSelect.inputValue()) !== theme) {
    await themeSelect.selectOption(theme);
    await until(() => page.evaluate(() => document.documentElement.dataset.theme ?? ''), theme);
  }
  // Stored, not only applied to that page: a new page starts with both.
  await until(async () => {
    const check = await rig.openPage('options.html');
    await check.locator('select:has(option[value="ar"])').waitFor();
    const seen = await check.evaluate(() => `${document.documentElement.lang}/${document.documentElement.dataset.theme ?? ''}`);
    await check.close();
    return seen;
  }, `${lang}/${theme}`);
  await page.close();
}

/** Polls outside a test body too (setup hooks cannot use expect.poll). */
async function until<T>(read: () => Promise<T>, want: T, timeout = 10_000): Promise<void> {
  const end = Date.now() + timeout;
  let seen: T | undefined;
  while (Date.now() < end) {
    seen = await read();
    if (seen === want) return;
    await new Promise((r) => setTimeout(r, 150));
  }
  throw new Error(`Expected ${String(want)}, still ${String(seen)} after ${timeout} ms`);
}

/** The popup for a ticket, once the ticket and its thread have loaded. */
export async function openLoadedPopup(rig: Rig, ticketId: number, viewport = { width: 400, height: 600 }): Promise<Page> {
  // By URL, not by typing: the labels are translated in Arabic.
  const page = await rig.openPage('popup.html', `ticket=${ticketId}`);
  await page.setViewportSize(viewport);
  await page.locator('.reply-form h2.subject').waitFor();
  await page.evaluate(() => document.fonts.ready);
  return page;
}

export async function openOptions(rig: Rig): Promise<Page> {
  const page = await rig.openPage('options.html');
  await page.locator('select:has(option[value="ar"])').waitFor();
  await page.evaluate(() => document.fonts.ready);
  return page;
}

/** A dashboard ticket page with the inline panel open and its ticket loaded. */
export async function openPanel(rig: Rig, ticketId: number): Promise<{ page: Page; panel: Frame; dialog: Locator }> {
  const page = await rig.context.newPage();
  await page.setViewportSize({ width: 1280, height: 800 });
  await page.goto(`${rig.sandbox.url}/dashboard/tickets/${ticketId}`);
  await clickReplyButton(page, `Reply to ticket #${ticketId}`);
  const panel = await panelFrame(page);
  const dialog = panel.getByRole('dialog');
  await dialog.locator('h2.subject').waitFor({ timeout: 10_000 });
  await panel.evaluate(() => document.fonts.ready);
  return { page, panel, dialog };
}

const AXE_SOURCE = readFileSync(path.resolve('node_modules/axe-core/axe.min.js'), 'utf8');

export interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  nodes: { target: unknown; html: string; summary: string }[];
}

/**
 * Runs axe-core in the page. Extension pages forbid inline script tags, so the library's source is evaluated
 * instead. `include` limits the run to part of the document.
 */
export async function axeViolations(page: Page | Frame, include?: string): Promise<AxeViolation[]> {
  if (!(await page.evaluate(() => 'axe' in window))) await page.evaluate(AXE_SOURCE);
  return page.evaluate(async (selector) => {
    const axe = (window as unknown as { axe: { run(ctx: unknown, opts: unknown): Promise<{ violations: AxeViolation[] }> } }).axe;
    const context = selector ? { include: [[selector]] } : document;
    const result = await axe.run(context, { resultTypes: ['violations'] });
    return result.violations.map((v) => ({
      id: v.id,
      impact: v.impact,
      help: v.help,
      nodes: v.nodes.map((n) => ({
        target: (n as unknown as { target: unknown }).target,
        html: (n as unknown as { html: string }).html.slice(0, 200),
        summary: ((n as unknown as { failureSummary?: string }).failureSummary ?? '').slice(0, 300),
      })),
    }));
  }, include);
}

export const describeViolations = (list: AxeViolation[]) =>
  list
    .map(
      (v) =>
        `${v.id} (${v.impact}): ${v.help}\n${v.nodes.map((n) => `  ${JSON.stringify(n.target)} ${n.html}\n    ${n.summary}`).join('\n')}`,
    )
    .join('\n');
