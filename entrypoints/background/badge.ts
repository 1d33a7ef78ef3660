import { browser } from '#imports';
import type { OutboxEntryView } from '@/utils/messages';

/** The toolbar badge counts replies that wait or failed; red when one needs the agent. */
export async function showOutboxState(entries: readonly OutboxEntryView[]): Promise<void> {
  const waiting = entries.filter((e) => e.state === 'queued' || e.state === 'sending' || e.state === 'paused').length;
  const failed = entries.filter((e) => e.state === 'failed' || e.state === 'needs_attention').length;
  const count = waiting + failed;
  await browser.action.setBadgeText({ text: count ? String(count) : '' });
  if (count) await browser.action.setBadgeBackgroundColor({ color: failed ? '#b3261e' : '#5f6368' });
}
