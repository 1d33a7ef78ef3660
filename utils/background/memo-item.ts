/**
 * A storage item kept in memory by its only writer (the background). Reads are served from memory;
 * writes update memory at once (storage's change event comes later) and then storage; a change made
 * elsewhere (another context, the browser's storage tools) drops the copy.
 */
export interface ItemLike<T> {
  getValue(): Promise<T>;
  setValue(value: T): Promise<void>;
  watch(callback: () => void): () => void;
}

export function memoItem<T>(item: ItemLike<T>): Pick<ItemLike<T>, 'getValue' | 'setValue'> & { forget(): void } {
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
