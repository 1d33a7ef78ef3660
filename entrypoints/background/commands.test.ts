import { beforeEach, describe, expect, it, vi } from 'vitest';
import { fakeBrowser } from 'wxt/testing/fake-browser';
import { DASHBOARD_WORLD_KEY } from '@/utils/shared/dashboard-sites';
import { inTabWorld } from '@/utils/shared/send-to-tab';
import { pendingTicketItem } from '@/utils/shared/storage-schema';
import { runOpenQuickReply } from './commands';
import { MENU_ID, openReplyPopup, registerContextMenu, ticketFromSelection } from './context-menu';

/** The toolbar popup as the browser opens it (or refuses to), and the windows made instead. */
function stubPopup(openPopup: (() => Promise<void>) | undefined) {
  const action = fakeBrowser.action as unknown as { openPopup?: () => Promise<void> };
  action.openPopup = openPopup;
  const windows: string[] = [];
  vi.spyOn(fakeBrowser.windows, 'create').mockImplementation(async (info) => {
    windows.push(String((info as { url?: string }).url));
    return { id: 1 } as never;
  });
  return windows;
}

describe('context menu and keyboard command', () => {
  beforeEach(() => {
    fakeBrowser.reset();
    vi.restoreAllMocks();
  });

  it('reads a ticket from the selected text, never from a bare number', () => {
    expect(ticketFromSelection('See Ticket #42 please')).toBe(42);
    expect(ticketFromSelection('#42')).toBe(42);
    expect(ticketFromSelection('تذكرة رقم ٤٢')).toBe(42);
    expect(ticketFromSelection('Order 42, €42.00')).toBeNull();
    expect(ticketFromSelection('')).toBeNull();
    expect(ticketFromSelection(undefined)).toBeNull();
  });

  it('a click on "Reply to ticket #N" hands the ticket and tab to the popup it opens', async () => {
    const openPopup = vi.fn(async () => undefined);
    const windows = stubPopup(openPopup);
    // The fake browser has no context menus: a minimal one that records the item and its listener.
    const clicks: ((info: unknown, tab: unknown) => void)[] = [];
    const created: unknown[] = [];
    Object.defineProperty(fakeBrowser, 'contextMenus', {
      configurable: true,
      value: {
        removeAll: async () => undefined,
        create: (item: unknown) => created.push(item),
        onClicked: { addListener: (cb: (info: unknown, tab: unknown) => void) => clicks.push(cb) },
      },
    });
    vi.spyOn(fakeBrowser.i18n, 'getMessage').mockImplementation(() => '');
    registerContextMenu();
    await vi.waitFor(() => expect(created).toEqual([expect.objectContaining({ id: MENU_ID, contexts: ['selection'] })]));
    for (const click of clicks) click({ menuItemId: MENU_ID, selectionText: 'Ticket #42' }, { id: 7 });
    await vi.waitFor(async () => expect(await pendingTicketItem.getValue()).toMatchObject({ ticketId: 42, tabId: 7 }));
    expect(openPopup).toHaveBeenCalledOnce();
    expect(windows).toEqual([]);
  });

  it('where the browser refuses to open the popup, a popup window carries the ticket and nothing stale is left', async () => {
    const windows = stubPopup(async () => {
      throw new Error('openPopup is not allowed here');
    });
    await openReplyPopup(42, 7);
    expect(windows).toHaveLength(1);
    expect(windows[0]).toMatch(/\/popup\.html\?ticket=42&tabId=7$/);
    expect(await pendingTicketItem.getValue()).toBeNull();
  });

  it('the command opens the panel in a dashboard tab, and the popup elsewhere', async () => {
    const openPopup = vi.fn(async () => undefined);
    stubPopup(openPopup);
    // The request runs in the tab's isolated world, where the dashboard script keeps its answers.
    const executeScript = vi
      .spyOn(fakeBrowser.scripting, 'executeScript')
      .mockResolvedValueOnce([{ frameId: 0, result: { opened: true } }] as never);
    await runOpenQuickReply({ id: 3 });
    expect(executeScript).toHaveBeenCalledWith({
      target: { tabId: 3, frameIds: [0] },
      func: inTabWorld,
      args: [DASHBOARD_WORLD_KEY, 'tab/open-reply', {}],
    });
    expect(openPopup).not.toHaveBeenCalled();

    // A tab without our content script: nothing in that world answers.
    executeScript.mockResolvedValueOnce([{ frameId: 0, result: null }] as never);
    await runOpenQuickReply({ id: 4 });
    expect(openPopup).toHaveBeenCalledOnce();

    // A tab the extension may not script at all (no host access): the popup too.
    executeScript.mockRejectedValueOnce(new Error('Cannot access contents of the page.'));
    await runOpenQuickReply({ id: 5 });
    expect(openPopup).toHaveBeenCalledTimes(2);
  });
});
