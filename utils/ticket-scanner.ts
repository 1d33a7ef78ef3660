/**
 * Finds the elements of a dashboard page that show a ticket, cheaply enough to run on every DOM
 * mutation: one TreeWalker pass over text nodes behind a digit/keyword pre-filter, plus one
 * `querySelectorAll` for links and ticket data attributes. DOM only; no extension APIs.
 */
import type { TicketDetector, TicketRef } from './detect-ticket-ids';

export type AnchorSource = 'url' | 'link' | 'data' | 'text';

export interface TicketAnchor {
  id: number;
  element: Element;
  source: AnchorSource;
}

export interface ReferenceAnchor {
  reference: string;
  element: Element;
  source: AnchorSource;
}

export interface TicketScannerOptions {
  detector: TicketDetector;
  root: ParentNode & Node;
  /** True for the extension's own nodes (buttons, panel): they are never scanned. */
  isOwnNode?: (node: Node) => boolean;
  /** The page URL, for the primary ticket and for resolving relative links. */
  getUrl?: () => string;
  /** Known reference → ID mappings (a cache filled through the API); unknown ones go to `onReference`. */
  resolveReference?: (reference: string) => number | null | undefined;
  onReference?: (anchor: ReferenceAnchor) => void;
}

export interface TicketScanner {
  /** Scans the whole root. Elements already anchored are skipped, so calling it again is cheap. */
  scanAll(): TicketAnchor[];
  /** Scans only what a MutationObserver reported as added. */
  scanAdded(nodes: readonly Node[]): TicketAnchor[];
  /** The ticket the page URL is about, if any. */
  primary(): TicketRef | null;
  /** Every anchor found so far that is still in the document, in discovery order. */
  anchors(): TicketAnchor[];
  /** Forgets an element (e.g. after its button was removed) so a later scan may anchor it again. */
  forget(element: Element): void;
}

/** Attribute carried by every node the extension adds to a page. */
export const OWN_NODE_ATTRIBUTE = 'data-daakey-qr';

export function isOwnNodeDefault(node: Node): boolean {
  const element = node.nodeType === 1 ? (node as Element) : node.parentElement;
  return element?.closest(`[${OWN_NODE_ATTRIBUTE}]`) != null;
}

const SKIP_TAGS = new Set(['SCRIPT', 'STYLE', 'NOSCRIPT', 'TEMPLATE', 'TEXTAREA', 'INPUT', 'SELECT', 'OPTION', 'SVG', 'CODE']);
const BASE_SELECTOR = 'a[href], [data-ticket-id], [data-ticket]';
const HEADINGS = 'h1, h2, [role="heading"]';
const FAST_DIGIT = /[0-9\u0660-\u0669\u06f0-\u06f9]/;
// Text before a split mention, as in "Ticket <b>#42</b>": only this much of the previous sibling counts.
const CONTEXT_CHARS = 24;

function isSkipped(element: Element): boolean {
  if (SKIP_TAGS.has(element.tagName.toUpperCase())) return true;
  const editable = element.getAttribute('contenteditable');
  return editable !== null && editable !== 'false';
}

function tokenPattern(id: number): RegExp {
  return new RegExp(`(?:^|[^0-9\\p{L}])#?${id}(?![0-9\\p{L}])`, 'u');
}

