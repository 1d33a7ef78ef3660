// @vitest-environment happy-dom
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { fakeBrowser } from 'wxt/testing/fake-browser';
import { ContentScriptContext } from 'wxt/utils/content-script-context';

type Instance = { ctx: ContentScriptContext };

async function inject(): Promise<Instance> {
  // A fresh module graph is what a re-injection gives: a new instance id, a new store.
  vi.resetModules();
  const { claimPage } = await import('./instance');
  const { features } = await import('./index');
  const ctx = new ContentScriptContext('dashboard');
  const signal = claimPage(ctx.signal);
  for (const feature of features) feature.init(ctx, signal);
  // The first scan waits for the agency's detection settings (here: a background that is not there).
  await new Promise((resolve) => setTimeout(resolve, 30));
  return { ctx };
}

function buttons(): HTMLButtonElement[] {
  return [...document.querySelectorAll('[data-daakey-qr]')].flatMap((host) => [...(host.shadowRoot?.querySelectorAll('button') ?? [])]);
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
});

describe('dashboard content script', () => {
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

  it('buttons tickets added later, once', async () => {
    const { ctx } = await inject();
    document.querySelector('tbody')?.append(row(3));
    await vi.waitFor(() => expect(buttons()).toHaveLength(3));
    document.querySelector('tbody')?.append(document.createElement('tr'));
    await new Promise((r) => setTimeout(r, 200));
    expect(buttons().map((b) => b.getAttribute('aria-label'))).toEqual(['Reply to ticket #1', 'Reply to ticket #2', 'Reply to ticket #3']);
    ctx.abort();
  });

  it('hands the ticket to the injected panel in a host marked as ours, and cleans up on close', async () => {
    const { ctx } = await inject();
    const { registerPanel, PANEL_GLOBAL } = await import('@/utils/panel-contract');
    const opened: { ticketId: number; host: HTMLElement; onClose(): void; returnFocusTo: HTMLElement | null }[] = [];
    registerPanel({ open: (options) => opened.push(options) });
    const button = buttons()[1];
    button?.click();
    await vi.waitFor(() => expect(opened).toHaveLength(1));
    expect(opened[0]?.ticketId).toBe(2);
    expect(opened[0]?.returnFocusTo).toBe(button);
    expect(opened[0]?.host.hasAttribute('data-daakey-qr')).toBe(true);
    expect(document.querySelectorAll('[data-daakey-qr]')).toHaveLength(3);
    opened[0]?.onClose();
    expect(document.querySelectorAll('[data-daakey-qr]')).toHaveLength(2);
    delete (globalThis as Record<string, unknown>)[PANEL_GLOBAL];
    ctx.abort();
  });

  it('answers tab/detected-tickets from our own extension only', async () => {
    const { ctx } = await inject();
    const message = { channel: 'daakey-qr/tab/v1', type: 'tab/detected-tickets', payload: {} };
    const [foreign] = await fakeBrowser.runtime.onMessage.trigger(message, { id: 'another-extension' }, () => {});
    expect(foreign).toBeUndefined();
    const [reply] = await fakeBrowser.runtime.onMessage.trigger(message, { id: fakeBrowser.runtime.id }, () => {});
    expect(reply).toEqual([
      { id: 1, primary: false, label: 'TK-2026-00001 Ticket 1 subject' },
      { id: 2, primary: false, label: 'TK-2026-00002 Ticket 2 subject' },
    ]);
    const { registerPanel, PANEL_GLOBAL } = await import('@/utils/panel-contract');
    registerPanel({ open: () => undefined });
    const [opened] = await fakeBrowser.runtime.onMessage.trigger(
      { channel: 'daakey-qr/tab/v1', type: 'tab/open-reply', payload: { ticketId: 2 } },
      { id: fakeBrowser.runtime.id },
      () => {},
    );
    expect(opened).toEqual({ opened: true });
    delete (globalThis as Record<string, unknown>)[PANEL_GLOBAL];
    ctx.abort();
    expect(document.querySelectorAll('[data-daakey-qr]')).toHaveLength(0);
  });
});
