/**
 * The Firefox half of the e2e driver: Firefox ESR over WebDriver BiDi (puppeteer-core), presented with the small
 * part of Playwright's Page / Frame / Locator / Worker API the tests use, so a test reads the same in both
 * browsers. Locators are lazy and strict as Playwright's are, wait for their element, and click with trusted
 * input (the mouse at the element's centre).
 */
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Browser, ElementHandle, Frame as PFrame, JSHandle, KeyInput, Page as PPage } from 'puppeteer-core';
import { ENGINE, toMatcher, type Step } from './firefox-engine';
import { askAgainOnLostAnswer, gotoExtensionPage } from './bidi';
import { pollUntil, sleep } from './poll';

const DEFAULT_TIMEOUT = 30_000;

type Fn = ((...args: never[]) => unknown) | string;

/** Runs a page function with `chrome` standing for the extension API where there is one (Firefox MV2 has no promise-based `chrome`). */
function withChrome(fn: Fn): string {
  if (typeof fn === 'string') return fn;
  return `(arg) => {
    const api = globalThis.browser;
    const chrome = api && api.runtime && api.runtime.id ? new Proxy(api, { get: (t, k) => (k === 'action' ? t.action || t.browserAction : t[k]) }) : globalThis.chrome;
    return (${fn.toString()})(arg);
  }`;
}

async function evaluateIn(frame: PFrame, fn: Fn, arg?: unknown): Promise<any> {
  if (typeof fn === 'string') return frame.evaluate(fn);
  // The argument travels as JSON inside the source, which keeps nesting exact.
  return frame.evaluate(`(${withChrome(fn)})(${arg === undefined ? 'undefined' : JSON.stringify(arg)})`);
}

export class FxLocator {
  constructor(
    readonly owner: FxFrame,
    readonly steps: Step[],
  ) {}

  private with(step: Step): FxLocator {
    return new FxLocator(this.owner, [...this.steps, step]);
  }
  locator(selector: string): FxLocator {
    if (selector.startsWith('xpath=')) return this.with({ kind: 'xpath', expression: selector.slice(6) });
    return this.with({ kind: 'css', selector: selector.replace(/^css=/, '') });
  }
  getByRole(
    role: string,
    options: { name?: string | RegExp; exact?: boolean; checked?: boolean; includeHidden?: boolean } = {},
  ): FxLocator {
    return this.with({
      kind: 'role',
      role,
      ...(options.name !== undefined ? { name: toMatcher(options.name, options.exact) } : {}),
      ...(options.checked !== undefined ? { checked: options.checked } : {}),
      ...(options.includeHidden ? { includeHidden: true } : {}),
    });
  }
  getByText(text: string | RegExp, options: { exact?: boolean } = {}): FxLocator {
    return this.with({ kind: 'text', text: toMatcher(text, options.exact) });
  }
  getByLabel(text: string | RegExp, options: { exact?: boolean } = {}): FxLocator {
    return this.with({ kind: 'label', text: toMatcher(text, options.exact) });
  }
  first(): FxLocator {
    return this.with({ kind: 'nth', index: 0 });
  }
  last(): FxLocator {
    return this.with({ kind: 'nth', index: -1 });
  }
  nth(index: number): FxLocator {
    return this.with({ kind: 'nth', index });
  }

  private get expression(): string {
    return `(${ENGINE})(${JSON.stringify(this.steps)})`;
  }
  private describe(): string {
    return JSON.stringify(this.steps);
  }

  async handles(): Promise<ElementHandle<Element>[]> {
    const array: JSHandle = await this.owner.frame.evaluateHandle(this.expression);
    const properties = await array.getProperties();
    await array.dispose();
    const out: ElementHandle<Element>[] = [];
    for (const [key, value] of properties) {
      if (/^\d+$/.test(key) && value.asElement()) out.push(value.asElement() as ElementHandle<Element>);
      else await value.dispose();
    }
    return out;
  }

  /** Evaluates `body(elements)` in the page: one round trip, no handles. */
  private async inPage<T>(body: string): Promise<T> {
    return askAgainOnLostAnswer(async () => (await this.owner.frame.evaluate(`((elements) => { ${body} })(${this.expression})`)) as T, 3);
  }

  async count(): Promise<number> {
    return this.inPage<number>('return elements.length;');
  }

