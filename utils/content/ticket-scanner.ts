/**
 * Finds the elements of a dashboard page that show a ticket, cheaply enough to run on every DOM
 * mutation: a TreeWalker pass over elements for links and ticket data attributes, then one over text
 * nodes behind a digit/keyword pre-filter. DOM only; no extension APIs.
 */
import type { TicketDetector, TicketRef } from '@/utils/shared/detect-ticket-ids';

/** A ticket and the element that carries its one button. */
export interface AnchoredTicket {
  id: number;
  element: Element;
}

export interface ReferenceAnchor {
  reference: string;
  element: Element;
}

export interface TicketScannerOptions {
  detector: TicketDetector;
  root: ParentNode & Node;
  /** The page URL, for the primary ticket and for resolving relative links. */
  getUrl: () => string;
  /** Known reference → ID mappings (a cache filled through the API); unknown ones go to `onReference`. */
  resolveReference?: (reference: string) => number | null | undefined;
  onReference?: (anchor: ReferenceAnchor) => void;
}

/**
 * The same scan in slices: each `next()` runs until `pause()` answers true (asked every few dozen
 * nodes) and hands back what it anchored in that slice; `done` once the scan is complete.
 */
export type ScanSteps = Generator<AnchoredTicket[], void, void>;

export interface TicketScanner {
  /** Scans only what a MutationObserver reported as added. */
  scanAdded(nodes: readonly Node[]): AnchoredTicket[];
  /**
   * The whole root in slices, in document order (what a page shows at its top comes first); the first
   * slice anchors at least `atLeast` tickets (if the page has them near its top) whatever `pause` says.
   */
  scanAllSteps(pause: () => boolean, atLeast?: number): ScanSteps;
  /** `scanAdded()` in slices. */
  scanAddedSteps(nodes: readonly Node[], pause: () => boolean): ScanSteps;
  /** The ticket the page URL is about, if any. */
  primary(): TicketRef | null;
  /** Every ticket anchored so far whose element is still in the document, in discovery order. */
  anchors(): AnchoredTicket[];
  /** The ticket anchored on `element`, if any. */
  idOf(element: Element): number | undefined;
  /** Forgets an element (e.g. after its button was removed) so a later scan may anchor it again. */
  forget(element: Element): void;
  /**
   * Detects with `detector` from now on (the agency's own patterns, known after the first scan began):
   * elements found to carry nothing are looked at again by the next scan; anchors stay.
   */
  setDetector(detector: TicketDetector): void;
}

/** Attribute carried by every node the extension adds to a page, so a later copy of the script can remove them… */
export const OWN_NODE_ATTRIBUTE = 'data-daakey-qr';
/** …with this running copy's own value. Not crypto.randomUUID: dashboards may be plain http. */
export const OWN_NODE_ID = Math.random().toString(36).slice(2);

/**
 * Which nodes are ours is known from this isolated world alone: a page can read and copy any attribute (our id
 * included) onto its own elements or `<html>`, and must not hide its content from the scan that way. Our nodes
 * (button and panel hosts) hold nothing in the light DOM, so only the node itself needs checking.
 */
const ownNodes = new WeakSet<Node>();

export function markOwnNode(node: Node): void {
  ownNodes.add(node);
}

export function isOwnNodeDefault(node: Node): boolean {
  return ownNodes.has(node);
}

