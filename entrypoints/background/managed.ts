import { browser } from '#imports';
import { settingsItem, type StoredSettings } from '@/utils/shared/storage-schema';
import { normaliseOrigin } from '@/utils/shared/dashboard-sites';
import { ENVIRONMENTS, type EnvironmentName } from '@/utils/shared/api-contract';
import { ENVIRONMENT_NAMES, isOneOf } from '@/utils/shared/settings-values';

/** What an IT administrator may preset (see public/managed-schema.json). */
export interface ManagedSettings {
  environment?: EnvironmentName;
  baseUrl?: string;
  dashboardSites?: string[];
}

let cached: Promise<ManagedSettings> | null = null;

/** Policies change rarely and the read can be slow: once per worker life. */
export function readManaged(): Promise<ManagedSettings> {
  cached ??= readManagedNow();
  return cached;
}

async function readManagedNow(): Promise<ManagedSettings> {
  try {
    // Seen here: at worker start-up, before policies load, Chromium may never answer this call.
    const raw = (await Promise.race([
      browser.storage.managed.get(),
      new Promise<Record<string, unknown>>((_, reject) => setTimeout(() => reject(new Error('managed storage did not answer')), 1500)),
    ])) as Record<string, unknown>;
    const out: ManagedSettings = {};
    if (isOneOf(ENVIRONMENT_NAMES, raw.environment)) out.environment = raw.environment;
    if (typeof raw.baseUrl === 'string' && normaliseOrigin(raw.baseUrl)) out.baseUrl = raw.baseUrl.replace(/\/+$/, '');
    if (Array.isArray(raw.dashboardSites))
      out.dashboardSites = raw.dashboardSites.map((s) => normaliseOrigin(String(s))).filter((s): s is string => s !== null);
    return out;
  } catch {
    // No policy, or a browser without managed storage for this add-on.
    return {};
  }
}

export async function applyManaged(managed: ManagedSettings): Promise<void> {
  if (!Object.keys(managed).length) return;
  const settings = await settingsItem.getValue();
  const next: StoredSettings = { ...settings };
  if (managed.environment) next.environment = managed.environment;
  if (managed.baseUrl) next.baseUrl = managed.baseUrl;
  else if (managed.environment && managed.environment !== 'custom') next.baseUrl = ENVIRONMENTS[managed.environment];
  if (managed.dashboardSites) {
    const known = new Set(next.dashboardSites.map((s) => s.origin));
    next.dashboardSites = [
      ...next.dashboardSites,
      ...managed.dashboardSites.filter((o) => !known.has(o)).map((origin) => ({ origin, enabled: true })),
    ];
  }
  await settingsItem.setValue(next);
}