  /** Exactly one element (Playwright's strictness), waiting for it; `state` as in `waitFor`. */
  async one(options: { timeout?: number; state?: 'attached' | 'visible' | 'enabled' } = {}): Promise<ElementHandle<Element>> {
    const timeout = options.timeout ?? DEFAULT_TIMEOUT;
    const check = options.state === 'visible' || options.state === 'enabled' ? VISIBLE : 'return true;';
    return pollUntil(
      async () => {
        const state = await this.inPage<{ n: number; ok: boolean; enabled: boolean }>(
          `const el = elements[0]; return { n: elements.length, ok: !!el && ((el) => { ${check} })(el), enabled: !!el && ((el) => { ${ENABLED} })(el) };`,
        ).catch(() => ({ n: 0, ok: false, enabled: false }));
        if (state.n > 1) throw new Error(`strict mode violation: ${this.describe()} resolved to ${state.n} elements`);
        if (state.n !== 1 || !state.ok || (options.state === 'enabled' && !state.enabled)) return undefined;
        const [handle] = await this.handles();
        return handle;
      },
      timeout,
      () => new Error(`Timeout ${timeout} ms waiting for ${this.describe()} to be ${options.state ?? 'attached'}`),
    );
  }

  async waitFor(options: { state?: 'attached' | 'visible' | 'hidden' | 'detached'; timeout?: number } = {}): Promise<void> {
    const state = options.state ?? 'visible';
    const timeout = options.timeout ?? DEFAULT_TIMEOUT;
    const body =
      state === 'attached'
        ? 'return elements.length > 0;'
        : state === 'detached'
          ? 'return elements.length === 0;'
          : state === 'visible'
            ? `return elements.some((el) => { ${VISIBLE} });`
            : `return !elements.some((el) => { ${VISIBLE} });`;
    await pollUntil(
      async () => (await this.inPage<boolean>(body).catch(() => false)) || undefined,
      timeout,
      () => new Error(`Timeout ${timeout} ms waiting for ${this.describe()} to be ${state}`),
    );
  }

  async isVisible(): Promise<boolean> {
    return this.inPage<boolean>(`const el = elements[0]; return !!el && ((el) => { ${VISIBLE} })(el);`);
  }
  /**
   * Reads the first match in one round trip; a match re-rendered away after `one()` found it (a button whose name
   * changes) is waited for again, as Playwright's auto-waiting does, instead of failing on a missing element.
   */
  private async read<T>(body: string): Promise<T> {
    const read = await pollUntil(
      async () => {
        await this.one();
        const r = await this.inPage<{ missing: true } | { value: T }>(
          `const el = elements[0]; if (!el) return { missing: true }; return { value: ((el) => { ${body} })(el) };`,
        );
        return 'missing' in r ? undefined : r;
      },
      DEFAULT_TIMEOUT,
      () => new Error(`${this.describe()} went away while being read`),
    );
    return read.value;
  }
  async isDisabled(): Promise<boolean> {
    return this.read<boolean>(`return !((el) => { ${ENABLED} })(el);`);
  }
  async isChecked(): Promise<boolean> {
    return this.read<boolean>(`const a = el.getAttribute('aria-checked'); return a ? a === 'true' : !!el.checked;`);
  }
  async textContent(): Promise<string | null> {
    return this.read<string | null>('return el.textContent;');
  }
  async innerText(): Promise<string> {
    return this.read<string>('return el.innerText;');
  }
  async getAttribute(name: string): Promise<string | null> {
    return this.read<string | null>(`return el.getAttribute(${JSON.stringify(name)});`);
  }
  async inputValue(): Promise<string> {
    return this.read<string>('return el.value;');
  }
  async evaluate<R, A>(fn: (el: any, arg: A) => R, arg?: A): Promise<R> {
    const handle = await this.one();
    try {
      return (await handle.evaluate(fn as never, arg as never)) as R;
    } finally {
      await handle.dispose();
    }
  }

