// What the features share: the anchors found on the page, the URL's ticket, and the inline buttons.
// scan-tickets writes; inline-reply-button and tab-messages read and subscribe.
import type { AnchoredTicket, TicketScanner } from '@/utils/content/ticket-scanner';

type Source = Pick<TicketScanner, 'anchors' | 'idOf'>;
const NONE: Source = { anchors: () => [], idOf: () => undefined };

type Listener<T> = (value: T) => void;

function createStore() {
  // The scanner is the one record of what is anchored; the store only asks it.
  let source = NONE;
  let primaryId: number | null = null;
  const added = new Set<Listener<AnchoredTicket[]>>();
  const changed = new Set<Listener<void>>();
  let findButton: (ticketId: number) => HTMLElement | null = () => null;

  function subscribe<T>(set: Set<Listener<T>>, listener: Listener<T>, signal: AbortSignal): void {
    if (signal.aborted) return;
    set.add(listener);
    signal.addEventListener('abort', () => set.delete(listener), { once: true });
  }

  return {
    get primaryId() {
      return primaryId;
    },
    /** Live anchors, in discovery order. */
    anchors(): AnchoredTicket[] {
      return source.anchors();
    },
    /** The ticket anchored on `element`: the scanner keeps it, so features need no copy per ticket. */
    idOf(element: Element): number | undefined {
      return source.idOf(element);
    },
    setSource(scanner: Source): void {
      source = scanner;
    },
    /** Tells the features what a scan just anchored. */
    add(found: AnchoredTicket[]): void {
      if (!found.length) return;
      for (const listener of added) listener(found);
    },
    /** Something left the page, or the URL changed. */
    update(primary: number | null): void {
      primaryId = primary;
      for (const listener of changed) listener();
    },
    onAdded(listener: Listener<AnchoredTicket[]>, signal: AbortSignal) {
      subscribe(added, listener, signal);
    },
    onChanged(listener: Listener<void>, signal: AbortSignal) {
      subscribe(changed, listener, signal);
    },
    setButtonLookup(lookup: (ticketId: number) => HTMLElement | null): void {
      findButton = lookup;
    },
    buttonFor(ticketId: number): HTMLElement | null {
      return findButton(ticketId);
    },
    reset(): void {
      source = NONE;
      primaryId = null;
      added.clear();
      changed.clear();
      findButton = () => null;
    },
  };
}

export const ticketStore = createStore();
export type TicketStore = typeof ticketStore;
