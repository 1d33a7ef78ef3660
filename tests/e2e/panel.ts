/**
 * Driving the inline Reply buttons and panel as an agent does. The buttons live in closed shadow roots, out of
 * reach of page scripts (and so of Playwright's selectors, which run as page scripts): they are found the way a
 * screen reader finds them, in the browser's accessibility tree, and clicked with real (trusted) input events.
 * The panel is an extension page in an iframe; its frame is driven like any page.
 */
import type { CDPSession } from 'playwright-core';
import { BROWSER, type Frame, type Page } from './driver';
import type { FxPage } from './firefox-driver';

interface AXNode {
  backendDOMNodeId?: number;
  name?: { value?: string };
  role?: { value?: string };
  ignored?: boolean;
}

const sessions = new WeakMap<Page, Promise<CDPSession>>();
function cdp(page: Page): Promise<CDPSession> {
  let session = sessions.get(page);
  if (!session) {
    session = page.context().newCDPSession(page);
    sessions.set(page, session);
  }
  return session;
}

async function rootNode(session: CDPSession): Promise<number> {
  const { root } = (await session.send('DOM.getDocument', { depth: 0 })) as { root: { backendNodeId: number } };
  return root.backendNodeId;
}

/** Buttons of the page's top frame with this accessible name (a RegExp matches any name it fits). */
async function buttonsNamed(page: Page, name: string | RegExp): Promise<AXNode[]> {
  if (BROWSER === 'firefox')
    return (await firefoxButtons(page))
      .filter((b) => (typeof name === 'string' ? b.name === name : name.test(b.name)))
      .map((b) => ({ name: { value: b.name }, role: { value: 'button' }, backendDOMNodeId: b.index }));
  const session = await cdp(page);
  await session.send('Accessibility.enable').catch(() => undefined);
  const backendNodeId = await rootNode(session);
  const { nodes } = (await session.send('Accessibility.queryAXTree', {
    backendNodeId,
    role: 'button',
    ...(typeof name === 'string' ? { accessibleName: name } : {}),
  })) as { nodes: AXNode[] };
  return nodes.filter((n) => !n.ignored && (typeof name === 'string' || name.test(n.name?.value ?? '')));
}

