/**
 * Manifest and bundle audit. Runs on what
 * `wxt build` and `wxt build -b firefox` produced, after the builds in `npm test`.
 */
import { execFile } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const run = promisify(execFile);

interface Manifest {
  manifest_version: number;
  permissions?: string[];
  optional_permissions?: string[];
  host_permissions?: string[];
  optional_host_permissions?: string[];
  content_scripts?: { matches?: string[] }[];
  content_security_policy?: string | { extension_pages?: string; sandbox?: string };
  externally_connectable?: unknown;
  browser_specific_settings?: { gecko?: { id?: string; data_collection_permissions?: { required?: string[]; optional?: string[] } } };
  [key: string]: unknown;
}

const BUILDS = [
  { name: 'chrome-mv3', dir: path.resolve('.output/chrome-mv3') },
  { name: 'firefox-mv3', dir: path.resolve('.output/firefox-mv3') },
] as const;

/** Every API permission the extension may ask for at install (each one used by a feature; anything else fails). */
const API_PERMISSIONS = new Set(['storage', 'alarms', 'activeTab', 'scripting', 'notifications', 'contextMenus']);
const isOrigin = (p: string) => p === '<all_urls>' || p.includes('://');

function readManifest(dir: string): Manifest {
  const file = path.join(dir, 'manifest.json');
  if (!existsSync(file)) throw new Error(`${file} is missing: build first (npx wxt build && npx wxt build -b firefox).`);
  return JSON.parse(readFileSync(file, 'utf8')) as Manifest;
}

function filesUnder(dir: string, extensions: string[]): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir)) {
    const full = path.join(dir, name);
    if (statSync(full).isDirectory()) out.push(...filesUnder(full, extensions));
    else if (extensions.some((ext) => name.endsWith(ext))) out.push(full);
  }
  return out;
}

/** Origins granted at install: MV3 `host_permissions`, MV2 origins inside `permissions`. */
function requiredOrigins(manifest: Manifest): string[] {
  return [...(manifest.host_permissions ?? []), ...(manifest.permissions ?? []).filter(isOrigin)];
}

// A match pattern whose host is a wildcard, i.e. every site: <all_urls>, or scheme://* followed by a path.
const matchesEverySite = (pattern: string) => pattern === '<all_urls>' || /^[a-z*]+:\/\/\*(\/|$|:)/i.test(pattern);

/** CSP sources no looser than the default `script-src 'self'; object-src 'self'` (MV3 adds wasm). */
function cspProblems(policy: string, manifestVersion: number): string[] {
  const allowed = new Set(["'self'", "'none'", ...(manifestVersion === 3 ? ["'wasm-unsafe-eval'"] : [])]);
  const problems: string[] = [];
  for (const directive of policy.split(';')) {
    const [name, ...sources] = directive.trim().split(/\s+/);
    if (!name) continue;
    if (!['script-src', 'script-src-elem', 'object-src', 'worker-src', 'default-src'].includes(name)) continue;
    for (const source of sources) if (!allowed.has(source)) problems.push(`${name} ${source}`);
  }
  return problems;
}

