import { browser } from 'wxt/browser';
import type { OutboxLock, OutboxStore } from '@/utils/background/outbox';
import { createMemoryLock } from '@/utils/background/outbox';
import { createOutboxStorage } from '@/utils/background/outbox-storage';

export const outboxStore: OutboxStore = createOutboxStorage(browser.storage.local);

const memoryLock = createMemoryLock();

/**
 * One flusher at a time across everything that can fire it (a Send, an alarm, a window's flush, the
 * worker starting). Web Locks are released when the holder dies, so a stopped worker never leaves
 * the outbox locked; the in-memory chain is the fallback where they are missing.
 */
export const withOutboxLock: OutboxLock = (fn) => {
  const locks = (globalThis.navigator as Navigator | undefined)?.locks;
  return locks ? (locks.request('dqr-outbox-flush', fn) as ReturnType<typeof fn>) : memoryLock(fn);
};
