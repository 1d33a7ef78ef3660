// One small "Reply" pill (named "Reply to ticket #N") beside each detected ticket element. No Preact here: this
// runs on every dashboard page, and the panel loads only on click.
import { browser, type ContentScriptContext } from '#imports';
import type { AnchoredTicket } from '@/utils/content/ticket-scanner';
import { markedClosed } from '@/utils/content/ticket-status';
import { markOwn } from './instance';
import { openPanel } from './open-panel';
import { replyLabel, replyWord } from './labels';
import { ticketStore } from './ticket-store';

// A labelled pill, not a bare arrow: beside a link it must not read as part of the link, nor as the page's own
// back arrow, and it must be at least 24×24 px (WCAG 2.2 SC 2.5.8). Its colours hold 4.5:1 on white and on dark.
// Written tight: this string ships unminified in a content script that has a size budget.
const CSS = `:host{all:initial;display:inline-block;vertical-align:middle;margin-inline-start:6px;line-height:0}
button{all:unset;box-sizing:border-box;display:inline-flex;align-items:center;min-block-size:24px;padding:2px 10px;border:1px solid #0b5cad;border-radius:99px;background:#fff;color:#0b5cad;font:600 12px/1 system-ui;cursor:pointer;white-space:nowrap}
button:hover,button[aria-expanded=true]{background:#0b5cad;color:#fff}
button:focus-visible{outline:2px solid #0b5cad;outline-offset:2px}`;

// Inserting inside these would change a link's target, a heading's accessible name, or a control. (Regular
// expressions, not sets: shorter in a content script with a size budget.)
const PLACE_AFTER = /^(A|BUTTON|LABEL|H[1-6]|SPAN|STRONG|B|EM|I|SMALL|TIME|ABBR|CODE|IMG|TABLE|UL|OL|DL)$/;
// Elements whose children or siblings cannot be an inline element.
const NO_PLACE = /^(TBODY|THEAD|TFOOT|COLGROUP|SELECT|OPTION|HTML|HEAD|BODY|IFRAME|CANVAS|VIDEO|AUDIO)$/;

/** Puts the host beside the element; false when there is no valid spot. */
function place(host: HTMLElement, element: Element): boolean {
  const tag = element.tagName.toUpperCase();
  if (tag === 'TR') {
    const cell = element.lastElementChild;
    if (!cell || !/^T[DH]$/i.test(cell.tagName)) return false;
    cell.append(host);
  } else if (NO_PLACE.test(tag)) {
    return false;
  } else if (PLACE_AFTER.test(tag) || element.namespaceURI !== 'http://www.w3.org/1999/xhtml') {
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
  // Rows waiting for their button are known only to the observer: their IDs are the scanner's (a map of our
  // own here was a quarter of our memory on a 10,000-row page).
  const nearViewport = new IntersectionObserver(
    (entries) => {
      for (const entry of entries) {
        if (!entry.isIntersecting) continue;
        nearViewport.unobserve(entry.target);
        const id = ticketStore.idOf(entry.target);
        if (id !== undefined) make({ id, element: entry.target });
      }
    },
    { rootMargin: '100% 0px' },
  );
  signal.addEventListener('abort', () => nearViewport.disconnect(), { once: true });

  function add(anchor: AnchoredTicket): void {
    if (signal.aborted || hosts.has(anchor.element)) return;
    if (made < EAGER_BUTTONS) make(anchor);
    else nearViewport.observe(anchor.element);
  }

  function make({ id, element }: AnchoredTicket): void {
    // A closed ticket takes no reply: no pill (the page's own marking; the popup still serves it).
    if (signal.aborted || hosts.has(element) || !element.isConnected || markedClosed(element, id)) return;
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
    // The visible word is part of the name ("Reply" in "Reply to ticket #N"), so voice control finds it too.
    button.textContent = replyWord();
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
        // Marks which ticket the open panel answers; cleared when the panel gives focus back or closes.
        for (const other of hosts.values()) other.button.removeAttribute('aria-expanded');
        button.setAttribute('aria-expanded', 'true');
        void openPanel({ ticketId: id, anchor: element, returnFocusTo: button, signal });
      },
      { signal },
    );
    if (place(host, element)) hosts.set(element, { host, button, id });
  }

  function reconcile(): void {
    // Watch again only what is still on the page and has no button yet: the observer lets go of removed rows.
    nearViewport.disconnect();
    for (const { element } of ticketStore.anchors()) if (!hosts.has(element)) nearViewport.observe(element);
    for (const [element, entry] of hosts) {
      // A ticket closed in place (its badge re-rendered) loses its pill too.
      if (!element.isConnected || markedClosed(element, entry.id)) {
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
