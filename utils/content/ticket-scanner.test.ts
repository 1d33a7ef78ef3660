// @vitest-environment happy-dom
import { beforeEach, describe, expect, it } from 'vitest';
import { createTicketDetector } from '@/utils/shared/detect-ticket-ids';
import {
  OWN_NODE_ATTRIBUTE,
  OWN_NODE_ID,
  createTicketScanner,
  hasIdToken,
  markOwnNode,
  type AnchoredTicket,
  type TicketScanner,
} from './ticket-scanner';

const detector = createTicketDetector();

function el(tag: string, attrs: Record<string, string> = {}, ...children: (Node | string)[]): HTMLElement {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs)) element.setAttribute(name, value);
  element.append(...children);
  return element;
}

/** A whole scan in one go, as the sliced scan runs when nothing asks it to pause. */
function all(scanner: TicketScanner): AnchoredTicket[] {
  return [...scanner.scanAllSteps(() => false)].flat();
}

function ids(anchors: { id: number }[]): number[] {
  return anchors.map((a) => a.id);
}

let root: HTMLElement;
beforeEach(() => {
  root = el('main');
  document.body.replaceChildren(root);
});

function scanner(url = 'http://127.0.0.1:5173/dashboard') {
  return createTicketScanner({ detector, root, getUrl: () => url });
}

