/**
 * The hand-off between the dashboard content script (tiny, always loaded) and the panel script
 * (Preact and the form, injected on first use). Both run in the extension's isolated world of the
 * same frame, so the panel registers itself on that world's global, which the page cannot see.
 */

export const PANEL_GLOBAL = '__daakeyQuickReplyPanel';

export interface PanelOpenOptions {
  ticketId: number;
  /** An empty element the content script created and marked as ours; the panel attaches to it. */
  host: HTMLElement;
  /** Where focus goes back when the panel closes. */
  returnFocusTo: HTMLElement | null;
  /** Called once the panel is gone (Esc, Close, or the signal aborting). */
  onClose(): void;
  signal: AbortSignal;
}

export interface PanelApi {
  open(options: PanelOpenOptions): void;
}

export function registeredPanel(): PanelApi | undefined {
  return (globalThis as Record<string, unknown>)[PANEL_GLOBAL] as PanelApi | undefined;
}

export function registerPanel(api: PanelApi): void {
  (globalThis as Record<string, unknown>)[PANEL_GLOBAL] = api;
}
