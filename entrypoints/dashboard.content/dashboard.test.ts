// @vitest-environment happy-dom
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { fakeBrowser } from 'wxt/testing/fake-browser';
import { ContentScriptContext } from 'wxt/utils/content-script-context';
import { DASHBOARD_WORLD_KEY } from '@/utils/shared/dashboard-sites';
import type { TabMessageType, TabProtocolMap } from '@/utils/shared/messages';
import { inTabWorld } from '@/utils/shared/send-to-tab';

type Instance = { ctx: ContentScriptContext; stop(): void };

async function inject({ asShipped = false } = {}): Promise<Instance> {
  // A fresh module graph is what a re-injection gives: a new instance id, a new store.
  vi.resetModules();
  const { claimPage, cutOff, firstInWorld, releaseWorld } = await import('./instance');
  // The world's global outlives a module graph here (in a browser, each injection has a world of its own).
  delete (globalThis as unknown as Record<symbol, unknown>)[Symbol.for(DASHBOARD_WORLD_KEY)];
  firstInWorld();
  const { features } = await import('./index');
  const { disabled } = await import('./lifecycle');
  const ctx = new ContentScriptContext('dashboard');
  // As shipped, the instance stops only when cut off from the extension, not whenever WXT's context aborts.
  const signal = claimPage(AbortSignal.any([asShipped ? cutOff(ctx.signal) : ctx.signal, disabled.signal]));
  // As `main` does: a stopped instance leaves its world.
  signal.addEventListener('abort', releaseWorld, { once: true });
  for (const feature of features) feature.init(ctx, signal);
  // The first scan waits for the agency's detection settings (here: a background that is not there).
  await new Promise((resolve) => setTimeout(resolve, 30));
  return { ctx, stop: () => disabled.abort() };
}

// Our shadow roots are closed: the test keeps the roots it sees being made, as only our own script can.
const roots = new WeakMap<Element, ShadowRoot>();
const attachShadow = Element.prototype.attachShadow;
Element.prototype.attachShadow = function (this: Element, init: ShadowRootInit) {
  const root = attachShadow.call(this, init);
  roots.set(this, root);
  return root;
};

const ourHosts = () => [...document.querySelectorAll('[data-daakey-qr]')];

function buttons(): HTMLButtonElement[] {
  return ourHosts().flatMap((host) => [...(roots.get(host)?.querySelectorAll('button') ?? [])]);
}

function panelFrames(): HTMLIFrameElement[] {
  return ourHosts().flatMap((host) => [...(roots.get(host)?.querySelectorAll('iframe') ?? [])]);
}

const PASS = 'ab'.repeat(16);

/** A request from our background or popup, as `sendToTab` runs it in the content script's world. */
async function tabRequest<T extends TabMessageType>(type: T, payload: TabProtocolMap[T]['req']): Promise<unknown> {
  return inTabWorld(DASHBOARD_WORLD_KEY, type, payload);
}

/** The background's side of `panel/open`: a pass for any ticket, and a log of what was asked. */
function fakeBackground(): { opened: number[] } {
  const opened: number[] = [];
  // The fake browser answers `sendMessage` only through `sendResponse` (a listener returning true).
  fakeBrowser.runtime.onMessage.addListener(((message: unknown, _sender: unknown, sendResponse: (r: unknown) => void) => {
    const m = message as { channel?: string; type?: string; payload?: { ticketId?: number } };
    if (m.channel !== 'daakey-qr/v1') return undefined;
    if (m.type === 'panel/open') {
      opened.push(m.payload?.ticketId ?? 0);
      sendResponse({ ok: true, data: { pass: PASS } });
    } else sendResponse({ ok: true, data: { urlPatterns: [], selectors: [] } });
    return true;
  }) as never);
  return { opened };
}

function row(id: number): HTMLTableRowElement {
  const tr = document.createElement('tr');
  tr.dataset.ticketId = String(id);
  for (const text of [`TK-2026-0000${id}`, `Ticket ${id} subject`]) {
    const td = document.createElement('td');
    td.textContent = text;
    tr.append(td);
  }
  return tr;
}

