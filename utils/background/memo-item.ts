/**
 * A storage item kept in memory by its only writer (the background). Reads are served from memory;
 * writes update memory at once (storage's change event comes later) and then storage; a change made
 * elsewhere (another context, the browser's storage tools) drops the copy.
 */
/** What the handlers need of a stored value: WXT's storage items, a memo over one, or a test's plain object. */
export interface Item<T> {
  getValue(): Promise<T>;
  setValue(value: T): Promise<void>;
}

export interface WatchedItem<T> extends Item<T> {
  watch(callback: () => void): () => void;
}

export function memoItem<T>(item: WatchedItem<T>): Item<T> & { forget(): void } {
  let memo: Promise<T> | null = null;
  item.watch(() => {
    memo = null;
  });
  return {
    getValue: () => (memo ??= item.getValue()),
    async setValue(value) {
      memo = Promise.resolve(value);
      await item.setValue(value);
    },
    /** For a write that went around this wrapper and must be seen before storage's event arrives. */
    forget() {
      memo = null;
    },
  };
}