  async click(options: { force?: boolean; timeout?: number } = {}): Promise<void> {
    let lastError: unknown = null;
    await pollUntil(
      async () => {
        const handle = await this.one({
          state: options.force ? 'attached' : 'enabled',
          ...(options.timeout ? { timeout: options.timeout } : {}),
        });
        try {
          await handle.click();
          return true;
        } catch (error) {
          // As Playwright does: an element re-rendered between finding and clicking it is found again, not failed on.
          if (!/not clickable|not an Element|detached|no such node|stale/i.test(String(error))) throw error;
          lastError = error;
          return undefined;
        } finally {
          await handle.dispose().catch(() => {});
        }
      },
      options.timeout ?? DEFAULT_TIMEOUT,
      () => lastError,
    );
  }
  /** The element's box in the top page's coordinates (frames included), or null when it has none. */
  async boundingBox(): Promise<{ x: number; y: number; width: number; height: number } | null> {
    const handle = await this.one();
    try {
      return await handle.boundingBox();
    } finally {
      await handle.dispose();
    }
  }
  /** As Playwright's blur: the element loses focus (blur and focusout fire). */
  async blur(): Promise<void> {
    const handle = await this.one();
    try {
      await handle.evaluate((el) => (el as HTMLElement).blur());
    } finally {
      await handle.dispose();
    }
  }
  async focus(): Promise<void> {
    const handle = await this.one();
    await handle.focus();
    await handle.dispose();
  }
  /** As Playwright's fill: focus, replace the whole value, one `input` event. */
  async fill(value: string): Promise<void> {
    const handle = await this.one({ state: 'enabled' });
    try {
      await handle.focus();
      await handle.evaluate((el, v) => {
        const input = el as HTMLInputElement | HTMLTextAreaElement;
        const proto = input instanceof HTMLTextAreaElement ? HTMLTextAreaElement.prototype : HTMLInputElement.prototype;
        Object.getOwnPropertyDescriptor(proto, 'value')!.set!.call(input, v);
        input.dispatchEvent(new InputEvent('input', { bubbles: true, composed: true, inputType: 'insertText', data: v }));
        input.dispatchEvent(new Event('change', { bubbles: true }));
      }, value);
    } finally {
      await handle.dispose();
    }
  }
  async press(key: string): Promise<void> {
    const handle = await this.one();
    await handle.focus();
    await handle.dispose();
    await new FxKeyboard(this.owner.ppage).press(key);
  }
  async selectOption(value: string | { label?: string; value?: string }): Promise<string[]> {
    const handle = await this.one({ state: 'enabled' });
    try {
      const wanted = typeof value === 'string' ? { value, label: value } : value;
      const chosen = await handle.evaluate((el, w) => {
        const select = el as HTMLSelectElement;
        const option = [...select.options].find(
          (o) => (w.value !== undefined && o.value === w.value) || (w.label !== undefined && o.label === w.label),
        );
        if (!option) return null;
        select.value = option.value;
        select.dispatchEvent(new Event('input', { bubbles: true }));
        select.dispatchEvent(new Event('change', { bubbles: true }));
        return option.value;
      }, wanted);
      if (chosen === null) throw new Error(`No option ${JSON.stringify(value)} in ${this.describe()}`);
      return [chosen];
    } finally {
      await handle.dispose();
    }
  }
  async check(): Promise<void> {
    await this.setChecked(true);
  }
  async uncheck(): Promise<void> {
    await this.setChecked(false);
  }
  private async setChecked(checked: boolean): Promise<void> {
    if ((await this.isChecked()) !== checked) await this.click();
    await pollUntil(
      async () => ((await this.isChecked()) === checked ? true : undefined),
      10_000,
      () => new Error(`${this.describe()} did not become ${checked ? 'checked' : 'unchecked'}`),
    );
  }
  async setInputFiles(file: { name: string; mimeType: string; buffer: Buffer }): Promise<void> {
    const dir = await mkdtemp(path.join(tmpdir(), 'dqr-upload-'));
    const filePath = path.join(dir, file.name);
    await writeFile(filePath, file.buffer);
    const handle = (await this.one()) as ElementHandle<HTMLInputElement>;
    try {
      await handle.uploadFile(filePath);
    } finally {
      await handle.dispose();
    }
  }
}

const VISIBLE = `const r = el.getBoundingClientRect(); if (!(r.width > 0 && r.height > 0)) return false;
  return el.checkVisibility ? el.checkVisibility({ visibilityProperty: true }) : getComputedStyle(el).visibility !== 'hidden';`;
const ENABLED = `if (el.disabled) return false; for (let e = el; e; e = e.parentElement || (e.parentNode && e.parentNode.host)) {
  if (e.getAttribute && e.getAttribute('aria-disabled') === 'true') return false; } return true;`;

