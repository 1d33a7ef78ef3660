import { render } from 'preact';
import { browser } from 'wxt/browser';
import { I18nContext } from '@/components/i18n-context';
import { PopupApp } from '@/components/PopupApp';
import { applyTheme, loadPageI18n } from '@/utils/i18n-loader';
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

async function main() {
  const fromMenu = await pendingTicket();
  const settings = await call('settings/get', {});
  const language = settings.ok ? settings.data.language : 'auto';
  applyTheme(settings.ok ? settings.data.theme : 'system');
  const i18n = await loadPageI18n(language);
  document.title = i18n.t('extName');
  render(
    <I18nContext.Provider value={i18n}>
      <PopupApp actions={popupActions(tabId)} initialTicketId={positive(params.get('ticket')) ?? fromMenu} />
    </I18nContext.Provider>,
    document.getElementById('app')!,
  );
}

void main();
