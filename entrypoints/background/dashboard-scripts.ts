import { browser } from '#imports';
import { enabledPatterns, isEnabledDashboard, type DashboardSite } from '@/utils/dashboard-sites';
import type { TabEnvelope } from '@/utils/messages';

const SCRIPT_ID = 'dqr-dashboard';
const SCRIPT_FILE = 'content-scripts/dashboard.js';
// As soon as the document is parsed (DOMContentLoaded), not at idle: on a long page `load` (which idle
// waits for) can come seconds later, and the rows the agent sees should have their buttons at once.
const RUN_AT = 'document_end';

// One sync at a time: a worker start and a site switched on or off can both sync, and two interleaved
// get/unregister/register sequences could leave the older set of sites registered (or fail on a duplicate id).
let syncing: Promise<void> = Promise.resolve();

/**
 * The dashboard content script runs only on the sites the agent enabled and granted, so it is
 * registered at run time rather than declared in the manifest. `sites` is read when this sync's turn
 * comes, so the last sync always applies the latest settings.
 */
export function syncDashboardScripts(sites: () => Promise<readonly DashboardSite[]>): Promise<void> {
  const run = syncing.then(async () => applyDashboardScripts(await sites()));
  syncing = run.catch(() => undefined);
  return run;
}

async function applyDashboardScripts(sites: readonly DashboardSite[]): Promise<void> {
  const patterns: string[] = [];
  for (const pattern of enabledPatterns(sites)) {
    if (await browser.permissions.contains({ origins: [pattern] })) patterns.push(pattern);
  }
  const existing = await browser.scripting.getRegisteredContentScripts({ ids: [SCRIPT_ID] }).catch(() => []);
  const current = existing[0]?.matches ?? [];
  const same = current.length === patterns.length && current.every((p) => patterns.includes(p));
  // A registration persisted by an older version may run at another time: registered again.
  if (same && (!existing.length || existing[0]?.runAt === RUN_AT)) return;
  if (existing.length) await browser.scripting.unregisterContentScripts({ ids: [SCRIPT_ID] });
  if (!patterns.length) return;
  await browser.scripting.registerContentScripts([
    { id: SCRIPT_ID, matches: patterns, js: [SCRIPT_FILE], runAt: RUN_AT, persistAcrossSessions: true },
  ]);
}

/** Tabs already showing our buttons on a site the agent just switched off lose them at once. */
export async function disableOnSitesOff(sites: readonly DashboardSite[]): Promise<void> {
  const message: TabEnvelope<'tab/disable'> = { channel: 'daakey-qr/tab/v1', type: 'tab/disable', payload: {} };
  for (const tab of await browser.tabs.query({})) {
    if (tab.id === undefined || !tab.url || !/^https?:/.test(tab.url)) continue;
    if (isEnabledDashboard(sites, new URL(tab.url).origin)) continue;
    // Tabs without our script (most of them) refuse the message: nothing to do there.
    await browser.tabs.sendMessage(tab.id, message).catch(() => undefined);
  }
}