// Elements whose insides are never scanned: code, icons and whatever the agent edits, and those whose only
// content is raw text. One selector, so "is this inside something we never scan?" is one native `closest` call.
const EXCLUDED = `svg,code,[contenteditable]:not([contenteditable="false"]),script,style,noscript,template,textarea,title,option,select,input`;
const BASE_SELECTOR = 'a[href],[data-ticket-id],[data-ticket]';
const HEADINGS = 'h1,h2,[role="heading"]';
const FAST_DIGIT = /[0-9\u0660-\u0669\u06f0-\u06f9]/;
// Text that may continue a mention begun in the previous sibling: "#42", "n° 42", ": 42", "42".
const LEADING_ID =
  /^[\s\u200e\u200f\u061c:#＃]*(?:n[°º]|no\.?|num[a-zé]*\.?|id|رقم)?[\s\u200e\u200f\u061c:#＃]*[0-9\u0660-\u0669\u06f0-\u06f9]/iu;
// Text before a split mention, as in "Ticket <b>#42</b>": only this much of the previous sibling counts.
const CONTEXT_CHARS = 24;
// Nodes visited between two questions to the caller's `pause()` in a sliced scan.
const STEP = 32;
const MAX_RESTARTS = 3;

/** True when `text` holds `id` as a whole number ("/tickets/42?x" yes, "/tickets/142" no). */
export function hasIdToken(text: string, id: number): boolean {
  const digits = String(id);
  for (let at = text.indexOf(digits); at >= 0; at = text.indexOf(digits, at + 1)) {
    const before = text.charCodeAt(at - 1);
    const after = text.charCodeAt(at + digits.length);
    const isDigit = (c: number) => c >= 48 && c <= 57;
    if (!isDigit(before) && !isDigit(after)) return true;
  }
  return false;
}

function tokenPattern(id: number): RegExp {
  return new RegExp(`(?:^|[^0-9\\p{L}])#?${id}(?![0-9\\p{L}])`, 'u');
}

/** Builds a scanner over `root`. All state (what was processed, what was anchored) lives in it. */
export function createTicketScanner(options: TicketScannerOptions): TicketScanner {
  const { root } = options;
  const { getUrl } = options;
  const doc = root.ownerDocument ?? (root as Document);

  let detector = options.detector;
  let agencySelector = '';
  let elementSelector = BASE_SELECTOR;
  function configure(next: TicketDetector): void {
    detector = next;
    // Agency selectors come from settings; one invalid selector must not break scanning.
    agencySelector = next.selectors
      .filter((selector) => {
        try {
          doc.createDocumentFragment().querySelector(selector);
          return true;
        } catch {
          return false;
        }
      })
      .join(', ');
    elementSelector = agencySelector ? `${BASE_SELECTOR}, ${agencySelector}` : BASE_SELECTOR;
  }
  configure(options.detector);

  const anchored = new WeakMap<Element, number>();
  let processedElements = new WeakSet<Element>();
  const reported = new WeakSet<Element>();
  // Each ticket's one anchored element (memory per ticket matters on a 10,000-row page).
  const byId = new Map<number, Element>();
  // The ticket each link/data element carries, anchored or not, so text inside it is not a second mention.
  const carried = new WeakMap<Element, number>();

  // Our own nodes need no test here: they hold nothing in the light DOM (see `isOwnNodeDefault`).
  function isExcluded(element: Element): boolean {
    const excluded = element.closest(EXCLUDED);
    return !!excluded && (excluded === element || root.contains(excluded) || root === excluded);
  }

  function resolve(ref: TicketRef, element: Element): number | null {
    if ('id' in ref) return ref.id;
    const id = options.resolveReference?.(ref.reference);
    if (id != null) return id;
    if (!reported.has(element)) {
      reported.add(element);
      options.onReference?.({ reference: ref.reference, element });
    }
    return null;
  }

  /**
   * One anchor per ticket on the page: an agent wants one Reply button per ticket, not one per
   * mention (a detail page names its ticket in the heading, the URL and a data attribute).
   */
  function anchor(element: Element, id: number, out: AnchoredTicket[]): void {
    if (anchored.has(element)) return;
    const other = byId.get(id);
    if (other && other.isConnected && anchored.get(other) === id) return;
    byId.set(id, element);
    anchored.set(element, id);
    out.push({ id, element });
  }

  /** The ticket carried by the nearest link or data element around `element` (itself included), if any. */
  function carriedAround(element: Element): number | undefined {
    for (let holder = element.closest(elementSelector); holder; holder = holder.parentElement?.closest(elementSelector) ?? null) {
      const id = anchored.get(holder) ?? carried.get(holder);
      if (id !== undefined) return id;
    }
    return undefined;
  }

  /** `element` is known not to be inside an excluded element (the caller checked). */
  function scanElement(element: Element, url: string, out: AnchoredTicket[]): void {
    if (processedElements.has(element) || anchored.has(element)) return;
    let ref: TicketRef | null = null;
    const dataValue = element.getAttribute('data-ticket-id') ?? element.getAttribute('data-ticket');
    if (dataValue !== null) ref = detector.fromAttribute(dataValue);
    if (!ref && element.tagName === 'A') {
      const href = element.getAttribute('href');
      if (href !== null) {
        // A row's own link ("/tickets/42" inside the row for 42) only repeats the row's ticket; it is
        // most links on a list page, and parsing each URL was a large share of a first scan.
        const holderId = element.parentElement ? carriedAround(element.parentElement) : undefined;
        if (holderId !== undefined && hasIdToken(href, holderId)) return;
        ref = detector.fromHref(href, url);
      }
    }
    if (!ref && agencySelector && element.matches(agencySelector)) {
      ref = detector.fromSelectedText(element.textContent ?? '');
    }
    if (!ref) {
      processedElements.add(element);
      return;
    }
    // A reference inside an element that already carries a ticket (the row's "TK-2026-00042" link) is
    // that ticket's label: looking it up would cost a request per row and add nothing.
    if ('reference' in ref && element.parentElement && carriedAround(element.parentElement) !== undefined) {
      processedElements.add(element);
      return;
    }
    const id = resolve(ref, element);
    // Unresolved references stay unprocessed so a scan after resolution can anchor them.
    if (id === null) return;
    anchor(element, id, out);
    // Not anchored: its ticket already has a button elsewhere. Text inside it still belongs to it.
    if (!anchored.has(element)) carried.set(element, id);
  }

  function scanText(node: Text, out: AnchoredTicket[]): void {
    // Nothing is remembered per text node: a later scan of the same text finds the same anchor (kept
    // once by `anchor`), and a set of text nodes cost memory on every line of a long list.
    const parent = node.parentElement;
    if (!parent) return;
    const text = node.data;
    let matches = detector.fromText(text);
    if (!matches.length) {
      // "Ticket <strong>#42</strong>": the keyword sits in the previous sibling's text, and this text
      // starts with the number (or its marker). A comment before it is not text anyone reads.
      if (!LEADING_ID.test(text)) return;
      const previous = node.previousSibling ?? parent.previousSibling;
      const before = previous && (previous.nodeType === 1 || previous.nodeType === 3) ? previous.textContent : '';
      if (!before) return;
      const context = before.slice(-CONTEXT_CHARS);
      matches = detector.fromText(context + text).filter((m) => m.index + m.length > context.length && m.index < context.length);
    }
    const [first] = matches;
    if (!first) return;
    // Asked only of text that names a ticket: listing the page's excluded regions up front was a
    // whole-page query, tens of ms in one go on a long page.
    if (isExcluded(parent)) return;
    // A link or data element around this text that carries a ticket: the same ticket keeps its one
    // anchor, and a reference there is that ticket's label (see scanElement).
    const holderId = carriedAround(parent);
    if (holderId !== undefined && ('reference' in first || first.id === holderId)) return;
    const id = resolve(first, parent);
    if (id === null) return;
    if (id === holderId) return;
    anchor(parent, id, out);
  }

  /**
   * An element anchored to its ticket whose text names no other ticket (a list row: its reference, its
   * subject "Ticket 42 …", prices, dates): nothing inside it can anchor anything, since a mention of its
   * own ticket or a reference inside it is its label (see scanText). The text walk skips its insides,
   * which on a list page is nearly every text node. Checked on the element's whole text, where every
   * text node's mention (and a split one, "Ticket <b>#42</b>") appears as a substring.
   */
  function isQuietHolder(element: Element): boolean {
    const id = anchored.get(element);
    if (id === undefined) return false;
    return !detector.mayNameOtherThan(element.textContent ?? '', id);
  }

  /** Everything after `walker`'s current node's subtree, in document order, within the walker's root. */
  function nextOutside(walker: TreeWalker): Node | null {
    for (;;) {
      const sibling = walker.nextSibling();
      if (sibling) return sibling;
      if (!walker.parentNode()) return null;
    }
  }

  /**
   * One scan of `subtree`: the URL's ticket heading first, then links and data attributes, then text,
   * so the most specific element keeps the ticket's one anchor. Pauses (a `yield`) whenever `pause()`
   * says so, asked every STEP nodes; the page may change meanwhile. Both passes walk in document order
   * from the top, so the first slice already anchors what a page just loaded shows: no whole-page
   * listing (`querySelectorAll`, tens of ms in one go on a long page) comes before it.
   */
  function* walkSteps(subtree: Node, out: AnchoredTicket[], pause: () => boolean): Generator<void, void, void> {
    const url = getUrl();
    anchorPrimary(subtree, url, out);
    let count = 0;
    const quiet = new WeakSet<Element>();
    let quietCount = 0;
    const consider = (element: Element) => {
      // A native `closest` for the few elements that match, rather than the page's excluded regions
      // listed up front.
      if (isExcluded(element)) return;
      scanElement(element, url, out);
      if (isQuietHolder(element)) {
        quiet.add(element);
        quietCount++;
      }
    };
    if (subtree.nodeType === 1 && (subtree as Element).matches(elementSelector)) consider(subtree as Element);
    if (subtree.nodeType === 1 || subtree.nodeType === 9 || subtree.nodeType === 11) {
      const walker = doc.createTreeWalker(subtree, 0x1 /* SHOW_ELEMENT */);
      let node = walker.nextNode();
      let restarts = 0;
      while (node) {
        if ((node as Element).matches(elementSelector)) {
          consider(node as Element);
          // What a match holds (a row's cells, its own link) is listed natively, not walked: a walk makes a
          // wrapper and a call for every cell, which was most of a long list's scan and memory.
          for (const inner of (node as Element).querySelectorAll(elementSelector)) consider(inner);
          node = nextOutside(walker);
        } else node = walker.nextNode();
        if (++count % STEP === 0 && pause()) {
          yield;
          if (!subtree.isConnected && subtree !== root) return;
          // The page removed the node the walk was to visit next: start again (what was anchored stays
          // anchored); a page that keeps replacing it is left to the mutation scans after a few tries.
          if (node && !node.isConnected) {
            if (++restarts > MAX_RESTARTS) break;
            walker.currentNode = subtree;
            node = walker.nextNode();
          }
        }
      }
    }
    if (quiet.has(subtree as Element)) return;
    // No filter callback: a JS filter is called for every node and made the walk many times slower.
    // With quiet holders, elements are shown too, so a holder's whole subtree is stepped over at once.
    const walker = doc.createTreeWalker(subtree, quietCount ? 0x1 | 0x4 /* SHOW_ELEMENT | SHOW_TEXT */ : 0x4 /* SHOW_TEXT */);
    let node = walker.nextNode();
    let restarts = 0;
    while (node) {
      if (++count % STEP === 0 && pause()) {
        yield;
        if (!subtree.isConnected && subtree !== root) return;
        // The page removed the node the walk stood on: start again (what was anchored stays anchored).
        // A page that keeps replacing it (a ticker) is left to the mutation scans after a few tries.
        if (!node.isConnected) {
          if (++restarts > MAX_RESTARTS) return;
          walker.currentNode = subtree;
          node = walker.nextNode();
          continue;
        }
      }
      if (node.nodeType === 3) {
        if (FAST_DIGIT.test((node as Text).data)) scanText(node as Text, out);
        node = walker.nextNode();
      } else if (quietCount && quiet.has(node as Element)) {
        node = nextOutside(walker);
      } else {
        node = walker.nextNode();
      }
    }
  }

  function* addedSteps(nodes: readonly Node[], out: AnchoredTicket[], pause: () => boolean): Generator<void, void, void> {
    for (const node of nodes) {
      if (!node.isConnected) continue;
      if (node.nodeType === 3) {
        const parent = node.parentElement;
        if (parent && FAST_DIGIT.test((node as Text).data) && !isExcluded(parent)) scanText(node as Text, out);
      } else if (node.nodeType === 1) {
        if (isExcluded(node as Element)) continue;
        yield* walkSteps(node, out, pause);
      }
      if (pause()) yield;
    }
  }

  /** Runs a scan to its end in one go. */
  function complete(steps: Generator<void, void, void>, out: AnchoredTicket[]): AnchoredTicket[] {
    for (const _ of steps);
    return out;
  }

  /**
   * `pause`, except that the first slice goes on until `atLeast` tickets are anchored (or about STEP ×
   * `atLeast` nodes are walked, for a page with few tickets): then a page just loaded has its first
   * screen of rows anchored in that slice even on a machine so loaded that a few milliseconds of wall
   * time cover only a handful of rows (the next slice may come after the page's first full layout).
   */
  function holdFirst(out: AnchoredTicket[], pause: () => boolean, atLeast: number): () => boolean {
    let asked = 0;
    return () => {
      if (asked >= 0) {
        if (out.length < atLeast && ++asked < atLeast) return false;
        asked = -1;
      }
      return pause();
    };
  }

  /** Runs a scan in slices, handing back each slice's anchors. */
  function* sliced(make: (out: AnchoredTicket[]) => Generator<void, void, void>): ScanSteps {
    const out: AnchoredTicket[] = [];
    for (const _ of make(out)) yield out.splice(0);
    yield out.splice(0);
  }

  function anchorPrimary(subtree: Node, url: string, out: AnchoredTicket[]): void {
    if (subtree.nodeType !== 1 && subtree.nodeType !== 9 && subtree.nodeType !== 11) return;
    const primary = detector.fromUrl(url);
    if (!primary || !('id' in primary)) return;
    // The page's main heading often shows "#42 Printer broken" without the word "ticket".
    const token = tokenPattern(primary.id);
    const headings = [...(subtree as ParentNode).querySelectorAll(HEADINGS)];
    if (subtree.nodeType === 1 && (subtree as Element).matches(HEADINGS)) headings.unshift(subtree as Element);
    for (const heading of headings) {
      if (anchored.has(heading) || isExcluded(heading)) continue;
      if (token.test(heading.textContent ?? '')) {
        anchor(heading, primary.id, out);
        return;
      }
    }
  }

  const never = () => false;
  return {
    scanAdded(nodes) {
      const out: AnchoredTicket[] = [];
      return complete(addedSteps(nodes, out, never), out);
    },
    scanAllSteps(pause, atLeast = 0) {
      return sliced((out) => walkSteps(root, out, holdFirst(out, pause, atLeast)));
    },
    scanAddedSteps(nodes, pause) {
      return sliced((out) => addedSteps(nodes, out, pause));
    },
    primary() {
      return detector.fromUrl(getUrl());
    },
    anchors() {
      // Built on demand from `byId` rather than kept as a list of objects: a long page would pay for
      // 10,000 of them for a list the popup asks for now and then.
      const list: AnchoredTicket[] = [];
      for (const [id, element] of byId) if (element.isConnected && anchored.get(element) === id) list.push({ id, element });
      return list;
    },
    idOf: (element) => anchored.get(element),
    setDetector(next) {
      configure(next);
      processedElements = new WeakSet();
    },
    forget(element) {
      const id = anchored.get(element);
      if (id !== undefined && byId.get(id) === element) byId.delete(id);
      anchored.delete(element);
      processedElements.delete(element);
    },
  };
}
