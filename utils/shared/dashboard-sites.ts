/** Dashboard origins the agent enabled: normalising what they type, and matching pages against it. */

/**
 * A live dashboard content script instance sets `globalThis[Symbol.for(DASHBOARD_WORLD_KEY)]` in its world (the
 * extension's isolated world, out of the page's reach) and clears it when it stops: the background injects the
 * script into an open tab only where it is not set.
 */
export const DASHBOARD_WORLD_KEY = 'daakey-quick-reply/dashboard';

export interface DashboardSite {
  origin: string;
  enabled: boolean;
}

/** `https://dash.example.com/anything` → `https://dash.example.com`; null when it is not an http(s) origin. */
export function normaliseOrigin(input: string): string | null {
  const text = input.trim();
  if (!/^https?:\/\//i.test(text)) return null;
  try {
    const url = new URL(text);
    if (!url.hostname || url.username || url.password) return null;
    return url.origin;
  } catch {
    return null;
  }
}

/**
 * Match patterns cannot name a port, so a site matches its host on every port; a site saved with
 * a port is still checked against that port by `isEnabledDashboard`.
 */
export function matchPatternFor(origin: string): string {
  const url = new URL(origin);
  return `${url.protocol}//${url.hostname}/*`;
}

export function isEnabledDashboard(sites: readonly DashboardSite[], pageOrigin: string): boolean {
  let page: URL;
  try {
    page = new URL(pageOrigin);
  } catch {
    return false;
  }
  return sites.some((site) => {
    if (!site.enabled) return false;
    const url = new URL(site.origin);
    return url.protocol === page.protocol && url.hostname === page.hostname && (url.port === '' || url.port === page.port);
  });
}

export function enabledPatterns(sites: readonly DashboardSite[]): string[] {
  return [...new Set(sites.filter((s) => s.enabled).map((s) => matchPatternFor(s.origin)))];
}
