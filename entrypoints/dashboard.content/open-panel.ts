// Opens the inline reply panel: an extension page (`panel.html`) in an iframe beside the ticket. The page
// cannot read or script that frame (another origin), and the frame sits in a closed shadow root so page
// styles neither hide nor restyle it by accident. This script only places it; the panel does the rest.
import { browser } from 'wxt/browser';
import { sendToBackground as request } from '@/utils/shared/messenger';
import { markOwn } from './instance';
import { message, replyLabel } from './labels';

export interface OpenReplyPanelOptions {
  ticketId: number;
  /** The page element the ticket was detected on; null when opened for the URL's ticket. */
  anchor: Element | null;
  returnFocusTo: HTMLElement | null;
  /** Aborts when the content script is invalidated or replaced; the panel closes with it. */
  signal?: AbortSignal;
}

const WIDTH = 400;
const HEIGHT = 560;
const MARGIN = 16;

// `all: initial !important` on `:host` resets every property that could hide, clip, fade or move the panel,
// and for important declarations the shadow tree's own rules win over the page's, even an inline style.
const HOST = `all:initial!important;display:block!important;position:fixed!important;z-index:2147483647!important;inline-size: min(${WIDTH}px, calc(100vw - ${2 * MARGIN}px)) !important; block-size: min(${HEIGHT}px, calc(100vh - ${2 * MARGIN}px)) !important;`;
const FRAME = `iframe{all:initial;display:block;box-sizing:border-box;inline-size:100%;block-size:100%;border:1px solid #0003;border-radius:10px;box-shadow:0 8px 28px #0004;background:Canvas;color-scheme:light dark}`;
const CORNER = `inset-block: auto ${MARGIN}px !important; inset-inline: auto ${MARGIN}px !important;`;

function css(place: string): string {
  return `:host { ${HOST} ${place} }\n${FRAME}`;
}

/**
 * A clip or mask on the root element can leave only part of the panel showing (Send, say) where the
 * browser's visibility check does not see it: the panel closes rather than serve half-hidden.
 */
function rootAltered(): boolean {
  const style = getComputedStyle(document.documentElement);
  const mask = style.maskImage || (style as CSSStyleDeclaration & { webkitMaskImage?: string }).webkitMaskImage || 'none';
  return (style.clipPath || 'none') !== 'none' || mask !== 'none';
}

interface OpenPanel {
  pass: string;
  controller: AbortController;
}
let current: OpenPanel | null = null;

/** Beside the ticket's element where it fits (below it, else above), else the viewport's end corner. */
function position(style: HTMLStyleElement, anchor: Element | null): void {
  const rect = anchor?.isConnected ? anchor.getBoundingClientRect() : null;
  const width = Math.min(WIDTH, innerWidth - 2 * MARGIN);
  const height = Math.min(HEIGHT, innerHeight - 2 * MARGIN);
  if (!rect || rect.bottom < 0 || rect.top > innerHeight || (rect.width === 0 && rect.height === 0)) {
    style.textContent = css(CORNER);
    return;
  }
  const below = rect.bottom + 8;
  const top = below + height <= innerHeight - MARGIN ? below : Math.max(MARGIN, rect.top - 8 - height);
  const rtl = getComputedStyle(anchor as Element).direction === 'rtl';
  const left = rtl ? rect.left : rect.right - width;
  const clamped = Math.min(Math.max(MARGIN, left), innerWidth - MARGIN - width);
  style.textContent = css(`inset: ${top}px auto auto ${clamped}px !important;`);
}

/** The panel with this pass asked to close (Esc, Close): true when it was the open one. */
export function closePanel(pass: string): boolean {
  if (!current || current.pass !== pass) return false;
  current.controller.abort();
  return true;
}

export async function openPanel(options: OpenReplyPanelOptions): Promise<boolean> {
  if (options.signal?.aborted) return false;
  const opened = await request('panel/open', { ticketId: options.ticketId });
  if (!opened.ok || options.signal?.aborted) {
    if (!opened.ok) {
      console.error('[Daakey Quick Reply] the reply panel could not open', opened.error);
      // The button itself says why, where the agent is looking (and to screen readers).
      const text = message('panel_load_failed', [], 'The reply panel could not load. Reload the page and try again.');
      options.returnFocusTo?.setAttribute('title', text);
      options.returnFocusTo?.setAttribute('aria-description', text);
    }
    return false;
  }

  if (rootAltered()) return false;

  // One panel at a time: opening another ticket replaces it (focus then goes to the new one, not back).
  const previous = current;
  current = null;
  previous?.controller.abort();
  const controller = new AbortController();
  const panel: OpenPanel = { pass: opened.data.pass, controller };
  current = panel;
  const { signal } = controller;
  options.signal?.addEventListener('abort', () => controller.abort(), { once: true, signal });

  const host = markOwn(document.createElement('div'));
  const shadow = host.attachShadow({ mode: 'closed' });
  const style = document.createElement('style');
  const frame = document.createElement('iframe');
  const url = new URL(browser.runtime.getURL('/panel.html'));
  url.searchParams.set('ticket', String(options.ticketId));
  url.searchParams.set('pass', opened.data.pass);
  frame.src = url.href;
  frame.title = replyLabel(options.ticketId);
  // Focus goes into the panel once it is there; the panel then puts it in the Message box.
  frame.addEventListener('load', () => frame.focus(), { once: true, signal });
  shadow.append(style, frame);
  position(style, options.anchor);
  // A child of <html> itself, after <body>: no page element between it and the root to clip or hide it.
  document.documentElement.append(host);

  // Follows its ticket as the page scrolls or resizes, once per frame.
  let queued = false;
  const follow = () => {
    if (queued) return;
    queued = true;
    requestAnimationFrame(() => {
      queued = false;
      if (!signal.aborted) position(style, options.anchor);
    });
  };
  addEventListener('scroll', follow, { capture: true, passive: true, signal });
  addEventListener('resize', follow, { passive: true, signal });
  const watchRoot = () => {
    if (signal.aborted) return;
    if (rootAltered()) controller.abort();
    else requestAnimationFrame(watchRoot);
  };
  requestAnimationFrame(watchRoot);
  // Taken out by the page: the panel is closed, not left half alive.
  const watch = new MutationObserver(() => {
    if (!host.isConnected) controller.abort();
  });
  watch.observe(host.parentNode ?? document, { childList: true });

  signal.addEventListener(
    'abort',
    () => {
      watch.disconnect();
      host.remove();
      // The button stops marking its ticket as the one being answered.
      options.returnFocusTo?.removeAttribute('aria-expanded');
      if (current === panel) {
        current = null;
        if (options.returnFocusTo?.isConnected) options.returnFocusTo.focus();
      }
    },
    { once: true },
  );
  return true;
}
