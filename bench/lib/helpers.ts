/** Small pieces the scenarios share: protocol calls, sandbox tickets, waiting for a condition, the raw POST. */
import type { Page, Worker } from 'playwright-core';
import { configureAndSignIn, control, DEMO, type Rig } from '../../tests/e2e/fixtures';

/** tsx (esbuild keepNames) wraps named inner functions in `__name(...)`; the browser side needs a stand-in. */
export const NAME_SHIM = 'globalThis.__name = globalThis.__name || ((f) => f); undefined';

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Sends a protocol message from an extension page. */
export function call<T = unknown>(page: Page, type: string, payload: unknown): Promise<{ ok: boolean; data: T; error?: unknown }> {
  return page.evaluate(([type, payload]) => chrome.runtime.sendMessage({ channel: 'daakey-qr/v1', type, payload }), [
    type,
    payload,
  ] as const);
}

export async function newTicket(rig: Rig, subject: string): Promise<number> {
  const t = await control<{ id?: number; ticket?: { id: number }; data?: { id: number } }>(rig, 'POST', '/tickets', {
    subject,
    status: 'open',
  });
  const id = t.id ?? t.ticket?.id ?? t.data?.id;
  if (typeof id !== 'number') throw new Error(`control /tickets answered ${JSON.stringify(t)}`);
  return id;
}

export function storedCount(rig: Rig, ticketId: number): number {
  const ticket = rig.sandbox.state.tickets.get(ticketId) as { messages?: unknown[] } | undefined;
  return ticket?.messages?.length ?? 0;
}

export async function waitMeasure(page: Page, name: string, timeout = 120_000): Promise<number> {
  const handle = await page.waitForFunction((n) => performance.getEntriesByName(n, 'measure')[0]?.duration ?? null, name, {
    timeout,
    polling: 20,
  });
  return (await handle.jsonValue()) as number;
}

/**
 * Scrolls to the end of the page until the scan `name` has covered all of it (a scan goes only a few screens past
 * the viewport and waits for scrolling; its measure's `detail.complete` says when it reached the end), and returns
 * that scan's main-thread time, all its slices summed (`busy`), and its longest slice.
 */
export async function waitWholeScan(page: Page, name = 'dqr-scan', timeout = 300_000): Promise<{ busy: number; longest: number }> {
  await waitMeasure(page, name, timeout);
  const end = Date.now() + timeout;
  for (;;) {
    const done = await page.evaluate((n) => {
      const m = performance.getEntriesByName(n, 'measure')[0] as PerformanceMeasure | undefined;
      const detail = m?.detail as { complete?: boolean; longest?: number } | null | undefined;
      if (m && detail?.complete) return { busy: m.duration, longest: detail.longest ?? Number.NaN };
      scrollTo(0, document.documentElement.scrollHeight);
      return null;
    }, name);
    if (done !== null) return done;
    if (Date.now() > end) throw new Error(`${name} did not reach the end of the page`);
    await sleep(50);
  }
}

/** The dashboard site switched off (the content script is not registered) while `fn` runs. */
export async function withoutExtension<T>(page: Page, fn: () => Promise<T>): Promise<T> {
  const sites = (
    (await call<{ dashboardSites: { origin: string; enabled: boolean }[] }>(page, 'settings/get', {})).data.dashboardSites ?? []
  ).filter((s) => s.enabled);
  for (const s of sites) await call(page, 'sites/set-enabled', { origin: s.origin, enabled: false });
  try {
    return await fn();
  } finally {
    for (const s of sites) await call(page, 'sites/set-enabled', { origin: s.origin, enabled: true });
  }
}

export async function pollPage<T>(page: Page, fn: () => T | null, timeout = 30_000): Promise<T> {
  const end = Date.now() + timeout;
  for (;;) {
    const v = await page.evaluate(fn);
    if (v !== null && v !== undefined) return v as T;
    if (Date.now() > end) throw new Error('timed out waiting in the page');
    await sleep(20);
  }
}

