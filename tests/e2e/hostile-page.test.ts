/**
 * The dashboard page as an attacker (issue 12): every script here runs in the page's main world with nothing but
 * DOM APIs, as an injected script after an XSS would. What the page tries is what the table of issue 12 lists, plus
 * a few tricks of our own; what counts is what the sandbox received (the request log, the stored messages) and what
 * the page could read. The agent's own actions (a Reply click, typing, a click on Send) are real input events sent
 * by the browser, which no page script can forge.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { EXTENSION_SCHEME, itUnless, type Frame, type Page } from './driver';

/** Firefox has no IntersectionObserver v2: there the panel cannot tell it is covered and, by design, counts as visible. */
const NEEDS_IO_V2 = {
  firefox:
    'no IntersectionObserver v2 (trackVisibility) in Firefox: the panel cannot see that it is covered, faded or hidden, and counts as visible by design (utils/ui/visibility-guard.ts)',
};
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { clickReplyButton, panelFrame, panelFrames, panelOpen, replyButtonCount, waitForReplyButton } from './panel';
import { type RecordedRequest, control, openPopupFor, signedInRig, storedMessages, waitForStatus } from './steps';

/** A sandbox page with no ticket text of its own (its 404 page): whatever ticket text the page can read came from us. */
const ARENA = '/dashboard/arena';

interface Effects {
  messagePosts: RecordedRequest[];
  ticketPosts: RecordedRequest[];
  uploads: RecordedRequest[];
  listReads: RecordedRequest[];
  all: RecordedRequest[];
}

