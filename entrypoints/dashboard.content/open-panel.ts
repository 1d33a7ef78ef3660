// The panel (Preact, written separately) loads only when an agent opens it, keeping the scanning
// path small. Note: WXT builds content scripts as one IIFE, so the import is inlined in the bundle
// but still evaluated only on first use.
import type { OpenReplyPanelOptions } from './reply-panel';

export async function openPanel(options: OpenReplyPanelOptions): Promise<boolean> {
  if (options.signal?.aborted) return false;
  const { openReplyPanel } = await import('./reply-panel');
  openReplyPanel(options);
  return true;
}