/** Installed in the service worker: a raw signed POST, the same headers as the extension's client, no ky/outbox/router. */
export async function installRawPost(worker: Worker, rig: Rig) {
  await worker.evaluate(NAME_SHIM);
  await worker.evaluate(
    async ({ base, code, secret, email, password }) => {
      const enc = new TextEncoder();
      const hex = (b: ArrayBuffer) => [...new Uint8Array(b)].map((x) => x.toString(16).padStart(2, '0')).join('');
      const key = await crypto.subtle.importKey('raw', enc.encode(secret), { name: 'HMAC', hash: 'SHA-256' }, false, ['sign']);
      async function sign(method: string, p: string, body: string) {
        const ts = Math.floor(Date.now() / 1000);
        const bodyHash = hex(await crypto.subtle.digest('SHA-256', enc.encode(body)));
        const sig = hex(await crypto.subtle.sign('HMAC', key, enc.encode([code, String(ts), method, p, bodyHash].join('\n'))));
        return `${code}.${ts}.${sig}`;
      }
      async function post(p: string, payload: unknown, token?: string, idem?: string) {
        const body = JSON.stringify(payload);
        const headers: Record<string, string> = {
          Accept: 'application/json',
          'Content-Type': 'application/json',
          'X-Agency-Signature': await sign('POST', p, body),
        };
        if (token) headers.Authorization = `Bearer ${token}`;
        if (idem) headers['Idempotency-Key'] = idem;
        const res = await fetch(base + p, { method: 'POST', headers, body });
        const json = await res.json();
        return { status: res.status, json };
      }
      const login = await post('/api/v1/client/auth/login', { email, password });
      const token = login.json.data.token as string;
      (globalThis as any).__dqrRaw = (ticketId: number, message: string) =>
        post(`/api/v1/client/tickets/${ticketId}/messages`, { message, attachments: [] }, token, crypto.randomUUID());
    },
    { base: rig.sandbox.url, code: DEMO.agencyCode, secret: DEMO.secret, email: DEMO.email, password: DEMO.password },
  );
}

export async function waitFor<T>(fn: () => T | null | undefined | false, timeout = 30_000, every = 2): Promise<T> {
  const end = Date.now() + timeout;
  for (;;) {
    const v = fn();
    if (v) return v;
    if (Date.now() > end) throw new Error('timed out');
    await sleep(every);
  }
}

/**
 * The rig as the bench measures it: configured, signed in, and with the undo window off (the e2e set-up closes the
 * welcome tab and picks Off). Left on, every Send would wait that long in the outbox and the send and drain figures
 * would measure the window, not the path: checked here once more.
 */
export async function prepareRig(rig: Rig): Promise<void> {
  await rig.context.addInitScript({ content: NAME_SHIM });
  await configureAndSignIn(rig);
  const page = await rig.openPage('options.html');
  try {
    const current = await call<{ undoSeconds: number; undoChosen: boolean }>(page, 'settings/get', {});
    if (current.data.undoSeconds !== 0 || !current.data.undoChosen)
      throw new Error(`the undo window is not off: ${JSON.stringify(current.data)}`);
  } finally {
    await page.close();
  }
}

/**
 * Moves the mouse over the last row in the viewport; on a long table (one pill beside it), whether the pill
 * then shows inside that row. `null` when the rows have pills of their own.
 */
export async function hoverLastVisibleRow(page: Page): Promise<boolean | null> {
  const target = await page.evaluate(() => {
    const rows = [...document.querySelectorAll('tr[data-ticket-id]')].filter((row) => {
      const r = row.getBoundingClientRect();
      return r.top >= 0 && r.bottom <= innerHeight;
    });
    const row = rows[rows.length - 1];
    if (!row || row.querySelector('[data-daakey-qr]')) return null;
    const r = row.getBoundingClientRect();
    return { x: r.left + r.width / 3, y: r.top + r.height / 2, id: row.getAttribute('data-ticket-id') };
  });
  if (!target) return null;
  await page.mouse.move(target.x, target.y);
  await page.waitForTimeout(100);
  return page.evaluate((id) => {
    const row = document.querySelector(`tr[data-ticket-id="${id}"]`)!.getBoundingClientRect();
    return [...document.querySelectorAll<HTMLElement>('[data-daakey-qr]')].some((host) => {
      const r = host.getBoundingClientRect();
      return host.style.display !== 'none' && r.width > 0 && r.top >= row.top && r.bottom <= row.bottom;
    });
  }, target.id);
}
