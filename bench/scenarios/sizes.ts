/** Bundle sizes of the built extension (no browser): the content script and the popup's scripts, gzip -9. */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { EXTENSION_DIR } from '../../tests/e2e/fixtures';
import { figures, stats } from '../lib/stats';

function gz(file: string): { raw: number; gzip: number } {
  const bytes = readFileSync(file);
  return { raw: bytes.length, gzip: gzipSync(bytes, { level: 9 }).length };
}

/** popup.html's module script and modulepreloads, plus their static imports, transitively. */
function popupScripts(): string[] {
  const html = readFileSync(path.join(EXTENSION_DIR, 'popup.html'), 'utf8');
  const queue = [
    ...html.matchAll(/<script[^>]*\bsrc="([^"]+)"/g),
    ...html.matchAll(/<link[^>]*rel="modulepreload"[^>]*href="([^"]+)"/g),
  ].map((m) => m[1]!);
  const seen = new Set<string>();
  while (queue.length) {
    const url = queue.shift()!;
    const rel = url.replace(/^\//, '');
    if (seen.has(rel)) continue;
    seen.add(rel);
    const source = readFileSync(path.join(EXTENSION_DIR, rel), 'utf8');
    for (const m of source.matchAll(/(?:^|[;\s}])(?:import|export)\s*(?:[^'"`()]*?from\s*)?["']([^"']+\.js)["']/g)) {
      queue.push(path.posix.join(path.posix.dirname(rel), m[1]!));
    }
  }
  return [...seen];
}

export function sizes() {
  const content = gz(path.join(EXTENSION_DIR, 'content-scripts/dashboard.js'));
  figures.push({
    name: 'Content-script size',
    unit: 'bytes (gzip -9)',
    compare: 'absolute',
    value: stats([content.gzip]),
    baseline: null,
    ratio: null,
    goal: '≤ 12 KB (12,288 B)',
    pass: content.gzip <= 12 * 1024,
    extra: { rawBytes: content.raw },
  });
  const files = popupScripts();
  const per = Object.fromEntries(files.map((f) => [f, gz(path.join(EXTENSION_DIR, f))]));
  const total = Object.values(per).reduce((a, b) => a + b.gzip, 0);
  figures.push({
    name: 'Popup JS size',
    unit: 'bytes (gzip -9, sum of files)',
    compare: 'absolute',
    value: stats([total]),
    baseline: null,
    ratio: null,
    goal: '≤ 30 KB (30,720 B)',
    pass: total <= 30 * 1024,
    extra: { files: per },
  });
}
