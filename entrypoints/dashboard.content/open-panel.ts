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
const GAP = 8;
// Shorter than this, the form is too cramped: the panel goes beside the ticket instead, or to the corner.
const MIN_HEIGHT = 280;

// `all: initial !important` on `:host` resets every property that could hide, clip, fade or move the panel,
// and for important declarations the shadow tree's own rules win over the page's, even an inline style.
// The `i` is the mark around the ticket's element: drawn here, over the page, so no page style changes; it
// takes no clicks, and sits under the frame (the frame is positioned and comes after it) so it never counts
// as something covering the panel. The pill's blue, 2 px: the bytes a second colour or a halo would cost are
// not in the content script's budget.
const CSS = `iframe{all:initial;position:relative;display:block;box-sizing:border-box;width:100%;height:100%;border:1px solid #0003;border-radius:10px;box-shadow:0 8px 28px #0004;background:Canvas;color-scheme:light dark}i{position:fixed;pointer-events:none;border:2px solid #0b5cad}:host{all:initial!important;display:block!important;position:fixed!important;z-index:2147483647!important;`;

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

/**
 * Where the panel goes without covering its ticket's element: below it, else above it (shortened to the room
 * there, down to MIN_HEIGHT), else beside it, else the viewport's end corner (the only place that may cover
 * it: an element taller and wider than what is left of the viewport). Always inside the viewport. The mark
 * follows the element.
 */
function position(style: HTMLStyleElement, anchor: Element | null): void {
  const rect = anchor?.isConnected ? anchor.getBoundingClientRect() : null;
  const width = Math.min(WIDTH, innerWidth - 2 * MARGIN);
  let height = Math.min(HEIGHT, innerHeight - 2 * MARGIN);
  let left = innerWidth - MARGIN - width;
  let top = innerHeight - MARGIN - height;
  let mark = 'display:none';
  if (rect && rect.bottom > 0 && rect.top < innerHeight && (rect.width || rect.height)) {
    mark = `inset:${rect.top - 4}px auto auto ${rect.left - 4}px;width:${rect.width + 8}px;height:${rect.height + 8}px`;
    const below = innerHeight - MARGIN - rect.bottom - GAP;
    const above = rect.top - GAP - MARGIN;
    const after = innerWidth - MARGIN - rect.right - GAP;
    const before = rect.left - GAP - MARGIN;
    if (Math.max(below, above) >= Math.min(height, MIN_HEIGHT)) {
      const under = below >= height || (above < height && below >= above);
      height = Math.min(height, under ? below : above);
      top = under ? rect.bottom + GAP : rect.top - GAP - height;
      const rtl = getComputedStyle(anchor as Element).direction === 'rtl';
      left = Math.min(Math.max(MARGIN, rtl ? rect.left : rect.right - width), innerWidth - MARGIN - width);
    } else if (Math.max(after, before) >= width) {
      left = after >= width ? rect.right + GAP : rect.left - GAP - width;
      top = Math.min(Math.max(MARGIN, rect.top), innerHeight - MARGIN - height);
    }
  }
  style.textContent = `${CSS}inset:${top}px auto auto ${left}px!important;width:${width}px!important;height:${height}px!important}i{${mark}}`;
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
      console.error('[Daakey Quick Reply]', opened.error);
      // The button itself says why, where the agent is looking (and to screen readers).
      const text = message('panel_load_failed', []);
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
  shadow.append(style, document.createElement('i'), frame);
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