/** Builds a scanner over `root`. All state (what was processed, what was anchored) lives in it. */
export function createTicketScanner(options: TicketScannerOptions): TicketScanner {
  const { detector, root } = options;
  const isOwnNode = options.isOwnNode ?? isOwnNodeDefault;
  const getUrl = options.getUrl ?? (() => (root.ownerDocument ?? (root as Document)).location?.href ?? 'http://localhost/');
  const doc = root.ownerDocument ?? (root as Document);

  // Agency selectors come from settings; one invalid selector must not break scanning.
  const agencySelectors = detector.selectors.filter((selector) => {
    try {
      doc.createDocumentFragment().querySelector(selector);
      return true;
    } catch {
      return false;
    }
  });
  const agencySelector = agencySelectors.join(', ');
  const elementSelector = agencySelector ? `${BASE_SELECTOR}, ${agencySelector}` : BASE_SELECTOR;

  const anchored = new WeakMap<Element, number>();
  const processedElements = new WeakSet<Element>();
  const processedText = new WeakSet<Text>();
  const reported = new WeakSet<Element>();
  const byId = new Map<number, Set<Element>>();
  // The ticket each link/data element carries, anchored or not, so text inside it is not a second mention.
  const carried = new WeakMap<Element, number>();
  let found: TicketAnchor[] = [];

  function isInsideSkipped(element: Element): boolean {
    for (let el: Element | null = element; el && el !== root; el = el.parentElement) {
      if (isSkipped(el)) return true;
    }
    return false;
  }

  function resolve(ref: TicketRef, element: Element, source: AnchorSource): number | null {
    if ('id' in ref) return ref.id;
    const id = options.resolveReference?.(ref.reference);
    if (id != null) return id;
    if (!reported.has(element)) {
      reported.add(element);
      options.onReference?.({ reference: ref.reference, element, source });
    }
    return null;
  }

  /**
   * One anchor per ticket on the page: an agent wants one Reply button per ticket, not one per
   * mention (a detail page names its ticket in the heading, the URL and a data attribute).
   */
  function anchor(element: Element, id: number, source: AnchorSource, out: TicketAnchor[]): void {
    if (anchored.has(element)) return;
    const same = byId.get(id) ?? new Set<Element>();
    for (const other of same) {
      if (!other.isConnected || anchored.get(other) !== id) same.delete(other);
      else return;
    }
    same.add(element);
    byId.set(id, same);
    anchored.set(element, id);
    const result = { id, element, source };
    found.push(result);
    out.push(result);
  }

  function scanElement(element: Element, out: TicketAnchor[]): void {
    if (processedElements.has(element) || anchored.has(element)) return;
    if (isOwnNode(element) || isInsideSkipped(element)) return;
    let ref: TicketRef | null = null;
    let source: AnchorSource = 'data';
    const dataValue = element.getAttribute('data-ticket-id') ?? element.getAttribute('data-ticket');
    if (dataValue !== null) ref = detector.fromAttribute(dataValue);
    if (!ref && element.tagName === 'A' && element.hasAttribute('href')) {
      ref = detector.fromHref(element.getAttribute('href') ?? '', getUrl());
      source = 'link';
    }
    if (!ref && agencySelector && element.matches(agencySelector)) {
      ref = detector.fromSelectedText(element.textContent ?? '');
      source = 'data';
    }
    if (!ref) {
      processedElements.add(element);
      return;
    }
    const id = resolve(ref, element, source);
    // Unresolved references stay unprocessed so a scan after resolution can anchor them.
    if (id === null) return;
    processedElements.add(element);
    carried.set(element, id);
    anchor(element, id, source, out);
  }

  function scanText(node: Text, out: TicketAnchor[]): void {
    if (processedText.has(node)) return;
    processedText.add(node);
    const parent = node.parentElement;
    if (!parent) return;
    const text = node.data;
    let matches = detector.fromText(text);
    if (!matches.length) {
      // "Ticket <strong>#42</strong>": the keyword sits in the previous sibling's text.
      const before = node.previousSibling?.textContent ?? parent.previousSibling?.textContent ?? '';
      if (!before) return;
      const context = before.slice(-CONTEXT_CHARS);
      matches = detector.fromText(context + text).filter((m) => m.index + m.length > context.length && m.index < context.length);
    }
    const [first] = matches;
    if (!first) return;
    const id = resolve(first, parent, 'text');
    if (id === null) {
      processedText.delete(node);
      return;
    }
    // A link or data element around this text that carries the same ticket keeps the one anchor.
    for (let holder = parent.closest(elementSelector); holder; holder = holder.parentElement?.closest(elementSelector) ?? null) {
      if (carried.get(holder) === id) return;
    }
    anchor(parent, id, 'text', out);
  }

  function walk(subtree: Node, out: TicketAnchor[]): void {
    // The URL's ticket heading first, then links and data attributes, then text, so the most
    // specific element keeps the ticket's one anchor.
    anchorPrimary(subtree, out);
    if (subtree.nodeType === 1) {
      const element = subtree as Element;
      if (element.matches(elementSelector)) scanElement(element, out);
      for (const el of element.querySelectorAll(elementSelector)) scanElement(el, out);
    } else if (subtree.nodeType === 9 || subtree.nodeType === 11) {
      for (const el of (subtree as ParentNode).querySelectorAll(elementSelector)) scanElement(el, out);
    }
    const walker = doc.createTreeWalker(subtree, 0x1 | 0x4 /* SHOW_ELEMENT | SHOW_TEXT */, {
      acceptNode(node) {
        if (node.nodeType === 1) {
          return isSkipped(node as Element) || isOwnNode(node) ? 2 /* FILTER_REJECT */ : 3 /* FILTER_SKIP */;
        }
        const data = (node as Text).data;
        return FAST_DIGIT.test(data) ? 1 /* FILTER_ACCEPT */ : 3;
      },
    });
    for (let node = walker.nextNode(); node; node = walker.nextNode()) scanText(node as Text, out);
  }

  function anchorPrimary(subtree: Node, out: TicketAnchor[]): void {
    if (subtree.nodeType !== 1 && subtree.nodeType !== 9 && subtree.nodeType !== 11) return;
    const primary = detector.fromUrl(getUrl());
    if (!primary || !('id' in primary)) return;
    // The page's main heading often shows "#42 Printer broken" without the word "ticket".
    const token = tokenPattern(primary.id);
    const headings = [...(subtree as ParentNode).querySelectorAll(HEADINGS)];
    if (subtree.nodeType === 1 && (subtree as Element).matches(HEADINGS)) headings.unshift(subtree as Element);
    for (const heading of headings) {
      if (anchored.has(heading) || isOwnNode(heading) || isInsideSkipped(heading)) continue;
      if (token.test(heading.textContent ?? '')) {
        anchor(heading, primary.id, 'url', out);
        return;
      }
    }
  }

  return {
    scanAll() {
      const out: TicketAnchor[] = [];
      walk(root, out);
      return out;
    },
    scanAdded(nodes) {
      const out: TicketAnchor[] = [];
      for (const node of nodes) {
        if (!node.isConnected || isOwnNode(node)) continue;
        if (node.nodeType === 3) {
          const parent = node.parentElement;
          if (parent && !isInsideSkipped(parent) && FAST_DIGIT.test((node as Text).data)) scanText(node as Text, out);
        } else if (node.nodeType === 1) {
          if (isInsideSkipped(node as Element)) continue;
          walk(node, out);
        }
      }
      return out;
    },
    primary() {
      return detector.fromUrl(getUrl());
    },
    anchors() {
      found = found.filter((a) => a.element.isConnected && anchored.get(a.element) === a.id);
      return [...found];
    },
    forget(element) {
      const id = anchored.get(element);
      if (id !== undefined) byId.get(id)?.delete(element);
      anchored.delete(element);
      processedElements.delete(element);
    },
  };
}
