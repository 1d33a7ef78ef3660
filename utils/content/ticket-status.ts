// The page's own word on a ticket's status, read only to leave the Reply pill off a closed ticket: a hint, never
// a decision. The panel and the popup ask the server, which stays the authority (a closed ticket there offers
// "Create follow-up ticket"); all a page gains by lying here is hiding its own pills, which it can do anyway.

/**
 * True when the ticket's own element says `closed` in a `data-status` attribute: the element itself or the first
 * element inside it that carries one (a row's status badge). The element is the nearest one that carries this
 * ticket's `data-ticket-id` (a ticket page's heading belongs to its `<article data-ticket-id>`), else the one the
 * ticket was detected on. Other tickets' elements are not read: a link to ticket #43 inside the row of closed
 * ticket #42 is not closed by that row. A few selector calls per pill, so it costs nothing on a long list.
 */
export function markedClosed(element: Element, id: number): boolean {
  const scope = element.closest(`[data-ticket-id="${id}"]`) ?? element;
  const mark = scope.matches('[data-status]') ? scope : scope.querySelector('[data-status]');
  return /^closed$/i.test(mark?.getAttribute('data-status') ?? '');
}