/** The accessible names of every inline Reply button on the page, in document order. */
export async function replyButtonNames(page: Page): Promise<string[]> {
  return (await buttonsNamed(page, /^Reply to ticket #\d+$/)).map((n) => n.name?.value ?? '');
}

export async function replyButtonCount(page: Page, name: string | RegExp = /^Reply to ticket #\d+$/): Promise<number> {
  return (await buttonsNamed(page, name)).length;
}

/** Waits for a Reply button with this name (usable in hooks too, where `expect.poll` is not). */
export async function waitForReplyButton(page: Page, name: string | RegExp, timeout = 10_000): Promise<void> {
  const until = Date.now() + timeout;
  while ((await replyButtonCount(page, name)) === 0) {
    if (Date.now() > until) throw new Error(`No button named ${String(name)} after ${timeout} ms`);
    await page.waitForTimeout(100);
  }
}

/** Clicks the first button with this name with a real mouse click at its centre (an event the page cannot make). */
export async function clickReplyButton(page: Page, name: string, { nth = 0 } = {}): Promise<void> {
  await waitForReplyButton(page, name);
  if (BROWSER === 'firefox') {
    const node = (await buttonsNamed(page, name))[nth];
    if (node?.backendDOMNodeId === undefined) throw new Error(`No button named ${name}`);
    const { x, y } = (await firefoxOnButton(page, node.backendDOMNodeId, 'centre')) as { x: number; y: number };
    await page.mouse.click(x, y);
    return;
  }
  const session = await cdp(page);
  const node = (await buttonsNamed(page, name))[nth];
  if (!node?.backendDOMNodeId) throw new Error(`No button named ${name}`);
  await session.send('DOM.scrollIntoViewIfNeeded', { backendNodeId: node.backendDOMNodeId });
  const { model } = (await session.send('DOM.getBoxModel', { backendNodeId: node.backendDOMNodeId })) as {
    model: { content: number[] };
  };
  const [x1, y1, , , x3, y3] = model.content as [number, number, number, number, number, number];
  await page.mouse.click((x1 + x3) / 2, (y1 + y3) / 2);
}

/** Focuses the first button with this name, as Tab would reach it, for keyboard tests. */
export async function focusReplyButton(page: Page, name: string): Promise<void> {
  await waitForReplyButton(page, name);
  if (BROWSER === 'firefox') {
    const node = (await buttonsNamed(page, name))[0];
    await firefoxOnButton(page, node!.backendDOMNodeId!, 'focus');
    return;
  }
  const session = await cdp(page);
  const node = (await buttonsNamed(page, name))[0];
  await session.send('DOM.focus', { backendNodeId: node?.backendDOMNodeId });
}

/**
 * The open panel's frame (the extension page `panel.html`), once it shows its Message box or a notice and (unless
 * `settled: false`) has been seen long enough for Send to count, as an agent's click would be.
 */
export async function panelFrame(page: Page, { timeout = 15_000, settled = true } = {}): Promise<Frame> {
  const until = Date.now() + timeout;
  for (;;) {
    const frame = (await panelFrames(page))[0];
    if (
      frame &&
      (await frame
        .locator('textarea, [role="alert"]')
        .count()
        .catch(() => 0)) > 0 &&
      (!settled ||
        (await frame
          .locator('html[data-visible="settled"]')
          .count()
          .catch(() => 0)) > 0)
    )
      return frame;
    if (Date.now() > until) throw new Error(`No panel frame with a form after ${timeout} ms`);
    await page.waitForTimeout(50);
  }
}

/** The frames showing the extension's panel page (in Firefox each frame is asked, BiDi shows them as about:blank). */
export async function panelFrames(page: Page): Promise<Frame[]> {
  const frames = BROWSER === 'firefox' ? ((await (page as unknown as FxPage).refreshFrames()) as unknown as Frame[]) : page.frames();
  return frames.filter((f) => f.url().includes('/panel.html'));
}

export async function panelOpen(page: Page): Promise<boolean> {
  return (await panelFrames(page)).length > 0;
}

/** Which element has focus in the top page, named as the accessibility tree names it (through closed roots too). */
export async function focusedName(page: Page): Promise<string | null> {
  if (BROWSER === 'firefox') {
    const roots = await firefoxShadowRoots(page);
    return (await bidiCall(
      page,
      `(...roots) => { const hostOf = (r) => r.host; const active = document.activeElement;
        const root = roots.find((r) => hostOf(r) === active);
        const el = root ? root.activeElement : active;
        return el && el !== document.body ? (el.getAttribute('aria-label') || el.textContent.trim()) : null; }`,
      roots,
    )) as string | null;
  }
  const session = await cdp(page);
  const { nodes } = (await session.send('Accessibility.getFullAXTree', { depth: 1000 })) as {
    nodes: (AXNode & { properties?: { name: string; value: { value: unknown } }[] })[];
  };
  const focused = nodes.find(
    (n) => n.role?.value !== 'RootWebArea' && n.properties?.some((p) => p.name === 'focused' && p.value.value === true),
  );
  return focused?.name?.value ?? null;
}

// ---- Firefox: the closed shadow roots through WebDriver BiDi ----
// BiDi, unlike a page script, may see closed shadow roots (serialisation with includeShadowTree "all"): the
// test finds the buttons there, reads their names and clicks them with the real mouse at their centre.

interface Bidi {
  send(method: string, params: unknown): Promise<{ result: any }>;
}

function bidiOf(page: Page): { connection: Bidi; context: string } {
  const fx = page as unknown as FxPage;
  const connection = (fx.context.browser as unknown as { connection: Bidi }).connection;
  return { connection, context: (fx.ppage.mainFrame() as unknown as { _id: string })._id };
}

type SharedRef = { sharedId: string };

/** Every closed shadow root our content script made on the page (their hosts carry `data-daakey-qr`). */
async function firefoxShadowRoots(page: Page): Promise<SharedRef[]> {
  const { connection, context } = bidiOf(page);
  const answer = await connection.send('browsingContext.locateNodes', {
    context,
    locator: { type: 'css', value: '[data-daakey-qr]' },
    serializationOptions: { includeShadowTree: 'all', maxDomDepth: 0 },
  });
  return (answer.result.nodes as { value?: { shadowRoot?: { sharedId: string } } }[])
    .map((n) => n.value?.shadowRoot?.sharedId)
    .filter((id): id is string => !!id)
    .map((sharedId) => ({ sharedId }));
}

async function bidiCall(page: Page, functionDeclaration: string, args: unknown[]): Promise<unknown> {
  const { connection, context } = bidiOf(page);
  const answer = await connection.send('script.callFunction', {
    functionDeclaration,
    arguments: args,
    target: { context },
    awaitPromise: true,
  });
  if (answer.result.type === 'exception') throw new Error(`BiDi call failed: ${JSON.stringify(answer.result.exceptionDetails)}`);
  const value = answer.result.result;
  return value?.type === 'null' || value?.type === 'undefined'
    ? null
    : value?.type === 'object' || value?.type === 'array'
      ? JSON.parse(JSON.stringify(value))
      : value?.value;
}

/** The Reply buttons in document order (index into the page's list of shadow roots), as an agent's browser shows them. */
async function firefoxButtons(page: Page): Promise<{ name: string; index: number }[]> {
  const roots = await firefoxShadowRoots(page);
  if (roots.length === 0) return [];
  const json = (await bidiCall(
    page,
    `(...roots) => JSON.stringify(roots.map((root, index) => {
      const b = root.querySelector('button');
      if (!b || !b.isConnected || b.getAttribute('aria-hidden') === 'true') return null;
      for (let e = root.host; e; e = e.parentElement || (e.getRootNode() && e.getRootNode().host) || null)
        if (e.getAttribute && e.getAttribute('aria-hidden') === 'true') return null;
      if (!b.checkVisibility({ visibilityProperty: true })) return null;
      return { name: b.getAttribute('aria-label') || b.textContent.trim(), index };
    }).filter(Boolean))`,
    roots,
  )) as string;
  return JSON.parse(json) as { name: string; index: number }[];
}

/** Scrolls to the button of that shadow root and returns its centre, or focuses it. */
async function firefoxOnButton(page: Page, index: number, what: 'centre' | 'focus'): Promise<unknown> {
  const roots = await firefoxShadowRoots(page);
  const root = roots[index];
  if (!root) throw new Error('The button went away');
  const json = (await bidiCall(
    page,
    `(root) => { const b = root.querySelector('button');
      if (${JSON.stringify(what)} === 'focus') { b.focus(); return '{}'; }
      b.scrollIntoView({ block: 'center', inline: 'center' });
      const r = b.getBoundingClientRect();
      return JSON.stringify({ x: r.left + r.width / 2, y: r.top + r.height / 2 }); }`,
    [root],
  )) as string;
  return JSON.parse(json);
}