/** Ways a bundle could load code from the network. */
const REMOTE_CODE: { name: string; re: RegExp }[] = [
  { name: 'remote .js URL', re: /(?:https?:)?\/\/[a-z0-9.-]+\.[a-z]{2,}(?::\d+)?\/[^\s"'`<>()]*\.m?js(?=[?#"'`\s)]|$)/i },
  { name: 'importScripts(remote)', re: /importScripts\s*\(\s*["'`](?:https?:)?\/\//i },
  { name: 'import(remote)', re: /\bimport\s*\(\s*["'`](?:https?:)?\/\//i },
  { name: 'import … from remote', re: /\bfrom\s*["'`](?:https?:)?\/\//i },
  { name: '<script src=remote>', re: /<script\b[^>]*\bsrc\s*=\s*["']?(?:https?:)?\/\//i },
  { name: 'script element injection', re: /createElement\s*\(\s*["'`]script["'`]\s*\)/i },
];

/**
 * The JavaScript a page or content script really loads: its entry files and, transitively, every chunk they
 * import. Shared chunks count for each page that loads them, which is what the page can reach at run time.
 */
function bundleOf(dir: string, entry: string): string[] {
  const seen = new Set<string>();
  const queue: string[] = [];
  const add = (file: string) => {
    if (!seen.has(file) && file.endsWith('.js')) {
      seen.add(file);
      queue.push(file);
    }
  };
  if (entry.endsWith('.html')) {
    const html = readFileSync(path.join(dir, entry), 'utf8');
    for (const [, ref] of html.matchAll(/\b(?:src|href)="\/?([^"]+\.js)"/g)) add(path.join(dir, ref!));
  } else add(path.join(dir, entry));
  for (let file = queue.shift(); file; file = queue.shift()) {
    const text = readFileSync(file, 'utf8');
    for (const [, ref] of text.matchAll(/(?:\bfrom\s*|\bimport\s*\(?\s*)["'`](\.{1,2}\/[^"'`]+\.js)["'`]/g)) {
      add(path.join(path.dirname(file), ref!));
    }
  }
  return [...seen];
}

/** What only the background may carry: the secrets' storage keys and the signing code. */
const BACKGROUND_ONLY: { name: string; re: RegExp }[] = [
  { name: 'credentials storage key', re: /\b(?:local|session):credentials\b/ },
  { name: 'panel passes storage key', re: /\bsession:panelPasses\b/ },
  { name: 'HMAC signing', re: /\bHMAC\b/ },
  { name: 'signature header', re: /X-Agency-Signature/i },
];

/** Everything that runs outside the service worker: the content script and the extension pages. */
const NON_BACKGROUND_ENTRIES = ['content-scripts/dashboard.js', 'popup.html', 'panel.html', 'options.html', 'onboarding.html'];

describe.each(BUILDS)('$name manifest', ({ dir }) => {
  const manifest = readManifest(dir);

  it('asks for no <all_urls> and no every-site host permission at install', () => {
    expect(JSON.stringify(manifest)).not.toContain('<all_urls>');
    expect(requiredOrigins(manifest).filter(matchesEverySite)).toEqual([]);
    for (const script of manifest.content_scripts ?? []) expect((script.matches ?? []).filter(matchesEverySite)).toEqual([]);
  });

  it('asks only for the known API permissions', () => {
    const api = (manifest.permissions ?? []).filter((p) => !isOrigin(p));
    expect(api.filter((p) => !API_PERMISSIONS.has(p))).toEqual([]);
  });

  it('has no externally_connectable', () => {
    expect(manifest).not.toHaveProperty('externally_connectable');
  });

  it('keeps the default CSP or a stricter one', () => {
    const csp = manifest.content_security_policy;
    const policies =
      csp === undefined ? [] : typeof csp === 'string' ? [csp] : [csp.extension_pages, csp.sandbox].filter((p): p is string => !!p);
    for (const policy of policies) expect(cspProblems(policy, manifest.manifest_version), policy).toEqual([]);
  });

  it('uses only messages that every locale defines', () => {
    const keys = [...JSON.stringify(manifest).matchAll(/__MSG_(\w+)__/g)].map((m) => m[1]!);
    for (const lang of readdirSync(path.join(dir, '_locales'))) {
      const messages = JSON.parse(readFileSync(path.join(dir, '_locales', lang, 'messages.json'), 'utf8')) as Record<string, unknown>;
      expect(
        keys.filter((k) => !(k in messages)),
        `_locales/${lang}`,
      ).toEqual([]);
    }
  });

  it('loads no remote code from any bundle or page', () => {
    const found: string[] = [];
    for (const file of filesUnder(dir, ['.js', '.mjs', '.html'])) {
      const text = readFileSync(file, 'utf8');
      for (const { name, re } of REMOTE_CODE) {
        const match = re.exec(text);
        if (match) found.push(`${path.relative(dir, file)}: ${name}: ${match[0].slice(0, 120)}`);
      }
    }
    expect(found).toEqual([]);
  });

  it('the content-script bundle has no credential storage key and no innerHTML', () => {
    const file = path.join(dir, 'content-scripts/dashboard.js');
    expect(existsSync(file), file).toBe(true);
    const text = readFileSync(file, 'utf8');
    expect(text).not.toMatch(/credentials/i);
    expect(text).not.toMatch(/\b(?:innerHTML|outerHTML|insertAdjacentHTML)\b/);
  });

  it.each(NON_BACKGROUND_ENTRIES)('%s loads no credentials item and no signature code', (entry) => {
    expect(existsSync(path.join(dir, entry)), entry).toBe(true);
    const files = bundleOf(dir, entry);
    expect(files.length, `${entry} loads no script`).toBeGreaterThan(0);
    const found: string[] = [];
    for (const file of files) {
      const text = readFileSync(file, 'utf8');
      for (const { name, re } of BACKGROUND_ONLY) if (re.test(text)) found.push(`${path.relative(dir, file)}: ${name}`);
    }
    expect(found).toEqual([]);
  });

  it('the audit sees the background carry what the pages must not (the patterns still match)', () => {
    const text = bundleOf(dir, 'background.js')
      .map((file) => readFileSync(file, 'utf8'))
      .join('\n');
    for (const { name, re } of BACKGROUND_ONLY) expect(re.test(text), name).toBe(true);
  });
});

describe('chrome-mv3 specifics', () => {
  const manifest = readManifest(BUILDS[0].dir);
  it('declares the managed-storage schema it ships', () => {
    const schema = (manifest.storage as { managed_schema?: string } | undefined)?.managed_schema;
    expect(schema).toBeTruthy();
    const parsed = JSON.parse(readFileSync(path.join(BUILDS[0].dir, schema!), 'utf8')) as { properties: Record<string, unknown> };
    expect(Object.keys(parsed.properties).sort()).toEqual(['baseUrl', 'dashboardSites', 'environment']);
  });

  it('exposes only the panel page to web pages, behind a per-session URL, and not to every scheme', () => {
    expect(manifest.web_accessible_resources).toEqual([
      { resources: ['panel.html'], matches: ['http://127.0.0.1/*', 'http://localhost/*', 'https://*/*'], use_dynamic_url: true },
    ]);
  });
});

describe('firefox-mv3 specifics', () => {
  const { dir } = BUILDS[1];
  const manifest = readManifest(dir);

  it('declares data_collection_permissions and a fixed add-on id', () => {
    const gecko = manifest.browser_specific_settings?.gecko;
    expect(gecko?.id).toMatch(/@/);
    expect(gecko?.data_collection_permissions?.required?.length).toBeGreaterThan(0);
  });

  it('is Manifest V3 with an event page (Firefox has no extension service workers)', () => {
    expect(manifest.manifest_version).toBe(3);
    expect(manifest.background).toEqual({ scripts: ['background.js'] });
  });

  it('exposes only the panel page, and only to pages that can be dashboard sites', () => {
    // No use_dynamic_url: Firefox's extension URLs are already random per install.
    expect(manifest.web_accessible_resources).toEqual([
      { resources: ['panel.html'], matches: ['http://127.0.0.1/*', 'http://localhost/*', 'https://*/*'] },
    ]);
  });

  it('keeps dashboard origins optional (optional_host_permissions)', () => {
    expect(manifest.optional_host_permissions ?? []).toContain('https://*/*');
    expect(manifest.host_permissions ?? []).not.toContain('https://*/*');
  });

  it('passes web-ext lint with 0 errors', { timeout: 60_000 }, async () => {
    const bin = path.resolve('node_modules/.bin/web-ext');
    const { stdout } = await run(bin, ['lint', '--source-dir', dir, '--output', 'json', '--no-input'], {
      maxBuffer: 16 * 1024 * 1024,
    }).catch((error: { stdout?: string }) => ({ stdout: error.stdout ?? '' }));
    const report = JSON.parse(stdout.slice(stdout.indexOf('{'))) as {
      summary: { errors: number; warnings: number; notices: number };
      errors: { code: string; message: string; file?: string }[];
      warnings: { code: string; file?: string }[];
    };
    console.log(
      `web-ext lint: ${report.summary.errors} errors, ${report.summary.warnings} warnings (${report.warnings.map((w) => `${w.code} in ${w.file}`).join('; ') || 'none'}), ${report.summary.notices} notices`,
    );
    expect(report.errors.map((e) => `${e.code} ${e.file ?? ''}: ${e.message}`)).toEqual([]);
  });
});
