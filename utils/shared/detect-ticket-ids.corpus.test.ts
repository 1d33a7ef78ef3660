// @vitest-environment happy-dom
import { describe, expect, it } from 'vitest';
import corpus from '../../tests/fixtures/detection-corpus.json';
import { createTicketDetector, type TicketDetectorOptions, type TicketRef } from './detect-ticket-ids';
import { createTicketScanner } from '@/utils/content/ticket-scanner';

interface CorpusEntry {
  kind: 'text' | 'url' | 'html';
  input: string;
  ids: number[];
  references: string[];
  note: string;
  options?: TicketDetectorOptions;
}

const PAGE_URL = 'http://127.0.0.1:5173/dashboard';
const entries = corpus as CorpusEntry[];

function keysOf(refs: TicketRef[]): Set<string> {
  return new Set(refs.map((ref) => ('id' in ref ? `id:${ref.id}` : `ref:${ref.reference}`)));
}

function detect(entry: CorpusEntry): Set<string> {
  const detector = createTicketDetector(entry.options);
  if (entry.kind === 'text') return keysOf(detector.fromText(entry.input));
  if (entry.kind === 'url') {
    const ref = detector.fromUrl(entry.input);
    return keysOf(ref ? [ref] : []);
  }
  const root = document.createElement('div');
  // Test fixture markup only; the extension itself never parses page text as HTML.
  root.innerHTML = entry.input;
  document.body.replaceChildren(root);
  const refs: TicketRef[] = [];
  const scanner = createTicketScanner({
    detector,
    root,
    getUrl: () => PAGE_URL,
    onReference: ({ reference }) => refs.push({ reference }),
  });
  for (const anchor of [...scanner.scanAllSteps(() => false)].flat()) refs.push({ id: anchor.id });
  return keysOf(refs);
}

describe('detection corpus', () => {
  it('has at least 300 labelled entries, positives and negatives', () => {
    expect(entries.length).toBeGreaterThanOrEqual(300);
    expect(entries.filter((e) => e.ids.length || e.references.length).length).toBeGreaterThan(100);
    expect(entries.filter((e) => !e.ids.length && !e.references.length).length).toBeGreaterThan(100);
  });

  it('detects every ticket and nothing else (precision and recall 100%)', () => {
    let truePositives = 0;
    let falsePositives = 0;
    let falseNegatives = 0;
    const failures: string[] = [];
    for (const entry of entries) {
      const expected = keysOf([...entry.ids.map((id) => ({ id })), ...entry.references.map((reference) => ({ reference }))]);
      const found = detect(entry);
      const fp = [...found].filter((k) => !expected.has(k));
      const fn = [...expected].filter((k) => !found.has(k));
      truePositives += found.size - fp.length;
      falsePositives += fp.length;
      falseNegatives += fn.length;
      if (fp.length || fn.length) failures.push(`${entry.kind} ${JSON.stringify(entry.input)} (${entry.note}): extra ${fp} missing ${fn}`);
    }
    const precision = truePositives / (truePositives + falsePositives);
    const recall = truePositives / (truePositives + falseNegatives);
    console.log(
      `detection corpus: ${entries.length} entries, precision ${(precision * 100).toFixed(1)}%, recall ${(recall * 100).toFixed(1)}%` +
        ` (TP ${truePositives}, FP ${falsePositives}, FN ${falseNegatives})`,
    );
    expect(failures).toEqual([]);
    expect(precision).toBe(1);
    expect(recall).toBe(1);
  });
});
