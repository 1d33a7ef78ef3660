import { render } from 'preact';
import { browser } from 'wxt/browser';
import { I18nContext } from '@/components/i18n-context';
import { PopupApp } from '@/components/PopupApp';
import type { I18n } from '@/utils/shared/i18n';
import { type Appearance, applyTheme, cachedAppearance, loadPageI18n, rememberAppearance } from '@/utils/ui/i18n-loader';
import { sendToBackground } from '@/utils/shared/messenger';
import { createPopupActions } from '@/utils/ui/connect/popup';
import { PENDING_TICKET_TTL_MS, pendingTicketItem } from '@/utils/shared/storage-schema';

const params = new URLSearchParams(location.search);
const positive = (v: string | null) => (v && /^\d+$/.test(v) && Number(v) > 0 ? Number(v) : null);

// `?tabId=N` lets tests (and the background) act for a given tab; otherwise the active one.
const tabId: Promise<number | null> =
  positive(params.get('tabId')) !== null
    ? Promise.resolve(positive(params.get('tabId')))
    : browser.tabs
        .query({ active: true, currentWindow: true })
        .then((tabs) => tabs[0]?.id ?? null)
        .catch(() => null);

/** A ticket the context menu asked this popup to open, once, while it is fresh. */
async function pendingTicket(): Promise<number | null> {
  const pending = await pendingTicketItem.getValue().catch(() => null);
  if (!pending) return null;
  await pendingTicketItem.removeValue();
  return Date.now() - pending.createdAt < PENDING_TICKET_TTL_MS ? pending.ticketId : null;
}

function show(appearance: Appearance, i18n: I18n, initialTicketId: number | null) {
  applyTheme(appearance.theme);
  document.title = i18n.t('extName');
  render(
    <I18nContext.Provider value={i18n}>
      {/* Keyed by the ticket: a ticket handed over after the first draw starts the form afresh. */}
      <PopupApp key={initialTicketId ?? 0} actions={createPopupActions(tabId)} initialTicketId={initialTicketId} />
    </I18nContext.Provider>,
    document.getElementById('app')!,
  );
}

async function main() {
  const settings = sendToBackground('settings/get', {}).then(
    (r): Appearance => (r.ok ? { language: r.data.language, theme: r.data.theme } : { language: 'auto', theme: 'system' }),
  );
  const fromMenu = pendingTicket();
  const fromParams = positive(params.get('ticket'));
  // Draw at once with the language and theme used last time; the settings confirm (or change) them, and a
  // ticket the context menu left is read meanwhile (a storage round trip the first draw need not wait for).
  const first = cachedAppearance() ?? (await settings);
  const i18n = await loadPageI18n(first.language);
  show(first, i18n, fromParams);
  const [latest, menuTicket] = await Promise.all([settings, fromMenu]);
  rememberAppearance(latest);
  const changed = latest.language !== first.language || latest.theme !== first.theme;
  const ticket = fromParams ?? menuTicket;
  if (changed || ticket !== fromParams) show(latest, changed ? await loadPageI18n(latest.language) : i18n, ticket);
}

void main();
