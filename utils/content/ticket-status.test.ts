// @vitest-environment happy-dom
import { describe, expect, it } from 'vitest';
import { markedClosed } from './ticket-status';

function html(markup: string): Element {
  const template = document.createElement('template');
  template.innerHTML = markup.trim();
  return template.content.firstElementChild as Element;
}

describe('markedClosed', () => {
  it("reads a row's status badge", () => {
    const closed = html(
      '<table><tr data-ticket-id="9"><td>TK</td><td><span class="badge" data-status="closed">Closed</span></td></tr></table>',
    );
    const open = html('<table><tr data-ticket-id="1"><td>TK</td><td><span class="badge" data-status="open">Open</span></td></tr></table>');
    expect(markedClosed(closed.querySelector('tr')!, 9)).toBe(true);
    expect(markedClosed(open.querySelector('tr')!, 1)).toBe(false);
  });

  it('reads the element itself, in any case', () => {
    expect(markedClosed(html('<article data-ticket-id="3" data-status="Closed"></article>'), 3)).toBe(true);
    expect(markedClosed(html('<article data-ticket-id="3" data-status="closed-pending"></article>'), 3)).toBe(false);
  });

  it('takes the first marking inside the element, not a later one', () => {
    const page = html('<article><dd><span data-status="open"></span></dd><ol><li data-status="closed">old</li></ol></article>');
    expect(markedClosed(page, 3)).toBe(false);
  });

  it("reads a ticket page's status from the element of that ticket around its heading", () => {
    const page = html('<article data-ticket-id="9"><h1>Ticket #9</h1><dl><dd><span data-status="closed">Closed</span></dd></dl></article>');
    expect(markedClosed(page.querySelector('h1')!, 9)).toBe(true);
    // The same heading, were it another ticket's: not read.
    expect(markedClosed(page.querySelector('h1')!, 10)).toBe(false);
  });

  it("never reads an ancestor's status: a link to another ticket inside a closed row stays open", () => {
    const row = html('<div data-ticket-id="42" data-status="closed"><a href="/dashboard/tickets/43">ticket #43</a></div>');
    expect(markedClosed(row.querySelector('a')!, 43)).toBe(false);
    expect(markedClosed(row.querySelector('a')!, 42)).toBe(true);
  });

  it('is not closed without a marking', () => {
    expect(markedClosed(html('<table><tr data-ticket-id="1"><td class="closed">Closed</td></tr></table>').querySelector('tr')!, 1)).toBe(
      false,
    );
  });
});
