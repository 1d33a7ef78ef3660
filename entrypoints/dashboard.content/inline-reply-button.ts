// One small "Reply to ticket #N" button beside each detected ticket element. No Preact here: this
// runs on every dashboard page, and the panel loads only on click.
import { browser, type ContentScriptContext } from '#imports';
import type { AnchoredTicket } from '@/utils/content/ticket-scanner';
import { markOwn } from './instance';
import { openPanel } from './open-panel';
import { replyLabel } from './labels';
import { ticketStore } from './ticket-store';

const CSS = `
:host { all: initial; display: inline-block; vertical-align: middle; margin-inline-start: 4px; line-height: 0; }
button { all: unset; box-sizing: border-box; display: inline-grid; place-items: center; inline-size: 22px; block-size: 22px;
  border-radius: 4px; color: #1a56db; background: transparent; cursor: pointer; }
button:hover { background: rgb(26 86 219 / 0.12); }
button:focus-visible { outline: 2px solid #1a56db; outline-offset: 1px; }
svg { inline-size: 16px; block-size: 16px; fill: none; stroke: currentColor; stroke-width: 2; stroke-linecap: round; stroke-linejoin: round; }
:host-context([dir="rtl"]) svg { transform: scaleX(-1); }
`;

const SVG_NS = 'http://www.w3.org/2000/svg';
// Inserting inside these would change a link's target, a heading's accessible name, or a control.
const PLACE_AFTER = new Set([
  'A',
  'BUTTON',
  'LABEL',
  'H1',
  'H2',
  'H3',
  'H4',
  'H5',
  'H6',
  'SPAN',
  'STRONG',
  'B',
  'EM',
  'I',
  'SMALL',
  'TIME',
  'ABBR',
  'CODE',
  'IMG',
  'TABLE',
  'UL',
  'OL',
  'DL',
]);
// Elements whose children or siblings cannot be an inline element.
const NO_PLACE = new Set([
  'TBODY',
  'THEAD',
  'TFOOT',
  'COLGROUP',
  'SELECT',
  'OPTION',
  'HTML',
  'HEAD',
  'BODY',
  'IFRAME',
  'CANVAS',
  'VIDEO',
  'AUDIO',
]);

function replyIcon(): SVGSVGElement {
  const svg = document.createElementNS(SVG_NS, 'svg');
  svg.setAttribute('viewBox', '0 0 24 24');
  svg.setAttribute('aria-hidden', 'true');
  const path = document.createElementNS(SVG_NS, 'path');
  path.setAttribute('d', 'M9 14 4 9l5-5M4 9h10a6 6 0 0 1 6 6v5');
  svg.append(path);
  return svg;
}

/** Puts the host beside the element; false when there is no valid spot. */
function place(host: HTMLElement, element: Element): boolean {
  const tag = element.tagName.toUpperCase();
  if (tag === 'TR') {
    const cell = element.lastElementChild;
    if (!cell || !/^T[DH]$/i.test(cell.tagName)) return false;
    cell.append(host);
  } else if (NO_PLACE.has(tag)) {
    return false;
  } else if (PLACE_AFTER.has(tag) || element.namespaceURI !== 'http://www.w3.org/1999/xhtml') {
    element.after(host);
  } else {
    element.append(host);
  }
  return true;
}

/** Buttons made at once; beyond these, a button is made when its ticket nears the viewport. */
const EAGER_BUTTONS = 50;

export function init(_ctx: ContentScriptContext, signal: AbortSignal): boolean {
  const hosts = new Map<Element, { host: HTMLElement; button: HTMLButtonElement; id: number }>();

  // A long list (thousands of rows) must not pay for thousands of buttons up front: the first ones
  // are made at once, the rest when they come near the viewport.
  let made = 0;
  // Element → ticket ID (not the anchor object: on a long page that is 10,000 objects kept for nothing).
  const waiting = new Map<Element, number>();
  const nearViewport =
    typeof IntersectionObserver === 'function'
      ? new IntersectionObserver(
          (entries) => {
            for (const entry of entries) {
              if (!entry.isIntersecting) continue;
              nearViewport?.unobserve(entry.target);
              const id = waiting.get(entry.target);
              waiting.delete(entry.target);
              if (id !== undefined) make({ id, element: entry.target });
            }
          },
          { rootMargin: '100% 0px' },
        )
      : null;
  signal.addEventListener('abort', () => nearViewport?.disconnect(), { once: true });

  function add(anchor: AnchoredTicket): void {
    if (signal.aborted || hosts.has(anchor.element) || waiting.has(anchor.element)) return;
    if (made < EAGER_BUTTONS || !nearViewport) {
      make(anchor);
      return;
    }
    waiting.set(anchor.element, anchor.id);
    nearViewport.observe(anchor.element);
  }

  function make({ id, element }: AnchoredTicket): void {
    if (signal.aborted || hosts.has(element) || !element.isConnected) return;
    made++;
    const host = markOwn(document.createElement('span'));
    // Closed: page scripts cannot reach the button to click it or read it (they still see the host element;
    // the real boundary is that only a trusted click acts, and the panel is another origin).
    const shadow = host.attachShadow({ mode: 'closed' });
    const style = document.createElement('style');
    style.textContent = CSS;
    const button = document.createElement('button');
    button.type = 'button';
    const label = replyLabel(id);
    button.setAttribute('aria-label', label);
    button.title = label;
    button.append(replyIcon());
    shadow.append(style, button);
    // The page (a clickable row, a link around us) must not react to our clicks.
    for (const type of ['click', 'mousedown', 'mouseup', 'pointerdown', 'keydown'] as const) {
      host.addEventListener(type, (event) => event.stopPropagation(), { signal });
    }
    button.addEventListener(
      'click',
      (event) => {
        event.preventDefault();
        // Only the agent's own click or key press opens a panel; a page's synthetic `click()` does nothing.
        if (!event.isTrusted) return;
        void openPanel({ ticketId: id, anchor: element, returnFocusTo: button, signal });
      },
      { signal },
    );
    if (place(host, element)) hosts.set(element, { host, button, id });
  }

  function reconcile(): void {
    for (const element of waiting.keys()) {
      if (element.isConnected) continue;
      nearViewport?.unobserve(element);
      waiting.delete(element);
    }
    for (const [element, entry] of hosts) {
      if (!element.isConnected) {
        entry.host.remove();
        hosts.delete(element);
      } else if (!entry.host.isConnected && !place(entry.host, element)) {
        hosts.delete(element);
      }
    }
  }

  ticketStore.onAdded((anchors) => anchors.forEach(add), signal);
  ticketStore.onChanged(reconcile, signal);
  ticketStore.setButtonLookup((ticketId) => {
    for (const entry of hosts.values()) if (entry.id === ticketId && entry.button.isConnected) return entry.button;
    return null;
  });
  ticketStore.anchors().forEach(add);

  signal.addEventListener(
    'abort',
    () => {
      for (const { host } of hosts.values()) host.remove();
      hosts.clear();
    },
    { once: true },
  );
  return true;
}