describe('a hostile dashboard page cannot act for the agent', () => {
  const rig = signedInRig();

  async function effects(): Promise<Effects> {
    const { requests } = await control<{ requests: RecordedRequest[] }>(rig, 'GET', '/requests');
    return {
      messagePosts: requests.filter((r) => r.method === 'POST' && /^\/api\/v1\/client\/tickets\/\d+\/messages/.test(r.path)),
      ticketPosts: requests.filter((r) => r.method === 'POST' && /^\/api\/v1\/client\/tickets(\?|$)/.test(r.path)),
      uploads: requests.filter((r) => r.method === 'POST' && r.path.startsWith('/api/v1/client/media')),
      listReads: requests.filter((r) => r.method === 'GET' && /^\/api\/v1\/client\/tickets(\?|$)/.test(r.path)),
      all: requests,
    };
  }

  async function expectNoWrites(): Promise<void> {
    const e = await effects();
    expect(e.messagePosts.map((r) => r.path)).toEqual([]);
    expect(e.ticketPosts.map((r) => r.path)).toEqual([]);
    expect(e.uploads.map((r) => r.path)).toEqual([]);
  }

  /** Every subject and message the sandbox holds (long enough not to occur by chance). */
  function ticketTexts(): string[] {
    const texts: string[] = [];
    for (const ticket of rig.sandbox.state.tickets.values()) {
      texts.push(ticket.subject, ...ticket.messages.map((m) => m.message));
    }
    return texts.filter((t) => t.length >= 12);
  }

  // A test that fails before closing its arena must not leave it open: its panel would go on reading its ticket
  // during the next test.
  const arenas: Page[] = [];
  afterEach(async () => {
    for (const page of arenas.splice(0)) if (!page.isClosed()) await page.close();
  });

  /** A dashboard page (an enabled origin) whose main holds only the rows the attacker planted. */
  async function arena(ids: number[] = []): Promise<Page> {
    const page = await rig.context.newPage();
    arenas.push(page);
    await page.goto(`${rig.sandbox.url}${ARENA}`);
    await plant(page, ids);
    return page;
  }

  async function plant(page: Page, ids: number[]): Promise<void> {
    await page.evaluate((list) => {
      const main = document.querySelector('main') ?? document.body;
      for (const id of list) {
        const row = document.createElement('div');
        row.className = 'planted';
        row.setAttribute('data-ticket-id', String(id));
        row.textContent = `Row ${id} `;
        main.append(row);
      }
    }, ids);
  }

  /** The agent's real click on a Reply button, then the panel frame it opened. */
  async function agentOpensPanel(page: Page, id: number): Promise<Frame> {
    await clickReplyButton(page, `Reply to ticket #${id}`);
    // Not waiting for the panel to settle: each attack decides for itself when it covers the panel.
    const frame = await panelFrame(page, { settled: false });
    await frame.getByRole('textbox', { name: 'Message' }).waitFor({ timeout: 15_000 });
    return frame;
  }

  /** Everything the page can read: its DOM, every open shadow root it reaches, its timeline, its frames. */
  function readEverything(page: Page): Promise<string> {
    return page.evaluate(() => {
      const parts: string[] = [document.documentElement.outerHTML, document.title];
      const visit = (root: Document | ShadowRoot) => {
        for (const el of root.querySelectorAll('*')) {
          if (el.shadowRoot) {
            parts.push(el.shadowRoot.innerHTML);
            visit(el.shadowRoot);
          }
          for (const attr of el.attributes) parts.push(attr.value);
        }
      };
      visit(document);
      for (const entry of performance.getEntries()) parts.push(entry.name);
      for (let i = 0; i < window.frames.length; i++) {
        const frame = window.frames[i]!;
        for (const read of [
          () => frame.document.documentElement.outerHTML,
          () => frame.location.href,
          () => String(frame.name),
          () => frame.document.title,
        ]) {
          try {
            parts.push(read());
          } catch {
            // Cross-origin: refused.
          }
        }
      }
      const active = document.activeElement;
      parts.push(active?.outerHTML ?? '', getSelection()?.toString() ?? '');
      return parts.join('\n');
    });
  }

  async function expectNothingLeaked(page: Page, extra: string[] = []): Promise<void> {
    const text = await readEverything(page);
    for (const secret of [...ticketTexts(), ...extra]) expect(text, `the page read "${secret}"`).not.toContain(secret);
  }

  /** The page clicks, presses and posts at everything it can reach (all untrusted). */
  function pageDoesEverything(page: Page, extensionId: string): Promise<void> {
    return page.evaluate((id) => {
      const all = [...document.querySelectorAll('*')] as HTMLElement[];
      for (const el of all) {
        if (el.tagName === 'A') continue;
        el.click();
        el.focus?.();
        for (const type of ['pointerdown', 'mousedown', 'pointerup', 'mouseup', 'click']) {
          el.dispatchEvent(new MouseEvent(type, { bubbles: true, composed: true, cancelable: true, view: window }));
        }
        for (const key of ['Enter', ' ']) {
          el.dispatchEvent(new KeyboardEvent('keydown', { key, bubbles: true, composed: true, cancelable: true }));
          el.dispatchEvent(new KeyboardEvent('keyup', { key, bubbles: true, composed: true, cancelable: true }));
        }
        el.dispatchEvent(
          new KeyboardEvent('keydown', { key: 'Enter', code: 'Enter', ctrlKey: true, bubbles: true, composed: true, cancelable: true }),
        );
      }
      // Whatever sits at the centre of each of our hosts (the page only ever gets the host, retargeted).
      for (const host of document.querySelectorAll('[data-daakey-qr]')) {
        const r = host.getBoundingClientRect();
        (document.elementFromPoint(r.x + r.width / 2, r.y + r.height / 2) as HTMLElement | null)?.click();
      }
      const forged = [
        { channel: 'daakey-qr/v1', type: 'reply/send', payload: { clientId: 'x', ticketId: 4, message: 'forged', attachments: [] } },
        { channel: 'daakey-qr/v1', type: 'panel/open', payload: { ticketId: 4 } },
        { channel: 'daakey-qr/tab/v1', type: 'tab/open-reply', payload: { ticketId: 4 } },
      ];
      for (let i = 0; i < window.frames.length; i++) {
        for (const message of forged) window.frames[i]!.postMessage(message, '*');
        try {
          window.frames[i]!.focus();
        } catch {
          // Refused.
        }
      }
      for (const message of forged) window.postMessage(message, '*');
      const runtime = (globalThis as { chrome?: { runtime?: { sendMessage?: (...a: unknown[]) => unknown } } }).chrome?.runtime;
      for (const message of forged) {
        try {
          void Promise.resolve(runtime?.sendMessage?.(id, message)).catch(() => undefined);
        } catch {
          // No externally_connectable: pages have no channel to the extension.
        }
      }
      document.dispatchEvent(new KeyboardEvent('keydown', { key: 'Enter', ctrlKey: true, bubbles: true }));
      window.dispatchEvent(new KeyboardEvent('keydown', { key: 'Enter', ctrlKey: true, bubbles: true }));
    }, extensionId);
  }

  /**
   * Waits until the panel's document, as IntersectionObserver v2 sees it, is (or is not) visible, then until the
   * panel's own observer has surely seen it too: that one reports at most every 100 ms (its `delay`), while this
   * fresh observer reports at once, so a change right after its last report reaches it up to 100 ms later.
   */
  async function panelVisibility(frame: Frame, visible: boolean, settleMs = 400): Promise<void> {
    await frame.evaluate(
      (want) =>
        new Promise<void>((resolve) => {
          const io = new IntersectionObserver(
            (entries) => {
              const last = entries[entries.length - 1] as IntersectionObserverEntry & { isVisible?: boolean };
              if (last && (last.isIntersecting && last.isVisible === true) === want) {
                io.disconnect();
                resolve();
              }
            },
            { threshold: [0], trackVisibility: true, delay: 100 } as IntersectionObserverInit,
          );
          io.observe(document.body);
        }),
      visible,
    );
    await frame.page().waitForTimeout(settleMs);
  }

  /** A real click of the agent's mouse at the centre of something in the panel (whatever the page put on top). */
  async function agentClicksAt(page: Page, frame: Frame, role: 'button' | 'textbox', name: string): Promise<void> {
    // Scrolled into the panel's view first, as the agent would: below the fold its box lies outside the frame.
    const target = frame.getByRole(role, { name });
    await target.scrollIntoViewIfNeeded();
    const box = await target.boundingBox();
    if (!box) throw new Error(`${name} has no box`);
    await page.mouse.click(box.x + box.width / 2, box.y + box.height / 2);
  }

  /** Asserts a count stays at zero for a while (the only way to see that something does not appear). */
  async function staysZero(read: () => Promise<number>, ms = 2_500): Promise<void> {
    const until = Date.now() + ms;
    while (Date.now() < until) {
      expect(await read()).toBe(0);
      await new Promise((r) => setTimeout(r, 250));
    }
  }

  it('synthetic clicks, keys and messages on the buttons open nothing and send nothing', async () => {
    const page = await arena([4, 5]);
    await waitForReplyButton(page, 'Reply to ticket #4');
    const hosts = await page.evaluate(() =>
      [...document.querySelectorAll('[data-daakey-qr]')].map((h) => ({ tag: h.tagName, open: h.shadowRoot !== null })),
    );
    expect(hosts.length).toBeGreaterThan(0);
    expect(hosts.every((h) => !h.open)).toBe(true);
    await pageDoesEverything(page, rig.extensionId);
    await staysZero(async () => (await panelFrames(page)).length, 1_500);
    await expectNoWrites();
    await expectNothingLeaked(page);
    await page.close();
  });

  it('a page script that hooks the DOM before ours learns nothing and still cannot click', async () => {
    const page = await rig.context.newPage();
    // As a script in the page's <head> would: patch what our script calls, to catch roots and listeners.
    await page.addInitScript(() => {
      const w = window as unknown as { __roots: ShadowRoot[]; __listeners: string[] };
      w.__roots = [];
      w.__listeners = [];
      const attach = Element.prototype.attachShadow;
      Element.prototype.attachShadow = function (init: ShadowRootInit) {
        const root = attach.call(this, { ...init, mode: 'open' });
        w.__roots.push(root);
        return root;
      };
      const add = EventTarget.prototype.addEventListener;
      EventTarget.prototype.addEventListener = function (
        this: EventTarget,
        type: string,
        listener: EventListenerOrEventListenerObject | null,
        options?: boolean | AddEventListenerOptions,
      ) {
        w.__listeners.push(type);
        return add.call(this, type, listener, options);
      };
    });
    await page.goto(`${rig.sandbox.url}${ARENA}`);
    await plant(page, [6]);
    await waitForReplyButton(page, 'Reply to ticket #6');
    const caught = await page.evaluate(() => {
      const w = window as unknown as { __roots: ShadowRoot[] };
      return { roots: w.__roots.length, open: [...document.querySelectorAll('[data-daakey-qr]')].some((h) => h.shadowRoot) };
    });
    expect(caught).toEqual({ roots: 0, open: false });
    await pageDoesEverything(page, rig.extensionId);
    await staysZero(async () => (await panelFrames(page)).length, 1_000);
    await expectNoWrites();
    await page.close();
  });

  it('with the panel open, the page reads no thread or draft text and cannot send what the agent typed', async () => {
    const page = await arena([6, 7, 9, 11]);
    const frame = await agentOpensPanel(page, 6);
    await expect
      .poll(async () => (await frame.locator('body').textContent()) ?? '', { timeout: 15_000 })
      .toContain(rig.sandbox.state.tickets.get(6)!.subject);
    await page.keyboard.type('Typed by the agent, not to be sent yet');
    await pageDoesEverything(page, rig.extensionId);
    await expectNothingLeaked(page, ['Typed by the agent, not to be sent yet']);
    // The page hides the panel and presses Ctrl+Enter for the agent (and at the panel's window).
    await page.evaluate(() => {
      const style = document.createElement('style');
      style.textContent = 'div[data-daakey-qr]{inline-size:0!important;block-size:0!important;inset:-9999px auto auto -9999px!important}';
      document.head.append(style);
      for (const target of [document, window, ...document.querySelectorAll('[data-daakey-qr]')]) {
        target.dispatchEvent(new KeyboardEvent('keydown', { key: 'Enter', code: 'Enter', ctrlKey: true, bubbles: true, composed: true }));
      }
    });
    await page.waitForTimeout(500);
    await expectNoWrites();
    expect(await frame.getByRole('textbox', { name: 'Message' }).inputValue()).toBe('Typed by the agent, not to be sent yet');
    await page.close();
  });

  itUnless(NEEDS_IO_V2)('a panel hidden by page styles refuses the Ctrl+Enter the agent presses into it', async () => {
    const page = await arena([5]);
    const frame = await agentOpensPanel(page, 5);
    await page.keyboard.type('Focus trick: the agent thinks this goes elsewhere');
    await page.evaluate(() => {
      const style = document.createElement('style');
      // Styles on our host itself change nothing (see below); the root's opacity hides everything, the panel too.
      style.textContent = 'html{opacity:0.01!important}';
      document.head.append(style);
      // The page gives focus back to the panel frame it cannot see into.
      for (let i = 0; i < window.frames.length; i++) window.frames[i]!.focus();
    });
    await panelVisibility(frame, false);
    await page.keyboard.press('Control+Enter');
    await expect
      .poll(async () => (await frame.getByRole('status').first().textContent()) ?? '', { timeout: 10_000 })
      .toMatch(/only while this panel is fully visible/);
    await expectNoWrites();
    await page.close();
  });

  itUnless(NEEDS_IO_V2)(
    "clickjacking: a covered, faded or filtered panel refuses the agent's real click on Send, and Send works once uncovered",
    async () => {
      const page = await arena([12]);
      const frame = await agentOpensPanel(page, 12);
      const text = 'Sent only once the panel is visible again';
      await page.keyboard.type(text);
      const panel = (await frame.locator('body').boundingBox())!;
      const variants: [string, string][] = [
        ['a transparent overlay the click passes through', `left:0;top:0;width:100vw;height:100vh;opacity:0.01;pointer-events:none`],
        ['a small box over one corner', `left:${panel.x}px;top:${panel.y}px;width:40px;height:40px;background:white;pointer-events:none`],
        ['opacity on the page root', 'STYLE:html{opacity:0.02!important}'],
        ['a filter on the page', 'STYLE:html{filter:opacity(0.03)!important}'],
        ['a transform on the page root', 'STYLE:html{transform:skewX(2deg)!important}'],
      ];
      for (const [name, css] of variants) {
        await page.evaluate((css) => {
          const trap = document.createElement(css.startsWith('STYLE:') ? 'style' : 'div');
          trap.className = 'trap';
          if (css.startsWith('STYLE:')) trap.textContent = css.slice(6);
          else {
            trap.style.cssText = `position:fixed;z-index:2147483647;${css}`;
            trap.textContent = 'Win a prize: click the button';
          }
          // Covers go after our panel host at the root (a cover inside <body> paints under it).
          (css.startsWith('STYLE:') ? document.head : document.documentElement).append(trap);
        }, css);
        await panelVisibility(frame, false);
        await agentClicksAt(page, frame, 'button', 'Send reply');
        await expect
          .poll(async () => (await frame.getByRole('status').first().textContent()) ?? '', { timeout: 10_000, message: name })
          .toMatch(/only while this panel is fully visible/);
        await page.waitForTimeout(300);
        expect((await effects()).messagePosts, name).toHaveLength(0);
        await page.evaluate(() => {
          for (const trap of document.querySelectorAll('.trap')) trap.remove();
        });
        await panelVisibility(frame, true);
      }
      // The guard, not a broken form, stopped those: the same click now sends, once.
      await page.waitForTimeout(1_000);
      await agentClicksAt(page, frame, 'button', 'Send reply');
      await expect.poll(async () => (await storedMessages(rig, 12)).filter((m) => m.message === text).length, { timeout: 15_000 }).toBe(1);
      expect((await effects()).messagePosts).toHaveLength(1);
      await page.close();
    },
  );

  async function setUndoWindow(label: string): Promise<void> {
    const options = await rig.openPage('options.html');
    await options.getByRole('combobox', { name: 'Undo window' }).selectOption({ label });
    await options.getByText('Undo window saved.').waitFor();
    await options.close();
  }

  /** The agent sends from the popup; the reply waits in its undo window. */
  async function queueFromPopup(ticketId: number, text: string): Promise<Page> {
    const popup = await openPopupFor(rig, ticketId);
    const box = popup.getByRole('textbox', { name: 'Message' });
    await box.fill(text);
    await box.press('Control+Enter');
    await waitForStatus(popup, /^Queued: it goes out in/);
    return popup;
  }

  /** Whether the outbox still holds a reply with this text (queued or sent; a discarded one is gone). */
  async function inOutbox(text: string): Promise<boolean> {
    const all = await (await rig.worker()).evaluate(() => chrome.storage.local.get(null));
    return Object.entries(all as Record<string, unknown>).some(
      ([key, value]) => key.startsWith('outbox:r:') && JSON.stringify(value).includes(text),
    );
  }

  async function sentExactlyOnce(ticketId: number, text: string): Promise<void> {
    await expect
      .poll(async () => (await storedMessages(rig, ticketId)).filter((m) => m.message === text).length, { timeout: 25_000 })
      .toBe(1);
    const posts = (await effects()).messagePosts.filter((r) => r.path === `/api/v1/client/tickets/${ticketId}/messages`);
    expect(posts).toHaveLength(1);
  }

  it('a reply queued from the popup goes out exactly once whatever the page clicks meanwhile', async () => {
    await setUndoWindow('5 seconds');
    try {
      const page = await arena([1]);
      await waitForReplyButton(page, 'Reply to ticket #1');
      const text = 'Queued from the popup while the page clicks around';
      const popup = await queueFromPopup(1, text);
      expect(await inOutbox(text)).toBe(true);
      await pageDoesEverything(page, rig.extensionId);
      await staysZero(async () => (await panelFrames(page)).length, 1_000);
      await sentExactlyOnce(1, text);
      await waitForStatus(popup, /^Sent/, 10_000);
      await popup.close();
      await page.close();
    } finally {
      await setUndoWindow('Off: send at once');
    }
  });

  // Was a hole: Undo was not behind the visibility guard. Now discard and retry are guarded like Send.
  itUnless(NEEDS_IO_V2)("a covered panel does not let the agent's click on Undo take a queued reply back", async () => {
    await setUndoWindow('20 seconds');
    try {
      const page = await arena([10]);
      const text = 'Queued, then clickjacked to Undo';
      const popup = await queueFromPopup(10, text);
      const frame = await agentOpensPanel(page, 10);
      await frame.getByRole('button', { name: 'Undo send' }).waitFor({ timeout: 10_000 });
      await page.evaluate(() => {
        const cover = document.createElement('div');
        cover.style.cssText = 'position:fixed;inset:0;z-index:2147483647;opacity:0.01;pointer-events:none;background:white';
        document.documentElement.append(cover);
      });
      await panelVisibility(frame, false);
      await agentClicksAt(page, frame, 'button', 'Undo send');
      await page.waitForTimeout(1_000);
      expect(await inOutbox(text)).toBe(true);
      await sentExactlyOnce(10, text);
      await popup.close();
      await page.close();
    } finally {
      await setUndoWindow('Off: send at once');
    }
  });

  // Was a hole: the form discarded the queued reply before the guarded send refused. Now a refused discard stops it.
  itUnless(NEEDS_IO_V2)("a covered panel does not lose a queued reply when the agent's click lands on Send", async () => {
    await setUndoWindow('20 seconds');
    try {
      const page = await arena([8]);
      const text = 'Queued, then lost to a covered Send';
      const popup = await queueFromPopup(8, text);
      await popup.close();
      const frame = await agentOpensPanel(page, 8);
      await frame.getByRole('button', { name: 'Undo send' }).waitFor({ timeout: 10_000 });
      await frame.getByRole('textbox', { name: 'Message' }).focus();
      await page.keyboard.press('End');
      await page.keyboard.type(' (edited)');
      await page.evaluate(() => {
        const cover = document.createElement('div');
        cover.style.cssText = 'position:fixed;inset:0;z-index:2147483647;opacity:0.01;pointer-events:none;background:white';
        document.documentElement.append(cover);
      });
      await panelVisibility(frame, false);
      await agentClicksAt(page, frame, 'button', 'Send reply');
      await page.waitForTimeout(1_000);
      expect(await inOutbox(text)).toBe(true);
      await sentExactlyOnce(8, text);
      await page.close();
    } finally {
      await setUndoWindow('Off: send at once');
    }
  });

  // Was a hole: IntersectionObserver v2 ignores clip-path, so a clip leaving only Send showing let the page disguise
  // Send as its own button. Now our host's styles are `!important` in its closed shadow root (they beat any page
  // style, inline ones too), and a clip or mask on the root closes the panel.
  it('page styles cannot clip, hide, fade or move our panel host; a clip on the root closes the panel', async () => {
    const page = await arena([4]);
    const frame = await agentOpensPanel(page, 4);
    await page.keyboard.type('Clickjack probe: clip-path');
    const panel = (await frame.locator('body').boundingBox())!;
    const corner = { x: panel.x + 10, y: panel.y + 10 };
    const hitsOurHost = () => page.evaluate(({ x, y }) => document.elementFromPoint(x, y)?.hasAttribute('data-daakey-qr') ?? false, corner);
    expect(await hitsOurHost()).toBe(true);
    for (const css of [
      'clip-path:inset(50% 50% 50% 50%)',
      'mask:linear-gradient(transparent,transparent)',
      'opacity:0',
      'visibility:hidden',
      'display:none',
      'inline-size:0;block-size:0',
      'transform:translateX(-9999px)',
      'z-index:-1',
    ]) {
      await page.evaluate((css) => {
        const style = document.createElement('style');
        style.className = 'host-style';
        style.textContent = `div[data-daakey-qr]{${css.replaceAll(';', '!important;')}!important}`;
        document.head.append(style);
        for (const host of document.querySelectorAll<HTMLElement>('div[data-daakey-qr]')) host.setAttribute('style', css);
      }, css);
      expect(await hitsOurHost(), css).toBe(true);
      await page.evaluate(() => {
        for (const style of document.querySelectorAll('.host-style')) style.remove();
        for (const host of document.querySelectorAll<HTMLElement>('div[data-daakey-qr]')) host.removeAttribute('style');
      });
    }
    // A clip on the root leaves the browser's visibility check blind: the panel closes instead.
    await page.evaluate(() => {
      const style = document.createElement('style');
      style.textContent = 'html{clip-path:inset(0 0 0 0 round 1px)!important}';
      document.head.append(style);
    });
    await expect.poll(() => panelOpen(page), { timeout: 10_000 }).toBe(false);
    await expectNoWrites();
    await page.close();
  });

  // Was a hole: a click counted as soon as the panel showed again. Now the panel must have been seen for 500 ms.
  itUnless(NEEDS_IO_V2)('double-click jacking: a decoy that vanishes on the first click does not give the second to Send', async () => {
    const page = await arena([5]);
    const frame = await agentOpensPanel(page, 5);
    await page.keyboard.type('Double-click jacking probe');
    const send = (await frame.getByRole('button', { name: 'Send reply' }).boundingBox())!;
    await page.evaluate(() => {
      const decoy = document.createElement('div');
      decoy.style.cssText = 'position:fixed;inset:0;z-index:2147483647;background:gold;font:40px sans-serif';
      decoy.textContent = 'Double-click anywhere to continue';
      decoy.addEventListener('pointerdown', () => decoy.remove());
      document.documentElement.append(decoy);
    });
    await panelVisibility(frame, false);
    const at = { x: send.x + send.width / 2, y: send.y + send.height / 2 };
    await page.mouse.click(at.x, at.y);
    // The second click of a double-click: as soon as the panel shows again (plus a human 150 ms), not after a set time.
    await panelVisibility(frame, true, 150);
    await page.mouse.click(at.x, at.y);
    await page.waitForTimeout(2_000);
    await expectNoWrites();
    await page.close();
  });

  it('the page cannot read or change a draft the agent keeps for that ticket', async () => {
    const draft = `PRIVATE-DRAFT-${Math.random().toString(36).slice(2, 10)} for the customer`;
    const popup = await openPopupFor(rig, 10);
    await popup.getByRole('textbox', { name: 'Message' }).fill(draft);
    const storedDrafts = async () => JSON.stringify(await (await rig.worker()).evaluate(() => chrome.storage.local.get('drafts')));
    await expect.poll(storedDrafts, { timeout: 10_000 }).toContain(draft);
    await popup.close();
    const page = await arena([10]);
    const frame = await agentOpensPanel(page, 10);
    await expect.poll(() => frame.getByRole('textbox', { name: 'Message' }).inputValue(), { timeout: 10_000 }).toBe(draft);
    await pageDoesEverything(page, rig.extensionId);
    await expectNothingLeaked(page, [draft]);
    expect(await storedDrafts()).toContain(draft);
    expect(await frame.getByRole('textbox', { name: 'Message' }).inputValue()).toBe(draft);
    await expectNoWrites();
    await page.close();
  });

  itUnless(NEEDS_IO_V2)('closed ticket: the page cannot create a ticket or upload a file, and a covered Create posts nothing', async () => {
    const page = await arena([9]);
    const frame = await agentOpensPanel(page, 9);
    await page.keyboard.type('Carried over to a new ticket');
    await frame.getByRole('button', { name: 'Create follow-up ticket' }).waitFor({ timeout: 10_000 });
    const reached = await page.evaluate(() => {
      const inputs = document.querySelectorAll('input[type=file]');
      for (const input of inputs) {
        const data = new DataTransfer();
        data.items.add(new File(['x'], 'evil.png', { type: 'image/png' }));
        (input as HTMLInputElement).files = data.files;
        input.dispatchEvent(new Event('change', { bubbles: true }));
      }
      return inputs.length;
    });
    expect(reached).toBe(0);
    await pageDoesEverything(page, rig.extensionId);
    await page.evaluate(() => {
      const cover = document.createElement('div');
      cover.style.cssText = 'position:fixed;inset:0;z-index:2147483647;opacity:0.01;pointer-events:none';
      document.documentElement.append(cover);
    });
    await panelVisibility(frame, false);
    await agentClicksAt(page, frame, 'button', 'Create follow-up ticket');
    await expect
      .poll(async () => (await frame.locator('body').textContent()) ?? '', { timeout: 10_000 })
      .toMatch(/only while this panel is fully visible/);
    await expectNoWrites();
    expect(rig.sandbox.state.tickets.size).toBe(12);
    await page.close();
  });

  it('attributes on <html> and a forged WXT "content script started" event leave the buttons working', async () => {
    const page = await arena([2, 3]);
    await waitForReplyButton(page, 'Reply to ticket #3');
    await page.evaluate((extensionId) => {
      const root = document.documentElement;
      root.setAttribute('data-daakey-qr-instance', 'page');
      root.setAttribute('data-daakey-qr', 'page');
      document.body.setAttribute('data-daakey-qr', 'page');
      const name = `${extensionId}:dashboard:wxt:content-script-started`;
      document.dispatchEvent(new CustomEvent(name, { detail: { contentScriptName: 'dashboard', messageId: 'x' } }));
      window.postMessage({ type: name, contentScriptName: 'dashboard', messageId: 'x' }, '*');
    }, rig.extensionId);
    await page.waitForTimeout(1_000);
    expect(await replyButtonCount(page, 'Reply to ticket #2')).toBe(1);
    expect(await replyButtonCount(page, 'Reply to ticket #3')).toBe(1);
    // Still watching the page: a row added now gets its button, and the agent's click still opens the panel.
    await plant(page, [11]);
    await waitForReplyButton(page, 'Reply to ticket #11');
    const frame = await agentOpensPanel(page, 11);
    expect(new URL(frame.url()).searchParams.get('ticket')).toBe('11');
    await expectNoWrites();
    await page.close();
  });

  // Was a hole: the scan took any element under a node carrying our id as ours. Now only our own script knows its nodes.
  it('our own instance id copied onto <html> does not stop buttons for rows added later', async () => {
    const page = await arena([2]);
    await waitForReplyButton(page, 'Reply to ticket #2');
    await page.evaluate(() => {
      const id = document.querySelector('[data-daakey-qr]')!.getAttribute('data-daakey-qr')!;
      document.documentElement.setAttribute('data-daakey-qr', id);
    });
    await plant(page, [11]);
    await waitForReplyButton(page, 'Reply to ticket #11', 5_000);
    await page.close();
  });

  it('500 planted unknown references cause at most 6 ticket-list reads and no button', async () => {
    const page = await arena();
    const plantRefs = (from: number) =>
      page.evaluate((start) => {
        const list = document.createElement('ul');
        for (let i = start; i < start + 500; i++) {
          const item = document.createElement('li');
          item.textContent = `TK-2031-${String(i).padStart(5, '0')}`;
          list.append(item);
        }
        document.querySelector('main')!.append(list);
      }, from);
    const settled = async () => {
      let last = -1;
      let stableSince = Date.now();
      const deadline = Date.now() + 20_000;
      while (Date.now() < deadline) {
        const n = (await effects()).listReads.length;
        if (n !== last) {
          last = n;
          stableSince = Date.now();
        } else if (Date.now() - stableSince > 2_000) break;
        await new Promise((r) => setTimeout(r, 200));
      }
      return last;
    };
    await plantRefs(1);
    expect(await settled()).toBeLessThanOrEqual(6);
    await plantRefs(501);
    expect(await settled()).toBeLessThanOrEqual(6);
    expect(await replyButtonCount(page)).toBe(0);
    await expectNoWrites();
    await page.close();
  });

  it('a page embedding panel.html itself, or the real panel URL again, gets no working panel', async () => {
    const page = await arena([4]);
    const real = await agentOpensPanel(page, 4);
    const realUrl = real.url();
    const ticketReads = async () =>
      (await control<{ requests: { method: string; path: string }[] }>(rig, 'GET', '/requests')).requests
        .filter((r) => r.method === 'GET' && /\/tickets\/\d+$/.test(r.path))
        .map((r) => r.path);
    // The agent's click read its ticket once (what the copies below must not get, nor cause).
    expect(await ticketReads()).toContain('/api/v1/client/tickets/4');
    await control(rig, 'DELETE', '/requests');
    // The static URL, and the real panel's URL as if the page had learnt it: the same (claimed) pass, that pass on
    // another ticket, and a random pass.
    const copies = [`${EXTENSION_SCHEME}://${rig.extensionId}/panel.html?ticket=4&pass=${'ab'.repeat(16)}`, realUrl];
    const other = new URL(realUrl);
    other.searchParams.set('ticket', '5');
    const random = new URL(realUrl);
    random.searchParams.set('pass', 'cd'.repeat(16));
    copies.push(other.href, random.href);
    const loaded = await page.evaluate(
      (urls) =>
        Promise.all(
          urls.map(
            (src) =>
              new Promise<string>((resolve) => {
                const frame = document.createElement('iframe');
                frame.className = 'own-copy';
                frame.addEventListener('load', () => resolve('load'), { once: true });
                frame.addEventListener('error', () => resolve('error'), { once: true });
                setTimeout(() => resolve('timeout'), 10_000);
                frame.src = src;
                document.body.append(frame);
              }),
          ),
        ),
      copies,
    );
    expect(loaded).toHaveLength(copies.length);
    // Give a copy that did load the time to claim and render, then look into every frame but the real panel.
    await page.waitForTimeout(1_500);
    const others = page.frames().filter((f) => f !== page.mainFrame() && f !== real);
    expect(others.length).toBeGreaterThanOrEqual(copies.length);
    for (const f of others) {
      expect(
        await f
          .locator('textarea, form')
          .count()
          .catch(() => 0),
        f.url(),
      ).toBe(0);
    }
    // Nor did any copy make the background read a ticket for it (the read a click starts goes to its claim only).
    expect(await ticketReads()).toEqual([]);
    await pageDoesEverything(page, rig.extensionId);
    await expectNoWrites();
    await page.close();
  });

  it('removing and re-adding our panel host, or navigating frames, leaves no working panel and posts nothing', async () => {
    const page = await arena([7]);
    const frame = await agentOpensPanel(page, 7);
    await page.keyboard.type('Typed before the page moved the panel');
    const frames = await page.evaluate(() => window.frames.length);
    // Frames in shadow trees are not in window.frames: the page has no handle to navigate or message the panel.
    expect(frames).toBe(0);
    await page.evaluate(() => {
      const host = [...document.querySelectorAll('div[data-daakey-qr]')].pop()!;
      host.remove();
      document.body.append(host);
    });
    // The iframe reloaded with a pass already claimed: it now only says it expired.
    await expect
      .poll(
        async () => {
          const panels = await panelFrames(page);
          let forms = 0;
          for (const f of panels)
            forms += await f
              .locator('textarea')
              .count()
              .catch(() => 0);
          return forms;
        },
        { timeout: 15_000 },
      )
      .toBe(0);
    expect(
      frame.isDetached() ||
        (await frame
          .locator('textarea')
          .count()
          .catch(() => 0)) === 0,
    ).toBe(true);
    await pageDoesEverything(page, rig.extensionId);
    await expectNoWrites();
    await page.close();
  });

  describe('a page on another loopback port', () => {
    let server: Server;
    let url = '';
    beforeAll(async () => {
      server = createServer((_req, res) => {
        const rows = [1, 2, 3, 4, 5]
          .map(
            (id) =>
              `<tr data-ticket-id="${id}"><td><a href="/dashboard/tickets/${id}">TK-2026-${String(id).padStart(5, '0')}</a></td><td>Row ${id}</td></tr>`,
          )
          .join('');
        res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8' });
        res.end(
          `<!doctype html><html><head><title>Other port</title></head><body><main><h1>Ticket #4</h1><table><tbody>${rows}</tbody></table></main></body></html>`,
        );
      });
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/dashboard/tickets/4`;
    });
    afterAll(async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    });

    it('gets no buttons and causes no API request', async () => {
      const page = await rig.context.newPage();
      await page.goto(url);
      await staysZero(() => replyButtonCount(page), 3_000);
      await page.evaluate(
        (src) => {
          const frame = document.createElement('iframe');
          frame.src = src;
          document.body.append(frame);
        },
        `${EXTENSION_SCHEME}://${rig.extensionId}/panel.html?ticket=4&pass=${'ef'.repeat(16)}`,
      );
      await pageDoesEverything(page, rig.extensionId);
      await page.waitForTimeout(500);
      expect(await replyButtonCount(page)).toBe(0);
      for (const f of await panelFrames(page)) {
        expect(
          await f
            .locator('textarea')
            .count()
            .catch(() => 0),
        ).toBe(0);
      }
      const e = await effects();
      expect(e.all.filter((r) => r.path.startsWith('/api/v1/client/tickets')).map((r) => `${r.method} ${r.path}`)).toEqual([]);
      await expectNoWrites();
      await expectNothingLeaked(page);
      await page.close();
    });
  });
});
