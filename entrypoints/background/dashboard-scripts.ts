import { browser } from '#imports';
import { enabledPatterns, type DashboardSite } from '@/utils/dashboard-sites';

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
