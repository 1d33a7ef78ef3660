// Daakey references (`TK-2026-00001`) found on the page are turned into ticket IDs by the
// background (the API has no lookup by reference, it reads the ticket list), in batches.
import { sendToBackground as request } from '@/utils/shared/messenger';
import type { ReferenceAnchor } from '@/utils/content/ticket-scanner';

const BATCH_DELAY_MS = 50;
const BATCH_MAX = 50;

export function createReferenceResolver(signal: AbortSignal, onResolved: (elements: Element[]) => void) {
  const known = new Map<string, number | null>();
  const waiting = new Map<string, Element[]>();
  let timer: ReturnType<typeof setTimeout> | undefined;

  async function send() {
    timer = undefined;
    const batch = [...waiting.keys()].slice(0, BATCH_MAX);
    if (!batch.length || signal.aborted) return;
    const elements = batch.flatMap((ref) => waiting.get(ref) ?? []);
    for (const ref of batch) waiting.delete(ref);
    const answer = await request('ticket/resolve', { references: batch });
    // Unknown or failed lookups are remembered as null: a page must not ask again on every mutation.
    for (const ref of batch) known.set(ref, answer.ok ? (answer.data[ref] ?? null) : null);
    if (waiting.size) timer = setTimeout(() => void send(), BATCH_DELAY_MS);
    if (!signal.aborted && answer.ok) onResolved(elements.filter((e) => e.isConnected));
  }

  signal.addEventListener('abort', () => clearTimeout(timer), { once: true });
  return {
    lookup: (reference: string) => known.get(reference),
    request: ({ reference, element }: ReferenceAnchor) => {
      if (known.has(reference)) return;
      const list = waiting.get(reference) ?? [];
      list.push(element);
      waiting.set(reference, list);
      timer ??= setTimeout(() => void send(), BATCH_DELAY_MS);
    },
  };
}