describe('ticket scanner', () => {
  it('finds links, data attributes and text, each on its own element', () => {
    const link = el('a', { href: '/tickets/1' }, 'Open');
    const row = el('div', { 'data-ticket-id': '2' }, 'Broken AC');
    const text = el('p', {}, 'See Ticket #3 please');
    root.append(link, row, text);
    expect(all(scanner())).toEqual([
      { id: 1, element: link },
      { id: 2, element: row },
      { id: 3, element: text },
    ]);
  });

  it('anchors the page heading for the ticket in the URL', () => {
    const heading = el('h1', {}, '#42 Printer broken');
    root.append(heading);
    const s = scanner('http://127.0.0.1:5173/tickets/42');
    expect(s.primary()).toEqual({ id: 42 });
    expect(all(s)).toEqual([{ id: 42, element: heading }]);
  });

  it('keeps one anchor per ticket: the heading on its page, the row in a list', () => {
    const heading = el('h1', {}, 'Ticket #5');
    const article = el('article', { 'data-ticket-id': '5' }, heading, el('p', {}, 'About ticket #5'));
    root.append(article);
    expect(all(scanner('http://127.0.0.1/dashboard/tickets/5'))).toEqual([{ id: 5, element: heading }]);

    root.replaceChildren();
    const row = el(
      'tr',
      { 'data-ticket-id': '6' },
      el('td', {}, el('a', { href: '/dashboard/tickets/6' }, 'TK-2026-00006')),
      el('td', {}, 'Ticket 6 subject'),
    );
    root.append(el('table', {}, el('tbody', {}, row)));
    expect(all(scanner())).toEqual([{ id: 6, element: row }]);
  });

  it('scans added nodes incrementally and finds only the new tickets', () => {
    root.append(el('p', {}, 'Ticket #1'));
    const s = scanner();
    expect(ids(all(s))).toEqual([1]);
    const added = el('li', {}, 'Ticket #2');
    const addedLink = el('a', { href: '/tickets/3' }, 'three');
    root.append(added, addedLink);
    expect(ids(s.scanAdded([added, addedLink]))).toEqual([2, 3]);
    expect(ids(s.scanAdded([added, addedLink]))).toEqual([]);
    expect(ids(all(s))).toEqual([]);
    expect(ids(s.anchors())).toEqual([1, 2, 3]);
  });

  it('scans a text node added to an existing element', () => {
    const p = el('p', {}, 'Hello');
    root.append(p);
    const s = scanner();
    expect(all(s)).toEqual([]);
    const text = document.createTextNode(' ticket 9');
    p.append(text);
    expect(s.scanAdded([text])).toEqual([{ id: 9, element: p }]);
  });

  it('never gives one element two anchors', () => {
    const link = el('a', { href: '/tickets/5', 'data-ticket-id': '5' }, 'Ticket #5 and ticket #6');
    const nested = el('div', { 'data-ticket-id': '7' }, el('a', { href: '/tickets/7' }, el('span', {}, 'Ticket #7')));
    root.append(link, nested);
    const s = scanner();
    const first = all(s);
    const again = s.scanAdded([link, nested]);
    const elements = [...first, ...again].map((a) => a.element);
    expect(new Set(elements).size).toBe(elements.length);
    expect(ids(first)).toEqual([5, 7]);
    expect(again).toEqual([]);
  });

  it('ignores our own nodes, editable areas and scripts', () => {
    // Ours: a host that holds nothing in the light DOM (its button is in a closed shadow root).
    const own = el('span', { [OWN_NODE_ATTRIBUTE]: OWN_NODE_ID });
    markOwnNode(own);
    const editor = el('div', { contenteditable: 'true' }, el('p', {}, 'Ticket #8'));
    const script = el('script', {}, 'const a = "Ticket #9";');
    const textarea = el('textarea', {}, 'Ticket #10');
    root.append(own, editor, script, textarea);
    const s = scanner();
    expect(all(s)).toEqual([]);
    expect(s.scanAdded([own])).toEqual([]);
  });

  it('scans a page element that copies our marker and id: only our own script knows which nodes are ours', () => {
    const copied = el('div', { [OWN_NODE_ATTRIBUTE]: OWN_NODE_ID }, el('h2', {}, 'Ticket #42'));
    root.setAttribute(OWN_NODE_ATTRIBUTE, OWN_NODE_ID);
    root.append(copied);
    expect(ids(all(scanner()))).toEqual([42]);
    root.removeAttribute(OWN_NODE_ATTRIBUTE);
  });

  it('leaves unresolved references for later and anchors them once resolved', () => {
    const ref = el('p', {}, 'Reference TK-2026-00004');
    root.append(ref);
    const cache = new Map<string, number>();
    const pending: string[] = [];
    const s = createTicketScanner({
      detector,
      root,
      getUrl: () => 'http://127.0.0.1/',
      resolveReference: (reference) => cache.get(reference),
      onReference: ({ reference }) => pending.push(reference),
    });
    expect(all(s)).toEqual([]);
    expect(pending).toEqual(['TK-2026-00004']);
    cache.set('TK-2026-00004', 4);
    expect(all(s)).toEqual([{ id: 4, element: ref }]);
  });

  it("takes a reference inside a row that carries its ticket as that row's label, without a lookup", () => {
    const row = el(
      'tr',
      { 'data-ticket-id': '7' },
      el('td', {}, el('a', { href: '/dashboard/tickets/7' }, 'TK-2026-00007')),
      el('td', {}, 'Ticket 7 subject'),
    );
    const other = el('tr', { 'data-ticket-id': '8' }, el('td', {}, 'Duplicate of ticket #9'));
    root.append(el('table', {}, el('tbody', {}, row, other)));
    const pending: string[] = [];
    const s = createTicketScanner({
      detector,
      root,
      getUrl: () => 'http://127.0.0.1/dashboard',
      resolveReference: () => undefined,
      onReference: ({ reference }) => pending.push(reference),
    });
    // One anchor per row, and another ticket named inside a row still gets its own.
    expect(all(s).map((a) => [a.id, a.element.tagName])).toEqual([
      [7, 'TR'],
      [8, 'TR'],
      [9, 'TD'],
    ]);
    expect(pending).toEqual([]);
  });

  it('finds a one-digit ID split from its keyword ("Ticket #<b>7</b>") and nothing in scripts or editable areas', () => {
    const split = el('p', {}, 'Ticket #', el('b', {}, '7'));
    const editable = el('div', { contenteditable: '' }, el('p', {}, 'Ticket #8'));
    const notEditable = el('div', { contenteditable: 'false' }, el('p', {}, 'Ticket #9'));
    const svg = document.createElementNS('http://www.w3.org/2000/svg', 'svg');
    svg.append(document.createElementNS('http://www.w3.org/2000/svg', 'text'));
    svg.firstChild!.textContent = 'Ticket #10';
    root.append(split, editable, notEditable, svg, el('script', {}, 'var t = "Ticket #11"'));
    expect(ids(all(scanner()))).toEqual([7, 9]);
  });

  it("a row's own link repeats the row; a link to another ticket inside the row is that ticket", () => {
    const own = el('a', { href: '/dashboard/tickets/42?tab=thread' }, 'Open');
    const merged = el('a', { href: '/dashboard/tickets/142' }, 'merged into');
    root.append(el('div', { 'data-ticket-id': '42' }, own, ' ', merged));
    expect(all(scanner()).map((a) => [a.id, a.element])).toEqual([
      [42, root.firstChild],
      [142, merged],
    ]);
    expect(hasIdToken('/t/42', 42)).toBe(true);
    expect(hasIdToken('/t/420?x=142', 42)).toBe(false);
    expect(hasIdToken('/t/1?ticket=42', 42)).toBe(true);
  });

  it('uses agency selectors and ignores an invalid one', () => {
    const cell = el('td', { class: 'case-id' }, '321');
    root.append(el('table', {}, el('tbody', {}, el('tr', {}, cell))));
    const s = createTicketScanner({
      detector: createTicketDetector({ selectors: ['.case-id', '[[bad'] }),
      root,
      getUrl: () => 'http://127.0.0.1/',
    });
    expect(all(s)).toEqual([{ id: 321, element: cell }]);
  });

  it('drops anchors whose element left the document', () => {
    const p = el('p', {}, 'Ticket #12');
    root.append(p);
    const s = scanner();
    all(s);
    p.remove();
    expect(s.anchors()).toEqual([]);
  });

  it('gives the same anchors in slices as in one go, in document order', () => {
    const rows = Array.from({ length: 120 }, (_, i) =>
      el(
        'tr',
        { 'data-ticket-id': String(i + 1) },
        el('td', {}, el('a', { href: `/dashboard/tickets/${i + 1}` }, `TK-2026-${String(i + 1).padStart(5, '0')}`)),
        el('td', {}, i === 60 ? 'Merged into ticket #500' : `Ticket ${i + 1} subject`),
        el('td', {}, '€12.00'),
      ),
    );
    root.append(el('table', {}, el('tbody', {}, ...rows)));
    const whole = ids(all(scanner()));
    const slices: number[][] = [];
    for (const slice of scanner().scanAllSteps(() => true)) slices.push(ids(slice));
    expect(slices.length).toBeGreaterThan(3);
    expect(slices.flat()).toEqual(whole);
    expect(whole).toEqual([...Array.from({ length: 120 }, (_, i) => i + 1), 500]);
  });

  it("anchors the page's top rows in the first slice, before the whole-page listings", () => {
    const rows = Array.from({ length: 200 }, (_, i) =>
      el('tr', { 'data-ticket-id': String(i + 1) }, el('td', {}, el('a', { href: `/dashboard/tickets/${i + 1}` }, `#${i + 1}`))),
    );
    root.append(el('svg', {}, el('a', { href: '/dashboard/tickets/999' }, 'icon')), el('table', {}, el('tbody', {}, ...rows)));
    // A pause that is always due: the first slice is the smallest step the scan can make.
    const [first = []] = scanner().scanAllSteps(() => true);
    expect(ids(first).length).toBeGreaterThan(0);
    expect(ids(first)).toEqual(ids(first).map((_, i) => i + 1));
    // Asked for a screen of rows: the first slice holds at least that many, whatever the clock says.
    const [screen = []] = scanner().scanAllSteps(() => true, 50);
    expect(ids(screen).length).toBeGreaterThanOrEqual(50);
    expect(ids(screen).length).toBeLessThan(200);
    expect(ids(screen)).toEqual(ids(screen).map((_, i) => i + 1));
  });

  it('walks a row whose text names another ticket; a row that names only itself is its own label', () => {
    const quiet = el('div', { 'data-ticket-id': '42' }, el('p', {}, 'Ticket 42: ', el('b', {}, 'ticket #42')));
    const named = el('div', { 'data-ticket-id': '43' }, el('p', {}, 'Ticket ', el('b', {}, '#44')));
    root.append(quiet, named);
    expect(all(scanner()).map((a) => [a.id, a.element])).toEqual([
      [42, quiet],
      [43, named],
      [44, named.querySelector('b')],
    ]);
  });

  it('scans again with the agency patterns once they are known', () => {
    const cell = el('td', { class: 'case-id' }, '321');
    root.append(el('table', {}, el('tbody', {}, el('tr', {}, cell))), el('p', {}, 'Ticket #5'));
    const s = scanner();
    expect(ids(all(s))).toEqual([5]);
    s.setDetector(createTicketDetector({ selectors: ['.case-id'] }));
    expect(all(s)).toEqual([{ id: 321, element: cell }]);
    expect(ids(s.anchors())).toEqual([5, 321]);
  });
});