/** Playwright's key names ("Control+Enter") pressed with puppeteer's keyboard. */
export class FxKeyboard {
  constructor(private readonly page: PPage) {}
  async press(combo: string): Promise<void> {
    const keys = combo === '+' ? ['+'] : combo.split('+');
    const key = keys.pop() as KeyInput;
    for (const modifier of keys) await this.page.keyboard.down(modifier as KeyInput);
    await this.page.keyboard.press(key);
    for (const modifier of keys.reverse()) await this.page.keyboard.up(modifier as KeyInput);
  }
  async type(text: string): Promise<void> {
    await this.page.keyboard.type(text);
  }
}

export class FxFrame {
  constructor(
    readonly ppage: PPage,
    readonly frame: PFrame,
    /** What the frame showed when found: BiDi reports extension frames as about:blank, so it is read from the frame. */
    private href: string,
  ) {}
  url(): string {
    return this.href;
  }
  /** The page this frame belongs to. */
  page(): FxPage {
    return this.owner;
  }
  isDetached(): boolean {
    return this.frame.detached;
  }
  /** Set by the page that wraps this frame. */
  owner!: FxPage;
  setHref(href: string): void {
    this.href = href;
  }
  locator(selector: string): FxLocator {
    return new FxLocator(this, []).locator(selector);
  }
  getByRole(role: string, options?: Parameters<FxLocator['getByRole']>[1]): FxLocator {
    return new FxLocator(this, []).getByRole(role, options);
  }
  getByText(text: string | RegExp, options?: { exact?: boolean }): FxLocator {
    return new FxLocator(this, []).getByText(text, options);
  }
  getByLabel(text: string | RegExp, options?: { exact?: boolean }): FxLocator {
    return new FxLocator(this, []).getByLabel(text, options);
  }
  evaluate(fn: Fn, arg?: unknown): Promise<any> {
    return evaluateIn(this.frame, fn, arg);
  }
}

