/**
 * The composition root: builds the client, the outbox and the handlers, and wires them to the
 * browser's events. Listeners are registered synchronously so a worker woken by an event sees it.
 */
import { browser, defineBackground } from '#imports';
import { createRouter, isEnvelope, type SenderInfo } from '@/utils/background/router';
import { createHandlers } from '@/utils/background/handlers';
import { createCredentialsStore } from '@/utils/background/credentials-store';
import { createDaakeyClient } from '@/utils/background/daakey-client';
import { memoItem } from '@/utils/background/memo-item';
import { createOutbox } from '@/utils/background/outbox';
import { draftsItem, settingsItem, templatesItem, draftKey, referencesItem, unknownReferencesItem } from '@/utils/shared/storage-schema';
import { credentialsItem, panelPassesItem, sessionCredentialsItem } from '@/utils/background/storage-items';
import { announceChangesToPages } from '@/utils/background/page-events';
import { isEnabledDashboard } from '@/utils/shared/dashboard-sites';
import { outboxStore, withOutboxLock } from './outbox-host';
import { disableOnSitesOff, syncDashboardScripts } from './dashboard-scripts';
import { readManaged, applyManaged } from './managed';
import { showOutboxState } from './badge';
import { registerContextMenu } from './context-menu';
import { registerCommands } from './commands';
import { registerOnboarding } from './onboarding';
import type { OutboxEntryView } from '@/utils/shared/messages';
import { sendToTab } from '@/utils/shared/send-to-tab';

const OUTBOX_ALARM = 'dqr-outbox';
const WATCHDOG_ALARM = 'dqr-outbox-watchdog';
// Sent replies are kept a day (the popup shows one that went out while it was closed); older ones are
// dropped hourly and at every worker start, or storage grows without end and every write slows down.
const PRUNE_ALARM = 'dqr-outbox-prune';

