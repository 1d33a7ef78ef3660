/**
 * The persisted state that pages may know of, with versions. The secrets and the panel passes live in
 * `utils/background/storage-items.ts`, which only the background imports (a lint wall and the bundle audit
 * keep them out of every page).
 */
import { storage } from '#imports';
import type { EnvironmentName } from './api-contract';
import { ENVIRONMENTS } from './api-contract';
import type { UploadedMedia } from './daakey-types';
import type { Template, UndoSeconds } from './messages';
import { normaliseOrigin } from './dashboard-sites';
import type { LanguageChoice, SignatureMode, Theme } from './settings-values';

export interface StoredSettings {
  environment: EnvironmentName;
  baseUrl: string;
  signatureMode: SignatureMode;
  agencyCode: string;
  dashboardSites: { origin: string; enabled: boolean }[];
  language: LanguageChoice;
  theme: Theme;
  /** Seconds a sent reply stays queued so the agent can undo it (0: off). */
  undoSeconds: UndoSeconds;
  /**
   * Whether the agent has picked the undo window (onboarding or options). Until then the onboarding offers and
   * stores its preselection; after that, reopening the onboarding shows the pick and never overrides it.
   */
  undoChosen: boolean;
  /** The agency's own ticket URL patterns (`/support/case/{id}`) and CSS selectors, beside the built-in ones. */
  detection: { urlPatterns: string[]; selectors: string[] };
}

export interface StoredDraft {
  message: string;
  attachments: UploadedMedia[];
  updatedAt: number;
}

/**
 * A fresh install is set up for real agents: Production, and no dashboard site until the agent adds one
 * (choosing the Sandbox environment enables the sandbox's own origin, nothing wider).
 */
export const DEFAULT_SETTINGS: StoredSettings = {
  environment: 'production',
  baseUrl: ENVIRONMENTS.production,
  signatureMode: 'computed',
  agencyCode: '',
  dashboardSites: [],
  language: 'auto',
  theme: 'system',
  undoSeconds: 0,
  undoChosen: false,
  detection: { urlPatterns: [], selectors: [] },
};

/** Versions up to 3 enabled every loopback port by default; version 4 keeps only the sandbox's own origin. */
const OLD_LOOPBACK_DEFAULTS = ['http://127.0.0.1', 'http://localhost'];

export const settingsItem = storage.defineItem<StoredSettings>('local:settings', {
  fallback: DEFAULT_SETTINGS,
  version: 5,
  migrations: {
    // v2: agency detection patterns.
    2: (old: Omit<StoredSettings, 'detection' | 'undoSeconds'>) => ({ ...old, detection: { urlPatterns: [], selectors: [] } }),
    // v3: the undo window, off for agents who had none.
    3: (old: Omit<StoredSettings, 'undoSeconds' | 'undoChosen'>) => ({ ...old, undoSeconds: 0 as UndoSeconds }),
    // v4: no more "every loopback port"; an agent on the Sandbox keeps exactly its origin.
    4: (old: Omit<StoredSettings, 'undoChosen'>) => {
      const sites = old.dashboardSites.filter((s) => !OLD_LOOPBACK_DEFAULTS.includes(s.origin));
      const sandbox = old.environment === 'sandbox' ? normaliseOrigin(old.baseUrl) : null;
      if (sandbox && !sites.some((s) => s.origin === sandbox)) sites.push({ origin: sandbox, enabled: true });
      return { ...old, dashboardSites: sites };
    },
    // v5: a window already switched on was a choice; "off" may be the untouched default, so the onboarding may still offer one.
    5: (old: Omit<StoredSettings, 'undoChosen'>): StoredSettings => ({ ...old, undoChosen: old.undoSeconds !== 0 }),
  },
});

/** Keyed by `<agencyCode>:<ticketId>` so popup and inline panel share one draft per ticket. */
export const draftsItem = storage.defineItem<Record<string, StoredDraft>>('local:drafts', {
  fallback: {},
  version: 1,
});

export const templatesItem = storage.defineItem<Template[]>('local:templates', {
  fallback: [],
  version: 1,
});

export function draftKey(agencyCode: string, ticketId: number): string {
  return `${agencyCode || '-'}:${ticketId}`;
}

// The outbox is stored record by record under `outbox:*` keys: see `utils/background/outbox-storage.ts`.

/** Daakey references seen through the API → ticket IDs; session-only, rebuilt on demand. */
export const referencesItem = storage.defineItem<Record<string, number>>('session:references', {
  fallback: {},
  version: 1,
});

/** Per dashboard origin, references the API said it does not know; session-only. */
export const unknownReferencesItem = storage.defineItem<Record<string, string[]>>('session:unknownReferences', {
  fallback: {},
  version: 1,
});

/** How long a ticket handed from the context menu to the popup stays valid. */
export const PENDING_TICKET_TTL_MS = 60_000;

export interface PendingTicket {
  ticketId: number;
  /** The tab the agent was on, for the popup's "tickets on this page" and drafts. */
  tabId: number | null;
  createdAt: number;
}

/** The context menu's hand-off to the popup opened by `action.openPopup()`; read once. */
export const pendingTicketItem = storage.defineItem<PendingTicket | null>('session:pendingTicket', { fallback: null });
