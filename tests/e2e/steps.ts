/** Steps an agent takes, shared by the e2e tests. */
import { afterAll, beforeAll, beforeEach, expect } from 'vitest';
import type { Page } from './driver';
import type { RecordedRequest } from '../../sandbox/state';
import { configureAndSignIn, control, startRig, type Rig } from './fixtures';

export { configureAndSignIn, control };

/** As `/__control/requests` returns it (the sandbox's own record, serialised). */
export type { RecordedRequest };

export async function recordedPosts(rig: Rig, ticketId: number): Promise<RecordedRequest[]> {
  const { requests } = await control<{ requests: RecordedRequest[] }>(rig, 'GET', '/requests');
  return requests.filter((r) => r.method === 'POST' && r.path === `/api/v1/client/tickets/${ticketId}/messages`);
}

export async function storedMessages(rig: Rig, ticketId: number): Promise<{ id: number; message: string }[]> {
  const result = await control<{ messages: { id: number; message: string }[] }>(rig, 'GET', `/tickets/${ticketId}/messages`);
  return result.messages;
}

export async function openPopupFor(rig: Rig, ticketId?: number): Promise<Page> {
  const page = await rig.openPage('popup.html', ticketId ? `ticket=${ticketId}` : '');
  if (
    ticketId &&
    !(await page
      .getByRole('textbox', { name: 'Message' })
      .isVisible()
      .catch(() => false))
  ) {
    await page.getByRole('textbox', { name: 'Ticket ID' }).fill(String(ticketId));
    await page.getByRole('textbox', { name: 'Ticket ID' }).press('Enter');
  }
  await page.getByRole('textbox', { name: 'Message' }).waitFor();
  return page;
}

export async function waitForStatus(page: Page, text: RegExp | string, timeout = 15_000): Promise<string> {
  const status = page.getByRole('status').first();
  await expect.poll(async () => (await status.textContent()) ?? '', { timeout }).toMatch(text);
  return (await status.textContent()) ?? '';
}

/**
 * A sandbox and a browser signed in to it, shared by the tests of one file, with faults and the
 * request log cleared before each test (not `/reset`: that would revoke the token). The returned
 * object stands for the live rig, which `beforeAll` creates.
 */
export function signedInRig(): Rig {
  let current: Rig | undefined;
  beforeAll(async () => {
    current = await startRig();
    await configureAndSignIn(current);
  });
  afterAll(async () => current?.close());
  beforeEach(async () => {
    await control(current!, 'DELETE', '/faults');
    await control(current!, 'DELETE', '/requests');
  });
  return new Proxy({} as Rig, {
    get(_target, key) {
      if (!current) throw new Error('The rig starts in beforeAll: use it inside tests and hooks.');
      const value = Reflect.get(current, key);
      return typeof value === 'function' ? value.bind(current) : value;
    },
  });
}