export default defineBackground(() => {
  registerContextMenu();
  registerCommands();
  registerOnboarding();
  // Chrome 140+ can keep `storage.local` away from content scripts; elsewhere secrets stay in
  // `storage.session`, which is trusted-only by default.
  const local = browser.storage.local as typeof browser.storage.local & { setAccessLevel?: (o: { accessLevel: string }) => Promise<void> };
  const canLockLocal = typeof local.setAccessLevel === 'function';
  if (canLockLocal) void local.setAccessLevel!({ accessLevel: 'TRUSTED_CONTEXTS' }).catch(() => undefined);
  const credentials = createCredentialsStore({ persistent: canLockLocal });
  // Open pages hear of a new sign-in or settings from here, by name; a storage listener in a page would be handed
  // every change's value, the token's included.
  announceChangesToPages({
    settings: settingsItem,
    credentials: [credentialsItem, sessionCredentialsItem],
    send: (event) => browser.runtime.sendMessage(event),
  });

  // Settings are read on every request and every content-script message, drafts on every reply sent;
  // both change rarely and only through this worker, so they are kept in memory.
  const settings = memoItem(settingsItem);
  const currentSettings = settings.getValue;
  const drafts = memoItem(draftsItem);

  // One client for the worker's life, so what it learns (the server's clock offset) is kept.
  const apiClient = createDaakeyClient({
    baseUrl: async () => (await currentSettings()).baseUrl,
    fetch: (input, init) => fetch(input, init),
    clock: () => Date.now(),
    getAuth: async () => {
      const [settings, creds] = await Promise.all([currentSettings(), credentials.get()]);
      const signature =
        settings.signatureMode === 'issued'
          ? creds.issuedSignature
            ? ({ mode: 'issued', value: creds.issuedSignature } as const)
            : null
          : settings.agencyCode && creds.secret
            ? ({ mode: 'computed', agencyCode: settings.agencyCode, secret: creds.secret } as const)
            : null;
      return { token: creds.token, signature };
    },
  });
  const client = async () => apiClient;

  let wakeTimer: ReturnType<typeof setTimeout> | undefined;
  // A Send asks for a flush twice (the outbox's own wake-up and the handler): a flush that is still
  // waiting for the lock will see every change made before it starts, so a second one adds nothing
  // but lock traffic and alarm calls in front of the reply's request.
  let flushesWaiting = 0;
  let watchdogArmed = false;
  const outbox = createOutbox({
    store: outboxStore,
    client: {
      addMessage: async (...args) => (await client()).addMessage(...args),
      prepareMessage: async (...args) => (await client()).prepareMessage(...args),
      getTicket: async (id) => (await client()).getTicket(id),
    },
    clock: () => Date.now(),
    random: Math.random,
    lock: (fn) =>
      withOutboxLock(() => {
        flushesWaiting = Math.max(0, flushesWaiting - 1);
        return fn();
      }),
    schedule: (at) => {
      clearTimeout(wakeTimer);
      if (at === null) {
        void browser.alarms.clear(OUTBOX_ALARM);
        return;
      }
      const delay = at - Date.now();
      // Due now: flush at once (flushSoon arms the watchdog alarm that covers a worker stopped meanwhile).
      if (delay <= 0) return flushSoon();
      // The alarm survives the worker; the timer serves short waits while it is alive.
      void browser.alarms.create(OUTBOX_ALARM, { when: Math.max(at, Date.now() + 1000) });
      if (delay < 25_000) wakeTimer = setTimeout(() => flushSoon(), delay);
    },
    onChange: (changed, all) => void reactToOutbox(changed, all),
  });

  let badgeTimer: ReturnType<typeof setTimeout> | undefined;
  // Last state seen per entry, to act once per transition (a restarted worker starts empty).
  const lastStates = new Map<string, OutboxEntryView['state']>();
  async function reactToOutbox(changed: OutboxEntryView[], all: () => OutboxEntryView[]) {
    if (changed.some((e) => e.state === 'paused')) await credentials.update({ needsSignIn: true });
    for (const entry of changed) {
      const before = lastStates.get(entry.id);
      lastStates.set(entry.id, entry.state);
      if (before === entry.state) continue;
      if (entry.state === 'sent') await clearDraftIfSent(entry.ticketId, entry.message);
      if (before !== undefined && (entry.state === 'failed' || entry.state === 'needs_attention')) notifyFailure(entry.ticketId);
    }
    // The badge follows a burst of changes once, after it, rather than an IPC call per step in front of
    // the next reply's storage write.
    clearTimeout(badgeTimer);
    badgeTimer = setTimeout(() => void showOutboxState(all()).catch(() => undefined), 150);
  }

  async function clearDraftIfSent(ticketId: number, message: string) {
    const [settings, stored] = await Promise.all([currentSettings(), drafts.getValue()]);
    const key = draftKey(settings.agencyCode, ticketId);
    if (stored[key] && stored[key].message.trim() === message.trim()) {
      const next = { ...stored };
      delete next[key];
      await drafts.setValue(next);
    }
  }

  function notifyFailure(ticketId: number) {
    void browser.notifications
      ?.create(`dqr-failed-${ticketId}-${Date.now()}`, {
        type: 'basic',
        iconUrl: browser.runtime.getURL('/icon/128.png'),
        title: browser.i18n.getMessage('notify_failed_title') || 'Reply not sent',
        message:
          browser.i18n.getMessage('notify_failed_body', [String(ticketId)]) || `The reply to ticket #${ticketId} needs your attention.`,
      })
      .catch(() => undefined);
  }

  // If the worker is stopped mid-flush nothing else would wake it: this alarm does, and is
  // cleared once a flush ends with nothing left in flight.
  function flushSoon(options?: { force?: boolean }) {
    if (flushesWaiting > 0 && !options?.force) return;
    flushesWaiting++;
    if (!watchdogArmed) {
      watchdogArmed = true;
      void browser.alarms.create(WATCHDOG_ALARM, { delayInMinutes: 1 });
    }
    void outbox
      .flush(options)
      .then(async (entries) => {
        if (flushesWaiting === 0 && !entries.some((e) => e.state === 'sending')) {
          watchdogArmed = false;
          await browser.alarms.clear(WATCHDOG_ALARM);
        }
      })
      .catch((error) => console.error('[daakey] outbox flush failed', error));
  }

  const handlers = createHandlers({
    settings,
    credentials,
    drafts,
    templates: templatesItem,
    references: referencesItem,
    unknownReferences: unknownReferencesItem,
    panelPasses: panelPassesItem,
    client,
    outbox,
    clock: () => Date.now(),
    managedKeys: async () => Object.keys(await readManaged()),
    hasHostPermission: (pattern) => browser.permissions.contains({ origins: [pattern] }),
    sitesChanged: async () => {
      await syncDashboardScripts(async () => (await currentSettings()).dashboardSites);
      await disableOnSitesOff((await currentSettings()).dashboardSites);
    },
    flushSoon,
    closePanel: async (tabId, pass) => {
      const answer = (await sendToTab(tabId, 'tab/close-panel', { pass }, { frameId: 0 })) as { closed?: boolean } | null;
      return answer?.closed === true;
    },
  });

  const route = createRouter({
    runtimeId: browser.runtime.id,
    extensionOrigin: new URL(browser.runtime.getURL('/')).origin,
    isDashboardOrigin: async (origin) => isEnabledDashboard((await currentSettings()).dashboardSites, origin),
    handlers,
    onError: (error) => console.error('[daakey] handler failed', error),
  });

  browser.runtime.onMessage.addListener((message: unknown, sender) => {
    // Not ours: let other listeners (none today) answer.
    if (!isEnvelope(message)) return undefined;
    return route(message, sender as SenderInfo);
  });

  // A listener makes the browser start this worker with the browser: the dashboard tabs it restores get their
  // script injected by `start()` below (registration alone missed the first pages opened at start-up).
  browser.runtime.onStartup.addListener(() => undefined);

  browser.alarms.onAlarm.addListener((alarm) => {
    if (alarm.name === OUTBOX_ALARM || alarm.name === WATCHDOG_ALARM) flushSoon();
    if (alarm.name === PRUNE_ALARM) void pruneSent();
  });

  async function pruneSent() {
    await outbox.prune().catch((error) => console.error('[daakey] outbox prune failed', error));
  }

  async function start() {
    flushSoon();
    void pruneSent();
    await applyManaged(await readManaged());
    settings.forget();
    await syncDashboardScripts(async () => (await currentSettings()).dashboardSites);
    // Created once, after what pages wait for: re-creating it at each worker start would keep pushing its first run back.
    if (!(await browser.alarms.get(PRUNE_ALARM))) await browser.alarms.create(PRUNE_ALARM, { periodInMinutes: 60 });
  }
  // Every worker start, not only install and browser start: a worker restarted after being stopped
  // mid-send resumes what it left, and registration is checked again (it is cheap when unchanged).
  void start().catch((error) => console.error('[daakey] start failed', error));
});
