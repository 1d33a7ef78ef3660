/**
 * "Reply to ticket #N" on selected text. Chrome cannot compute a menu title while the menu opens, so
 * the item shows "Reply to ticket in “<selection>”" there (`%s`); Firefox rewrites it to "Reply to
 * ticket #N" in `menus.onShown`, and hides it when the selection names no ticket.
 *
 * Hand-off to the popup: the ticket goes to `storage.session` under `pendingTicket` (WXT key
 * `session:pendingTicket`, value `{ ticketId, tabId, createdAt }`), then `action.openPopup()`. The
 * popup reads it once, removes it and ignores it when older than `PENDING_TICKET_TTL_MS`. Where
 * `openPopup()` is refused, a small window opens `popup.html?ticket=N&tabId=T` instead.
 */
import { browser } from '#imports';
import { pendingTicketItem } from '@/utils/shared/storage-schema';
import { createTicketDetector } from '@/utils/shared/detect-ticket-ids';

export const MENU_ID = 'dqr-reply-to-selection';

const detector = createTicketDetector();

/** The numeric ticket a selection names ("Ticket #42", "#42", "تذكرة رقم ٤٢"), or null. */
export function ticketFromSelection(text: string | undefined): number | null {
  if (!text) return null;
  const ref = detector.fromSelectedText(text.slice(0, 2000));
  return ref && 'id' in ref ? ref.id : null;
}

const message = (key: string, subs?: string[]) => browser.i18n.getMessage(key as 'extName', subs) || '';

type MenusApi = typeof browser.contextMenus & {
  onShown?: { addListener(cb: (info: { menuIds: (string | number)[]; contexts: string[]; selectionText?: string }) => void): void };
  refresh?: () => Promise<void>;
};
/** Firefox's `menus` (with `onShown`) when present, else `contextMenus`. */
const menusApi = (): MenusApi | undefined =>
  ((browser as unknown as { menus?: MenusApi }).menus ?? browser.contextMenus) as MenusApi | undefined;

const actionApi = () =>
  (browser.action ?? (browser as unknown as { browserAction?: typeof browser.action }).browserAction) as
    | (typeof browser.action & { openPopup?: () => Promise<void> })
    | undefined;

/** Opens the reply UI in a small window; the popup page also works as a page. */
export async function openPopupWindow(ticketId: number | null, tabId: number | null): Promise<void> {
  const query = new URLSearchParams();
  if (ticketId !== null) query.set('ticket', String(ticketId));
  if (tabId !== null) query.set('tabId', String(tabId));
  const search = query.toString();
  const url = browser.runtime.getURL(`/popup.html${search ? `?${search}` : ''}` as '/popup.html');
  await browser.windows.create({ url, type: 'popup', width: 420, height: 640 });
}

/**
 * Opens the toolbar popup on `ticketId`, or a popup window where the browser refuses. Call it
 * straight from the user's click or key press: Firefox only allows `openPopup()` inside that
 * handler's synchronous part, so nothing is awaited before it.
 */
export function openReplyPopup(ticketId: number | null, tabId: number | null): Promise<void> {
  const pending =
    ticketId === null ? pendingTicketItem.removeValue() : pendingTicketItem.setValue({ ticketId, tabId, createdAt: Date.now() });
  let opening: Promise<void>;
  try {
    const action = actionApi();
    opening = typeof action?.openPopup === 'function' ? Promise.resolve(action.openPopup()) : Promise.reject(new Error('no openPopup'));
  } catch (error) {
    opening = Promise.reject(error);
  }
  return opening.then(
    () => pending.then(() => undefined),
    async () => {
      await pending.catch(() => undefined);
      // The window carries the ticket in its URL; a stale hand-off must not reach a later popup.
      await pendingTicketItem.removeValue().catch(() => undefined);
      await openPopupWindow(ticketId, tabId);
    },
  );
}

async function createMenu(): Promise<void> {
  const menus = menusApi();
  if (!menus) return;
  // Menus persist in Chrome but not across Firefox restarts: recreate them at every start.
  await menus.removeAll();
  menus.create({ id: MENU_ID, title: message('ctx_reply_selection') || 'Reply to ticket in “%s”', contexts: ['selection'] }, () => {
    // Reading lastError keeps Chrome from logging an "unchecked" error for a benign duplicate.
    void (browser.runtime as { lastError?: unknown }).lastError;
  });
}

/** Registers the menu and its listeners; call synchronously from the background's main. */
export function registerContextMenu(): void {
  const menus = menusApi();
  if (!menus) return;
  void createMenu().catch((error) => console.error('[daakey] context menu', error));

  menus.onClicked.addListener((info, tab) => {
    if (info.menuItemId !== MENU_ID) return;
    const ticketId = ticketFromSelection(info.selectionText);
    const tabId = typeof tab?.id === 'number' && tab.id >= 0 ? tab.id : null;
    void openReplyPopup(ticketId, tabId).catch((error) => console.error('[daakey] open reply', error));
  });

  // Firefox only: a real "Reply to ticket #N" title, and no item for a selection without a ticket.
  if (menus.onShown && typeof menus.refresh === 'function') {
    const refresh = menus.refresh.bind(menus);
    menus.onShown.addListener((info) => {
      // A hidden item is missing from `menuIds`, so decide from the context, not from the ids.
      if (!info.contexts.includes('selection')) return;
      const ticketId = ticketFromSelection(info.selectionText);
      const update =
        ticketId === null
          ? { visible: false }
          : { visible: true, title: message('ctx_reply_ticket', [String(ticketId)]) || `Reply to ticket #${ticketId}` };
      void Promise.resolve(menus.update(MENU_ID, update as Parameters<typeof menus.update>[1]))
        .then(() => refresh())
        .catch(() => undefined);
    });
  }
}
