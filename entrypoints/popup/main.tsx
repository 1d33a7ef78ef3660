import { render } from 'preact';
import { browser } from 'wxt/browser';
import { I18nContext } from '@/components/i18n-context';
import { PopupApp } from '@/components/PopupApp';
import type { I18n } from '@/utils/i18n';
import { type Appearance, applyTheme, cachedAppearance, loadPageI18n, rememberAppearance } from '@/utils/i18n-loader';
import { call, popupActions } from './actions';
import { PENDING_TICKET_TTL_MS, pendingTicketItem } from '@/utils/storage-schema';

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
      <PopupApp actions={popupActions(tabId)} initialTicketId={initialTicketId} />
    </I18nContext.Provider>,
    document.getElementById('app')!,
  );
}

async function main() {
  const settings = call('settings/get', {}).then(
    (r): Appearance => (r.ok ? { language: r.data.language, theme: r.data.theme } : { language: 'auto', theme: 'system' }),
  );
  const fromMenu = pendingTicket();
  // Draw at once with the language and theme used last time; the settings confirm (or change) them.
  const first = cachedAppearance() ?? (await settings);
  const [fromParams, i18n] = await Promise.all([positive(params.get('ticket')) ?? fromMenu, loadPageI18n(first.language)]);
  const initialTicketId = fromParams ?? null;
  show(first, i18n, initialTicketId);
  const latest = await settings;
  rememberAppearance(latest);
  if (latest.language !== first.language || latest.theme !== first.theme)
    show(latest, await loadPageI18n(latest.language), initialTicketId);
}

void main();
