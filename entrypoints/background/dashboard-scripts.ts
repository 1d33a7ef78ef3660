import { browser } from '#imports';
import { DASHBOARD_WORLD_KEY, enabledPatterns, isEnabledDashboard, type DashboardSite } from '@/utils/shared/dashboard-sites';
import { sendToTab } from '@/utils/shared/send-to-tab';

const SCRIPT_ID = 'dqr-dashboard';
const SCRIPT_FILE = 'content-scripts/dashboard.js';
// At document_start, and the script itself waits for DOMContentLoaded: not at idle (on a long page `load`,
// which idle waits for, comes seconds later), nor at document_end (a task of its own, which the page's first
// full layout runs ahead of; see the content script's `whenParsed`).
const RUN_AT = 'document_start' as const;

// One sync at a time: a worker start and a site switched on or off can both sync, and two interleaved
// get/unregister/register sequences could leave the older set of sites registered (or fail on a duplicate id).
let syncing: Promise<void> = Promise.resolve();

/**
 * The dashboard content script runs only on the sites the agent enabled and granted, so it is
 * registered at run time rather than declared in the manifest. `sites` is read when this sync's turn
 * comes, so the last sync always applies the latest settings.
 *
 * Registration covers pages loaded from now on; the tabs already open on those sites (restored at browser
 * start, or open when a site is added or switched on) get the same script injected once, unless a live
 * instance already runs there. The returned promise settles once the registration is in place; the
 * injection into open tabs may still be under way (it waits for pages that are still loading).
 */
export function syncDashboardScripts(sites: () => Promise<readonly DashboardSite[]>): Promise<void> {
  const run = syncing.then(async () => {
    const current = await sites();
    const patterns = await applyDashboardScripts(current);
    void injectIntoOpenTabs(current, patterns).catch((error) => console.error('[daakey] inject into open tabs', error));
  });
  syncing = run.catch(() => undefined);
  return run;
}

async function applyDashboardScripts(sites: readonly DashboardSite[]): Promise<string[]> {
  const patterns: string[] = [];
  for (const pattern of enabledPatterns(sites)) {
    if (await browser.permissions.contains({ origins: [pattern] })) patterns.push(pattern);
  }
  const existing = await browser.scripting.getRegisteredContentScripts({ ids: [SCRIPT_ID] }).catch(() => []);
  const current = existing[0]?.matches ?? [];
  const same = current.length === patterns.length && current.every((p) => patterns.includes(p));
  // A registration persisted by an older version may run at another time: registered again.
  if (existing.length && same && existing[0]?.runAt === RUN_AT) return patterns;
  if (!patterns.length) {
    if (existing.length) await browser.scripting.unregisterContentScripts({ ids: [SCRIPT_ID] });
    return patterns;
  }
  const script = { id: SCRIPT_ID, matches: patterns, js: [SCRIPT_FILE], runAt: RUN_AT, persistAcrossSessions: true };
  // Updated in place when registered: unregistering first left a gap in which a page opening got no script.
  if (existing.length) await browser.scripting.updateContentScripts([script]);
  else await browser.scripting.registerContentScripts([script]);
  return patterns;
}

/** True when the tab's top frame already runs a live instance of the dashboard script (of this extension). */
async function hasLiveInstance(tabId: number): Promise<boolean> {
  const [probe] = await browser.scripting.executeScript({
    target: { tabId, frameIds: [0] },
    // Runs in the extension's isolated world, where the content script keeps its mark.
    func: (key: string) => Boolean((globalThis as unknown as Record<symbol, unknown>)[Symbol.for(key)]),
    args: [DASHBOARD_WORLD_KEY],
  });
  return probe?.result === true;
}

/** Injects the dashboard script into one tab, once: not where an instance already runs. */
export async function injectOnce(tabId: number): Promise<'injected' | 'running' | 'failed'> {
  try {
    if (await hasLiveInstance(tabId)) return 'running';
    await browser.scripting.executeScript({ target: { tabId, frameIds: [0] }, files: [`/${SCRIPT_FILE}`] });
    return 'injected';
  } catch {
    // A tab still committing its page, an error page, a tab we may not script: tried again once it has loaded.
    return 'failed';
  }
}

/** How long after a sync a tab still loading (a tab the browser is restoring) is waited for. */
const LOADING_TAB_WAIT_MS = 60_000;

/** Stops the previous sync's wait for loading tabs: it knows an older list of sites (a site since switched off). */
let stopWaiting: () => void = () => undefined;

async function injectIntoOpenTabs(sites: readonly DashboardSite[], patterns: string[]): Promise<void> {
  stopWaiting();
  if (!patterns.length) return;
  const enabled = (url: string | undefined) => {
    if (!url || !/^https?:/.test(url)) return false;
    return isEnabledDashboard(sites, new URL(url).origin);
  };
  // Tabs injected (or found running an instance), and tabs with an injection under way.
  const settled = new Set<number>();
  const busy = new Set<number>();
  const inject = (tabId: number) => {
    if (settled.has(tabId) || busy.has(tabId)) return;
    busy.add(tabId);
    void injectOnce(tabId).then((outcome) => {
      busy.delete(tabId);
      if (outcome !== 'failed') settled.add(tabId);
    });
  };
  // Listening before the query: a tab that finishes loading (or is restored) meanwhile is not missed.
  const onUpdated = (tabId: number, change: { status?: string }, tab: { url?: string }) => {
    if (change.status === 'complete' && enabled(tab.url)) inject(tabId);
  };
  browser.tabs.onUpdated.addListener(onUpdated);
  const timer = setTimeout(() => browser.tabs.onUpdated.removeListener(onUpdated), LOADING_TAB_WAIT_MS);
  stopWaiting = () => {
    clearTimeout(timer);
    browser.tabs.onUpdated.removeListener(onUpdated);
  };
  const tabs = await browser.tabs.query({ url: patterns });
  for (const tab of tabs) if (tab.id !== undefined && tab.status === 'complete' && enabled(tab.url)) inject(tab.id);
}

/** Tabs already showing our buttons on a site the agent just switched off lose them at once. */
export async function disableOnSitesOff(sites: readonly DashboardSite[]): Promise<void> {
  for (const tab of await browser.tabs.query({})) {
    if (tab.id === undefined || !tab.url || !/^https?:/.test(tab.url)) continue;
    if (isEnabledDashboard(sites, new URL(tab.url).origin)) continue;
    // Tabs without our script (most of them) refuse the message: nothing to do there.
    await sendToTab(tab.id, 'tab/disable', {});
  }
}