beforeEach(() => {
  fakeBrowser.reset();
  const table = document.createElement('table');
  const body = document.createElement('tbody');
  body.append(row(1), row(2));
  table.append(body);
  document.body.replaceChildren(table);
});

afterEach(() => {
  document.documentElement.removeAttribute('data-daakey-qr-instance');
  document.documentElement.removeAttribute('data-daakey-qr');
});

describe('dashboard content script', () => {
  it('starts once the document is parsed, not on a DOMContentLoaded the page dispatches while loading', async () => {
    vi.resetModules();
    const { whenParsed } = await import('./index');
    let state: DocumentReadyState = 'loading';
    const readyState = vi.spyOn(document, 'readyState', 'get').mockImplementation(() => state);
    try {
      const start = vi.fn();
      whenParsed(new AbortController().signal, start);
      document.dispatchEvent(new Event('DOMContentLoaded'));
      expect(start).not.toHaveBeenCalled();
      state = 'interactive';
      document.dispatchEvent(new Event('DOMContentLoaded'));
      document.dispatchEvent(new Event('DOMContentLoaded'));
      expect(start).toHaveBeenCalledTimes(1);
      // Injected into a page already parsed (an open tab): at once.
      const late = vi.fn();
      whenParsed(new AbortController().signal, late);
      expect(late).toHaveBeenCalledTimes(1);
      // An instance stopped before the page is parsed leaves no listener behind to start it.
      state = 'loading';
      const stopped = new AbortController();
      const never = vi.fn();
      whenParsed(stopped.signal, never);
      stopped.abort();
      state = 'interactive';
      document.dispatchEvent(new Event('DOMContentLoaded'));
      expect(never).not.toHaveBeenCalled();
    } finally {
      readyState.mockRestore();
    }
  });

  it('adds one named button per ticket element, and no duplicates on re-injection', async () => {
    const first = await inject();
    expect(buttons().map((b) => b.getAttribute('aria-label'))).toEqual(['Reply to ticket #1', 'Reply to ticket #2']);

    const second = await inject();
    expect(buttons().map((b) => b.getAttribute('aria-label'))).toEqual(['Reply to ticket #1', 'Reply to ticket #2']);
    first.ctx.abort();
    expect(buttons()).toHaveLength(2);

    second.ctx.abort();
    expect(buttons()).toEqual([]);
    expect(document.documentElement.hasAttribute('data-daakey-qr-instance')).toBe(false);
  });

  it('puts no button on a ticket its page marks closed, and takes it off one closed in place', async () => {
    const closed = row(3);
    const badge = document.createElement('span');
    badge.dataset.status = 'closed';
    closed.lastElementChild!.append(badge);
    document.querySelector('tbody')!.append(closed);
    const instance = await inject();
    expect(buttons().map((b) => b.getAttribute('aria-label'))).toEqual(['Reply to ticket #1', 'Reply to ticket #2']);
    // Ticket #2 closed by the page: its status cell re-rendered (a node removed and one added).
    const cell = document.querySelector('tr[data-ticket-id="2"] td')!;
    const mark = document.createElement('span');
    mark.dataset.status = 'closed';
    cell.replaceChildren(mark);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(buttons().map((b) => b.getAttribute('aria-label'))).toEqual(['Reply to ticket #1']);
    instance.stop();
  });

  it('keeps its buttons whatever the page sets or forges: marker attributes, a fake "newer script" event', async () => {
    const instance = await inject({ asShipped: true });
    expect(buttons()).toHaveLength(2);
    document.documentElement.setAttribute('data-daakey-qr-instance', 'page');
    document.documentElement.setAttribute('data-daakey-qr', 'page');
    // What WXT's context listens for to stop an older copy of the script; any page script can send it.
    const name = `${fakeBrowser.runtime.id}:${import.meta.env.ENTRYPOINT}:wxt:content-script-started`;
    document.dispatchEvent(new CustomEvent(name, { detail: { contentScriptName: 'dashboard', messageId: 'page' } }));
    await new Promise((r) => setTimeout(r, 50));
    expect(buttons()).toHaveLength(2);
    document.querySelector('tbody')?.append(row(3));
    await vi.waitFor(() => expect(buttons()).toHaveLength(3));
    instance.stop();
    expect(buttons()).toEqual([]);
  });

  it('buttons tickets added later, once', async () => {
    const { ctx } = await inject();
    document.querySelector('tbody')?.append(row(3));
    await vi.waitFor(() => expect(buttons()).toHaveLength(3));
    document.querySelector('tbody')?.append(document.createElement('tr'));
    await new Promise((r) => setTimeout(r, 200));
    expect(buttons().map((b) => b.getAttribute('aria-label'))).toEqual(['Reply to ticket #1', 'Reply to ticket #2', 'Reply to ticket #3']);
    ctx.abort();
  });

  it('a table of more than 500 rows gets one pill, beside it, shown over the anchored row under the pointer', async () => {
    const background = fakeBackground();
    const body = document.querySelector('tbody')!;
    for (let id = 3; id <= 501; id++) body.append(row(id));
    const closed = body.children[5] as HTMLElement; // ticket #6
    closed.querySelector('td')!.dataset.status = 'closed';
    await inject();
    const table = document.querySelector('table')!;
    // Nothing inside the table (every insertion there lays all its rows out again): one host, before it, hidden.
    expect(table.querySelectorAll('[data-daakey-qr]')).toHaveLength(0);
    expect(ourHosts()).toHaveLength(1);
    const host = ourHosts()[0] as HTMLElement;
    expect(host.nextElementSibling).toBe(table);
    expect(host.style.display).toBe('none');

    const over = (target: Element) => target.dispatchEvent(new PointerEvent('pointerover', { bubbles: true }));
    over(body.children[6]!.lastElementChild!); // a cell of ticket #7
    expect(host.style.display).toBe('');
    expect(buttons().map((b) => b.getAttribute('aria-label'))).toEqual(['Reply to ticket #7']);
    over(body.children[1]!.firstElementChild!);
    expect(buttons().map((b) => b.getAttribute('aria-label'))).toEqual(['Reply to ticket #2']);
    // Off the table, or over a ticket the page marks closed: hidden.
    over(document.body);
    expect(host.style.display).toBe('none');
    over(closed.lastElementChild!);
    expect(host.style.display).toBe('none');
    // A page's own click on it opens nothing.
    over(body.children[6]!.lastElementChild!);
    buttons()[0]!.click();
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(background.opened).toEqual([]);
    // The table gone, its pill goes too.
    table.remove();
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(ourHosts()).toHaveLength(0);
  });

  it('ignores clicks the page makes: a synthetic click on a Reply button opens nothing', async () => {
    const background = fakeBackground();
    const { ctx } = await inject();
    buttons()[1]?.click();
    buttons()[1]?.dispatchEvent(new MouseEvent('click', { bubbles: true, composed: true }));
    await new Promise((r) => setTimeout(r, 50));
    expect(background.opened).toEqual([]);
    expect(panelFrames()).toEqual([]);
    ctx.abort();
  });

  it('shows the panel page in an iframe inside a closed root, and closes it only for its own pass', async () => {
    const background = fakeBackground();
    const { ctx } = await inject();
    const opened = await tabRequest('tab/open-reply', { ticketId: 2 });
    expect(opened).toEqual({ opened: true });
    expect(background.opened).toEqual([2]);
    const [frame] = panelFrames();
    const src = new URL(frame?.src ?? 'about:blank');
    expect(src.pathname).toBe('/panel.html');
    expect(Object.fromEntries(src.searchParams)).toEqual({ ticket: '2', pass: PASS });
    // The page sees our host element, never into it.
    const host = ourHosts().find((h) => roots.get(h)?.querySelector('iframe'));
    expect(host?.shadowRoot).toBeNull();

    const wrong = await tabRequest('tab/close-panel', { pass: 'cd'.repeat(16) });
    expect(wrong).toEqual({ closed: false });
    expect(panelFrames()).toHaveLength(1);
    const right = await tabRequest('tab/close-panel', { pass: PASS });
    expect(right).toEqual({ closed: true });
    expect(panelFrames()).toEqual([]);
    ctx.abort();
  });

  it('answers the extension in its own world only: no runtime listener, and nothing once it has stopped', async () => {
    const { stop } = await inject();
    // Nothing a page or another extension can message: the content script adds no runtime listener.
    expect(fakeBrowser.runtime.onMessage.hasListeners()).toBe(false);
    expect(await tabRequest('tab/detected-tickets', {})).toEqual([
      { id: 1, primary: false, label: 'TK-2026-00001 Ticket 1 subject' },
      { id: 2, primary: false, label: 'TK-2026-00002 Ticket 2 subject' },
    ]);
    fakeBackground();
    expect(await tabRequest('tab/open-reply', { ticketId: 2 })).toEqual({ opened: true });
    // A type the script does not answer is refused, not looked up on the object's prototype.
    expect(await inTabWorld(DASHBOARD_WORLD_KEY, 'constructor', {})).toBeNull();
    expect(await tabRequest('tab/disable', {})).toEqual({ disabled: true });
    expect(document.querySelectorAll('[data-daakey-qr]')).toHaveLength(0);
    // Stopped: its world no longer holds it, so a later request (or the background's probe) finds nothing.
    expect(await tabRequest('tab/detected-tickets', {})).toBeNull();
    stop();
  });

  it('on a long list, scans a few screens ahead and the rest as the agent scrolls; mutations are not held up', async () => {
    // Observers the test answers for, as the browser's next frame would: every target at `top` px.
    const observers: { callback: IntersectionObserverCallback; margin?: string; targets: Set<Element> }[] = [];
    vi.stubGlobal(
      'IntersectionObserver',
      class {
        readonly targets = new Set<Element>();
        constructor(callback: IntersectionObserverCallback, options?: IntersectionObserverInit) {
          observers.push({ callback, margin: options?.rootMargin, targets: this.targets });
        }
        observe(target: Element) {
          this.targets.add(target);
        }
        unobserve(target: Element) {
          this.targets.delete(target);
        }
        disconnect() {
          this.targets.clear();
        }
      },
    );
    const frame = (top: number) => {
      // The scan's observers only (the buttons' own observer places buttons, it does not pace the scan).
      for (const o of observers.filter((o) => !o.margin))
        if (o.targets.size)
          o.callback(
            [...o.targets].map((target) => ({
              target,
              isIntersecting: false,
              boundingClientRect: { top, width: 100, height: 20 },
            })) as never,
            o as never,
          );
    };
    const detected = async () => ((await tabRequest('tab/detected-tickets', {})) as unknown[]).length;
    try {
      const body = document.querySelector('tbody')!;
      for (let id = 3; id <= 1000; id++) body.append(row(id));
      const { ctx } = await inject();
      await vi.waitFor(async () => expect(await detected()).toBeGreaterThanOrEqual(200), { timeout: 5000 });
      await new Promise((r) => setTimeout(r, 100));
      const atLoad = await detected();
      expect(atLoad).toBeLessThan(1000);
      // Still far below: nothing more.
      frame(innerHeight * 20);
      await new Promise((r) => setTimeout(r, 50));
      expect(await detected()).toBe(atLoad);
      // A row the page adds meanwhile is scanned at once, not after the waiting scan.
      const late = row(5000);
      document.body.prepend(late);
      await vi.waitFor(async () => expect(await detected()).toBe(atLoad + 1), { timeout: 5000 });
      // The agent jumps to the end of the list: the waiting point is now above the viewport.
      window.dispatchEvent(new Event('scroll'));
      await vi.waitFor(
        async () => {
          frame(-innerHeight * 20);
          expect(await detected()).toBe(1001);
        },
        { timeout: 5000 },
      );
      ctx.abort();
    } finally {
      vi.unstubAllGlobals();
    }
  });
});
