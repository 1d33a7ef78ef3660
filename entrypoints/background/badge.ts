import { browser } from '#imports';
import type { OutboxEntryView } from '@/utils/shared/messages';

let shown: string | null = null;

/**
 * The toolbar badge counts replies that wait or failed; red when one needs the agent. Called on
 * every outbox change, so it only talks to the browser when the badge would look different.
 */
export async function showOutboxState(entries: readonly OutboxEntryView[]): Promise<void> {
  let waiting = 0;
  let failed = 0;
  for (const e of entries) {
    if (e.state === 'queued' || e.state === 'sending' || e.state === 'paused') waiting++;
    else if (e.state === 'failed' || e.state === 'needs_attention') failed++;
  }
  const count = waiting + failed;
  const key = `${count}:${failed > 0}`;
  if (key === shown) return;
  shown = key;
  await browser.action.setBadgeText({ text: count ? String(count) : '' });
  if (count) await browser.action.setBadgeBackgroundColor({ color: failed ? '#b3261e' : '#5f6368' });
}
