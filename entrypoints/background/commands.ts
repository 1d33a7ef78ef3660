/**
 * The `open-quick-reply` keyboard command (Ctrl+Shift+Y / Command+Shift+Y by default; agents can
 * change it in the browser's shortcut settings). It asks the active tab's content script to open its
 * reply panel; on a page without one (or without a ticket), it opens the popup instead.
 */
import { browser } from '#imports';
import { sendToTab } from '@/utils/shared/send-to-tab';
import { openReplyPopup } from './context-menu';

export const OPEN_QUICK_REPLY = 'open-quick-reply';

async function activeTabId(tab: { id?: number } | undefined): Promise<number | null> {
  if (typeof tab?.id === 'number' && tab.id >= 0) return tab.id;
  const [active] = await browser.tabs.query({ active: true, currentWindow: true }).catch(() => []);
  return typeof active?.id === 'number' ? active.id : null;
}

/** True when the tab's content script opened its panel; false when there is none to answer. */
async function openInTab(tabId: number): Promise<boolean> {
  const answer = await sendToTab(tabId, 'tab/open-reply', {});
  return !!answer && typeof answer === 'object' && (answer as { opened?: unknown }).opened === true;
}

export async function runOpenQuickReply(tab?: { id?: number }): Promise<void> {
  const tabId = await activeTabId(tab);
  if (tabId !== null && (await openInTab(tabId))) return;
  await openReplyPopup(null, tabId);
}

/** Registers the command listener; call synchronously from the background's main. */
export function registerCommands(): void {
  if (!browser.commands?.onCommand) return;
  browser.commands.onCommand.addListener((command, tab) => {
    if (command !== OPEN_QUICK_REPLY) return;
    void runOpenQuickReply(tab).catch((error) => console.error('[daakey] open-quick-reply', error));
  });
}