export class FxPage extends FxFrame {
  readonly keyboard: FxKeyboard;
  readonly mouse: PPage['mouse'];
  private frameCache = new Map<PFrame, FxFrame>();
  constructor(
    readonly context: FxContext,
    page: PPage,
    href: string,
  ) {
    super(page, page.mainFrame(), href);
    this.owner = this;
    this.keyboard = new FxKeyboard(page);
    this.mouse = page.mouse;
  }
  override url(): string {
    const reported = this.ppage.url();
    return reported.startsWith('moz-extension:') || reported === 'about:blank' ? super.url() : reported;
  }
  /** Loads a URL; extension pages send no navigation events in Firefox (bug 1755014), so their load is watched. */
  async goto(url: string, options: { timeout?: number } = {}): Promise<null> {
    const timeout = options.timeout ?? DEFAULT_TIMEOUT;
    this.setHref(url);
    if (!url.startsWith('moz-extension:')) {
      await this.ppage.goto(url, { timeout, waitUntil: 'load' });
      return null;
    }
    await gotoExtensionPage(this.ppage, url, timeout);
    return null;
  }
  async reload(): Promise<null> {
    const url = await this.frame.evaluate(() => location.href);
    if (!url.startsWith('moz-extension:')) {
      await this.ppage.reload({ waitUntil: 'load' });
      return null;
    }
    await this.frame.evaluate(() => {
      (window as unknown as { __dqrBeforeReload?: boolean }).__dqrBeforeReload = true;
      location.reload();
    });
    await this.ppage.waitForFunction(
      () => !(window as unknown as { __dqrBeforeReload?: boolean }).__dqrBeforeReload && document.readyState === 'complete',
      { polling: 50, timeout: DEFAULT_TIMEOUT },
    );
    return null;
  }
  async close(): Promise<void> {
    await this.ppage.close().catch(() => undefined);
    this.context.forget(this);
  }
  isClosed(): boolean {
    return this.ppage.isClosed();
  }
  async screenshot(options: { path?: string; fullPage?: boolean } = {}): Promise<Buffer> {
    return Buffer.from(
      await this.ppage.screenshot({ ...(options.path ? { path: options.path as `${string}.png` } : {}), fullPage: !!options.fullPage }),
    );
  }
  async waitForTimeout(ms: number): Promise<void> {
    await sleep(ms);
  }
  async setViewportSize(size: { width: number; height: number }): Promise<void> {
    try {
      await this.ppage.setViewport(size);
    } catch (error) {
      // Firefox ESR 140 (Debian bookworm's main archive) has no emulation.setScreenOrientationOverride, which
      // puppeteer sends beside browsingContext.setViewport; the viewport command itself is supported and lands.
      if (!String(error).includes('setScreenOrientationOverride')) throw error;
      await pollUntil(
        async () => (await this.ppage.evaluate((w, h) => innerWidth === w && innerHeight === h, size.width, size.height)) || undefined,
        5_000,
        () => new Error(`viewport did not become ${size.width}×${size.height}`),
      );
    }
  }
  mainFrame(): FxFrame {
    return this;
  }
  /** A script run in every new document of this page before its own scripts (Playwright's addInitScript). */
  async addInitScript(fn: Fn, arg?: unknown): Promise<void> {
    await this.ppage.evaluateOnNewDocument(
      typeof fn === 'string' ? fn : `(${fn.toString()})(${arg === undefined ? 'undefined' : JSON.stringify(arg)})`,
    );
  }
  /** The events the tests listen to: `framenavigated` (a navigation of the page or one of its frames). */
  on(event: 'framenavigated', handler: (frame: FxFrame) => void): this {
    this.ppage.on(event, (frame: PFrame) =>
      handler(frame === this.ppage.mainFrame() ? this : (this.frameCache.get(frame) ?? this.wrap(frame))),
    );
    return this;
  }
  /** Child frames, with the URL each reports from inside (refreshed by `refreshFrames`). */
  frames(): FxFrame[] {
    return [
      this,
      ...this.ppage
        .frames()
        .filter((f) => f !== this.ppage.mainFrame())
        .map((f) => this.frameCache.get(f) ?? this.wrap(f)),
    ];
  }
  private wrap(f: PFrame): FxFrame {
    const wrapped = new FxFrame(this.ppage, f, f.url());
    wrapped.owner = this;
    this.frameCache.set(f, wrapped);
    return wrapped;
  }
  /** Reads each child frame's own location (BiDi shows extension frames to the page as about:blank). */
  async refreshFrames(): Promise<FxFrame[]> {
    const out: FxFrame[] = [];
    for (const f of this.ppage.frames()) {
      if (f === this.ppage.mainFrame() || f.detached) continue;
      const wrapped = this.frameCache.get(f) ?? this.wrap(f);
      const href = await f.evaluate(() => location.href).catch(() => '');
      wrapped.setHref(href);
      out.push(wrapped);
    }
    for (const f of [...this.frameCache.keys()]) if (f.detached) this.frameCache.delete(f);
    return out;
  }
}

export class FxContext {
  private wrapped = new Map<PPage, FxPage>();
  constructor(readonly browser: Browser) {}
  async newPage(): Promise<FxPage> {
    const page = await this.browser.newPage();
    const wrapped = new FxPage(this, page, 'about:blank');
    this.wrapped.set(page, wrapped);
    return wrapped;
  }
  /** The open tabs, those the browser opened by itself (a restored session) too; not the driver's own. */
  pages(): FxPage[] {
    for (const page of this.known) {
      if (!this.wrapped.has(page) && !this.hidden.has(page) && !page.isClosed()) this.wrapped.set(page, new FxPage(this, page, page.url()));
    }
    return [...this.wrapped.values()].filter((p) => !p.isClosed());
  }
  private known: PPage[] = [];
  private hidden = new WeakSet<PPage>();
  /** Refreshes the list `pages()` reads (puppeteer's is asynchronous). */
  async refresh(): Promise<void> {
    this.known = await this.browser.pages();
  }
  forget(page: FxPage): void {
    this.wrapped.delete(page.ppage);
    this.hidden.add(page.ppage);
  }
  async close(): Promise<void> {
    await this.browser.close().catch(() => undefined);
  }
}

/**
 * "The worker" in Firefox: the extension's API as an extension page holds it (the background page itself is not
 * reachable over BiDi), in a page opened for the purpose and reused.
 */
export class FxWorker {
  constructor(
    private readonly page: FxPage,
    private readonly origin: string,
  ) {}
  url(): string {
    return `${this.origin}/`;
  }
  evaluate(fn: Fn, arg?: unknown): Promise<any> {
    return this.page.evaluate(fn, arg);
  }
}
