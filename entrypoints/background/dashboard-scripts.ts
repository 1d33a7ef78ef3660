import { browser } from '#imports';
import { enabledPatterns, isEnabledDashboard, type DashboardSite } from '@/utils/dashboard-sites';
import type { TabEnvelope } from '@/utils/messages';

const SCRIPT_ID = 'dqr-dashboard';
const SCRIPT_FILE = 'content-scripts/dashboard.js';

/**
 * The dashboard content script runs only on the sites the agent enabled and granted, so it is
 * registered at run time rather than declared in the manifest.
 */
export async function syncDashboardScripts(sites: readonly DashboardSite[]): Promise<void> {
  const patterns: string[] = [];
  for (const pattern of enabledPatterns(sites)) {
    if (await browser.permissions.contains({ origins: [pattern] })) patterns.push(pattern);
  }
  const existing = await browser.scripting.getRegisteredContentScripts({ ids: [SCRIPT_ID] }).catch(() => []);
  const current = existing[0]?.matches ?? [];
  if (current.length === patterns.length && current.every((p) => patterns.includes(p))) return;
  if (existing.length) await browser.scripting.unregisterContentScripts({ ids: [SCRIPT_ID] });
  if (!patterns.length) return;
  await browser.scripting.registerContentScripts([
    { id: SCRIPT_ID, matches: patterns, js: [SCRIPT_FILE], runAt: 'document_idle', persistAcrossSessions: true },
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
