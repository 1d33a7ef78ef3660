/**
 * Driving the inline Reply buttons and panel as an agent does. The buttons live in closed shadow roots, out of
 * reach of page scripts (and so of Playwright's selectors, which run as page scripts): they are found the way a
 * screen reader finds them, in the browser's accessibility tree, and clicked with real (trusted) input events.
 * The panel is an extension page in an iframe; its frame is driven like any page.
 */
import type { CDPSession, Frame, Page } from 'playwright-core';

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
    const frame = page.frames().find((f) => f.url().includes('/panel.html'));
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

export function panelOpen(page: Page): boolean {
  return page.frames().some((f) => f.url().includes('/panel.html'));
}

/** Which element has focus in the top page, named as the accessibility tree names it (through closed roots too). */
export async function focusedName(page: Page): Promise<string | null> {
  const session = await cdp(page);
  const { nodes } = (await session.send('Accessibility.getFullAXTree', { depth: 1000 })) as {
    nodes: (AXNode & { properties?: { name: string; value: { value: unknown } }[] })[];
  };
  const focused = nodes.find(
    (n) => n.role?.value !== 'RootWebArea' && n.properties?.some((p) => p.name === 'focused' && p.value.value === true),
  );
  return focused?.name?.value ?? null;
}
