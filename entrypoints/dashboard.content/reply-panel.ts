// Panel UI: replaced by the reply form. This placeholder only fixes the contract the content script
// relies on: `openReplyPanel({ ticketId, anchor, returnFocusTo, signal })`, one panel at a time, in a
// shadow root marked as ours, closed by Esc (or the Close button) with focus back on `returnFocusTo`.
import { markOwn } from './instance';

export interface OpenReplyPanelOptions {
  ticketId: number;
  /** The page element the ticket was detected on; null when opened for the URL's ticket from the popup. */
  anchor: Element | null;
  returnFocusTo: HTMLElement | null;
  /** Aborts when the content script is invalidated or replaced; the panel closes with it. */
  signal?: AbortSignal;
}

export interface ReplyPanelHandle {
  close(): void;
}

let current: ReplyPanelHandle | null = null;

const CSS = `
:host { all: initial; }
section { position: fixed; inset-block-end: 16px; inset-inline-end: 16px; z-index: 2147483646;
  inline-size: min(360px, calc(100vw - 32px)); padding: 12px 16px; border-radius: 8px;
  background: Canvas; color: CanvasText; border: 1px solid GrayText; box-shadow: 0 4px 16px rgb(0 0 0 / 0.25);
  font: 14px/1.4 system-ui, sans-serif; }
h2 { font-size: 16px; margin: 0 0 8px; }
`;

export function openReplyPanel(options: OpenReplyPanelOptions): ReplyPanelHandle {
  current?.close();
  const controller = new AbortController();
  const signal = controller.signal;
  const host = markOwn(document.createElement('div'));
  const shadow = host.attachShadow({ mode: 'open' });
  const style = document.createElement('style');
  style.textContent = CSS;
  const headingId = 'daakey-qr-panel-title';
  const section = document.createElement('section');
  section.setAttribute('role', 'dialog');
  section.setAttribute('aria-labelledby', headingId);
  section.tabIndex = -1;
  const heading = document.createElement('h2');
  heading.id = headingId;
  heading.textContent = `Reply to ticket #${options.ticketId}`;
  const close = document.createElement('button');
  close.type = 'button';
  close.textContent = 'Close';
  section.append(heading, close);
  shadow.append(style, section);

  const handle: ReplyPanelHandle = {
    close() {
      if (signal.aborted) return;
      controller.abort();
      host.remove();
      if (current === handle) current = null;
      if (options.returnFocusTo?.isConnected) options.returnFocusTo.focus();
    },
  };
  close.addEventListener('click', () => handle.close(), { signal });
  // Keys typed in the panel stay in the panel: page shortcuts must not see them.
  for (const type of ['keydown', 'keyup', 'keypress'] as const) {
    host.addEventListener(type, (event) => event.stopPropagation(), { signal });
  }
  section.addEventListener(
    'keydown',
    (event) => {
      if (event.key === 'Escape') {
        event.preventDefault();
        handle.close();
      }
    },
    { signal },
  );
  options.signal?.addEventListener('abort', () => handle.close(), { signal });

  document.body.append(host);
  current = handle;
  section.focus();
  return handle;
}
