#!/usr/bin/env node
// Never render page or server text as HTML: no HTML or code sinks in the extension's own sources. Scans entrypoints/, components/ and
// utils/ (tests excluded) for the calls below, ignoring comments, and fails with file:line for each.
// A line that must keep one says why with a `sink-ok: <reason>` comment on the same line.
//
//   node scripts/check-sinks.mjs [dir…]
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';

const DIRS = process.argv.length > 2 ? process.argv.slice(2) : ['entrypoints', 'components', 'utils'];
const EXTENSIONS = new Set(['.ts', '.tsx', '.js', '.jsx', '.mjs', '.cjs', '.mts', '.cts']);
const SKIP_DIRS = new Set(['node_modules', '.output', '.wxt', '__tests__', 'fixtures']);
const isTest = (file) => /\.(test|spec)\.[cm]?[jt]sx?$/.test(file);

export const SINKS = [
  { name: 'innerHTML', re: /\binnerHTML\b/ },
  { name: 'outerHTML', re: /\bouterHTML\b/ },
  { name: 'insertAdjacentHTML', re: /\binsertAdjacentHTML\b/ },
  { name: 'document.write', re: /\bdocument\s*\.\s*write(?:ln)?\b/ },
  { name: 'dangerouslySetInnerHTML', re: /\bdangerouslySetInnerHTML\b/ },
  { name: 'eval(', re: /(?<![\w$.])eval\s*\(|\.eval\s*\(/ },
  { name: 'new Function(', re: /\bnew\s+Function\s*\(/ },
  { name: 'setTimeout/setInterval with a string', re: /\bset(?:Timeout|Interval)\s*\(\s*['"`]/ },
  { name: 'createContextualFragment', re: /\bcreateContextualFragment\b/ },
  { name: 'srcdoc', re: /\bsrcdoc\b/ },
];

/**
 * Blanks out comments, keeping every newline so line numbers stay right. Strings and template
 * literals are kept (a string argument to setTimeout is itself a finding).
 */
export function stripComments(source) {
  let out = '';
  let state = 'code';
  let quote = '';
  for (let i = 0; i < source.length; i++) {
    const c = source[i];
    const next = source[i + 1];
    if (state === 'code') {
      if (c === '/' && next === '/') {
        state = 'line';
        out += '  ';
        i++;
      } else if (c === '/' && next === '*') {
        state = 'block';
        out += '  ';
        i++;
      } else {
        if (c === '"' || c === "'" || c === '`') {
          state = 'string';
          quote = c;
        }
        out += c;
      }
    } else if (state === 'line') {
      if (c === '\n') {
        state = 'code';
        out += c;
      } else out += ' ';
    } else if (state === 'block') {
      if (c === '*' && next === '/') {
        state = 'code';
        out += '  ';
        i++;
      } else out += c === '\n' ? '\n' : ' ';
    } else {
      // Inside a string: an escape skips the next character; a newline ends a broken ' or " string.
      out += c;
      if (c === '\\' && next !== undefined) {
        out += next;
        i++;
      } else if (c === quote || (c === '\n' && quote !== '`')) state = 'code';
    }
  }
  return out;
}

export function findSinks(source) {
  const raw = source.split('\n');
  const code = stripComments(source).split('\n');
  const found = [];
  code.forEach((line, index) => {
    if (/sink-ok:\s*\S/.test(raw[index] ?? '')) return;
    for (const sink of SINKS) if (sink.re.test(line)) found.push({ line: index + 1, sink: sink.name, text: (raw[index] ?? '').trim() });
  });
  return found;
}

function* walk(dir) {
  let entries;
  try {
    entries = readdirSync(dir);
  } catch {
    return;
  }
  for (const name of entries) {
    const full = path.join(dir, name);
    const stat = statSync(full);
    if (stat.isDirectory()) {
      if (!SKIP_DIRS.has(name)) yield* walk(full);
    } else if (EXTENSIONS.has(path.extname(name)) && !isTest(name) && !name.endsWith('.d.ts')) yield full;
  }
}

function main() {
  let files = 0;
  const problems = [];
  for (const dir of DIRS) {
    for (const file of walk(dir)) {
      files++;
      for (const hit of findSinks(readFileSync(file, 'utf8'))) problems.push(`${file}:${hit.line}: ${hit.sink}: ${hit.text.slice(0, 160)}`);
    }
  }
  if (problems.length) {
    console.error(
      `HTML/code sinks found (page and server text is never HTML; render text with textContent / JSX text instead):\n${problems.join('\n')}`,
    );
    console.error(`\n${problems.length} sink(s) in ${files} files. A line that must keep one needs a "sink-ok: <reason>" comment.`);
    process.exit(1);
  }
  console.log(`check-sinks: no HTML/code sinks in ${files} files (${DIRS.join(', ')}).`);
}

if (import.meta.url === `file://${process.argv[1]}` || process.argv[1]?.endsWith('check-sinks.mjs')) main();
