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
// Anything put inside a table, even out of flow, costs a layout of all its rows: measured per insertion, 12–46 ms
// at 1,000 rows, 0.7–1.2 s at 50,000 (9–15 s once when it widens a column); beside the table, 0.5 ms whatever
// its size. Beyond this many rows a table gets one pill, beside it, drawn over the row under the pointer.
const LONG_TABLE_ROWS = 500;

// A long table's pill: out of every flow, above the rows it is drawn over.
const FLOAT = 'position:absolute;z-index:1';

type Pill = { host: HTMLElement; button: HTMLButtonElement; ticket?: AnchoredTicket };

export function init(_ctx: ContentScriptContext, signal: AbortSignal): boolean {
  const hosts = new Map<Element, Pill>();
  // Each long table's one pill.
  const floats = new Map<Element, Pill>();
  let shown: Pill | undefined;
  let expanded: HTMLButtonElement | undefined;

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

  // The browser keeps the count while the table does not change (nothing of ours goes inside a long one).
  const longTableOf = (element: Element) => {
    const table = element.closest('table');
    return table && table.rows.length > LONG_TABLE_ROWS ? table : null;
  };

  function add(anchor: AnchoredTicket): void {
    if (signal.aborted || hosts.has(anchor.element)) return;
    const table = longTableOf(anchor.element);
    if (table) {
      if (floats.has(table)) return;
      // Beside the table at once, hidden until the pointer comes over a row.
      const entry = pill();
      entry.host.style.cssText = `${FLOAT};display:none`;
      table.before(entry.host);
      floats.set(table, entry);
    } else if (made < EAGER_BUTTONS) make(anchor);
    else nearViewport.observe(anchor.element);
  }

  function pill(ticket?: AnchoredTicket): Pill {
    const host = markOwn(document.createElement('span'));
    const entry: Pill = { host, button: document.createElement('button'), ticket };
    const { button } = entry;
    // Closed: page scripts cannot reach the button to click it or read it (they still see the host element;
    // the real boundary is that only a trusted click acts, and the panel is another origin).
    const shadow = host.attachShadow({ mode: 'closed' });
    const style = document.createElement('style');
    style.textContent = CSS;
    button.type = 'button';
    // The visible word is part of the name ("Reply" in "Reply to ticket #N"), so voice control finds it too.
    button.textContent = replyWord();
    if (ticket) name(button, ticket.id);
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
        if (!event.isTrusted || !entry.ticket) return;
        // Marks which ticket the open panel answers; cleared when the panel gives focus back or closes.
        expanded?.removeAttribute('aria-expanded');
        expanded = button;
        button.setAttribute('aria-expanded', 'true');
        const { id, element } = entry.ticket;
        void openPanel({ ticketId: id, anchor: element, returnFocusTo: button, signal });
      },
      { signal },
    );
    return entry;
  }

  function make(ticket: AnchoredTicket): void {
    const { id, element } = ticket;
    // A closed ticket takes no reply: no pill (the page's own marking; the popup still serves it).
    if (signal.aborted || hosts.has(element) || !element.isConnected || markedClosed(element, id)) return;
    made++;
    const entry = pill(ticket);
    if (place(entry.host, element)) hosts.set(element, entry);
  }

  // A long table's pill goes over the end of the row under the pointer (as Gmail's hover actions do): placed
  // from the row's box, moved from where the browser puts it (its static position, before the table).
  function follow({ target }: Event): void {
    // Over the pill itself, or its panel is open: it stays with its row.
    if (!floats.size || target === shown?.host || shown?.button.hasAttribute('aria-expanded')) return;
    // The anchored element under the pointer (a row, or a link in one), and the table's pill.
    let element = target as Element | null;
    let id = element ? ticketStore.idOf(element) : undefined;
    while (element && id === undefined) {
      element = element.parentElement;
      id = element ? ticketStore.idOf(element) : undefined;
    }
    // From cell to cell of the row it is drawn over: already in place, no style write or box read.
    if (element && element === shown?.ticket?.element && shown.host.style.display !== 'none') return;
    if (shown) shown.host.style.display = 'none';
    const row = element?.closest('tr');
    shown = row ? floats.get(row.closest('table')!) : undefined;
    if (!shown || markedClosed(element!, id!)) return;
    const { host, button } = shown;
    shown.ticket = { id: id!, element: element! };
    name(button, id!);
    host.style.cssText = FLOAT;
    const origin = host.getBoundingClientRect();
    const box = row!.getBoundingClientRect();
    const x = getComputedStyle(row!).direction === 'rtl' ? box.left + 8 : box.right - 8 - origin.width;
    host.style.translate = `${x - origin.left}px ${box.top - origin.top + (box.height - origin.height) / 2}px`;
  }
  document.addEventListener('pointerover', follow, { capture: true, signal });

  function reconcile(): void {
    // Watch again only what is still on the page and has no button yet: the observer lets go of removed rows.
    nearViewport.disconnect();
    for (const { element } of ticketStore.anchors()) if (!hosts.has(element) && !longTableOf(element)) nearViewport.observe(element);
    for (const [element, entry] of hosts) {
      // A ticket closed in place (its badge re-rendered) loses its pill too.
      if (!element.isConnected || markedClosed(element, entry.ticket!.id)) {
        entry.host.remove();
        hosts.delete(element);
      } else if (!entry.host.isConnected && !place(entry.host, element)) {
        hosts.delete(element);
      }
    }
    // A table gone takes its pill; one the page took away comes back beside its table.
    for (const [table, { host }] of floats) {
      if (!table.isConnected) {
        host.remove();
        floats.delete(table);
      } else if (!host.isConnected) table.before(host);
    }
  }

  ticketStore.onAdded((anchors) => anchors.forEach(add), signal);
  ticketStore.onChanged(reconcile, signal);
  ticketStore.setButtonLookup((ticketId) => {
    for (const { button, ticket } of hosts.values()) if (ticket!.id === ticketId && button.isConnected) return button;
    return null;
  });
  ticketStore.anchors().forEach(add);

  return true;
}

function name(button: HTMLButtonElement, id: number): void {
  const label = replyLabel(id);
  button.setAttribute('aria-label', label);
  button.title = label;
}
