/**
 * How the outbox lies in `storage.local`: one small key for the outbox-wide state and one key per
 * reply, so a step of a drain writes one record, not the whole queue. Writing the whole queue at each
 * step cost O(N) per step, and every `storage.onChanged` listener in every context was handed the
 * old and new copies of it.
 *
 *   outbox:meta        { version: 2, paused, holdUntil, backoffUntil }
 *   outbox:r:<id>      one OutboxRecord
 *   outbox             version 1 (the whole snapshot under one key): read once, then migrated
 */
import type { OutboxDelta, OutboxSnapshot, OutboxStore } from './outbox-types';
import { isPlainObject as isObj } from '@/utils/shared/plain-object';

export const OUTBOX_META_KEY = 'outbox:meta';
export const OUTBOX_RECORD_PREFIX = 'outbox:r:';
/** The version 1 key, kept only to migrate from it. */
export const OUTBOX_LEGACY_KEY = 'outbox';

/** The part of `storage.local` the outbox needs (`browser.storage.local` fits). */
export interface KeyValueArea {
  get(keys?: null | string | string[]): Promise<Record<string, unknown>>;
  set(items: Record<string, unknown>): Promise<void>;
  remove(keys: string | string[]): Promise<void>;
}

export function createOutboxStorage(area: KeyValueArea): OutboxStore {
  // A version 1 snapshot was found on load: the first save writes everything in the new layout.
  let migrating = false;

  return {
    async load() {
      const all = await area.get(null);
      const meta = all[OUTBOX_META_KEY];
      if (!isObj(meta)) {
        const legacy = all[OUTBOX_LEGACY_KEY];
        migrating = legacy != null;
        if (migrating) return legacy;
      }
      const records = Object.keys(all)
        .filter((key) => key.startsWith(OUTBOX_RECORD_PREFIX))
        .map((key) => all[key]);
      // Storage hands keys back in no particular order; delivery order is creation order.
      records.sort((a, b) => (isObj(a) && isObj(b) ? Number(a.createdAt) - Number(b.createdAt) : 0));
      // `readSnapshot` (utils/background/outbox-snapshot.ts) checks every field again; this only reassembles the shape.
      return {
        version: 1,
        paused: isObj(meta) && meta.paused === true,
        holdUntil: isObj(meta) ? meta.holdUntil : null,
        backoffUntil: isObj(meta) ? meta.backoffUntil : null,
        records,
      };
    },

    async save(snapshot: OutboxSnapshot, delta: OutboxDelta) {
      const items: Record<string, unknown> = {};
      const changed = migrating ? snapshot.records : delta.changed;
      for (const record of changed) items[OUTBOX_RECORD_PREFIX + record.id] = record;
      if (delta.meta || migrating || changed.length) {
        // Written with every change: its presence is what marks the new layout as in use.
        items[OUTBOX_META_KEY] = {
          version: 2,
          paused: snapshot.paused,
          holdUntil: snapshot.holdUntil,
          backoffUntil: snapshot.backoffUntil,
        };
      }
      // One `set` is atomic: a record and the outbox state it goes with land together.
      await area.set(items);
      const removed = delta.removed.map((id) => OUTBOX_RECORD_PREFIX + id);
      // WXT kept the item's version under `outbox$`.
      if (migrating) removed.push(OUTBOX_LEGACY_KEY, `${OUTBOX_LEGACY_KEY}$`);
      if (removed.length) await area.remove(removed);
      migrating = false;
    },
  };
}
