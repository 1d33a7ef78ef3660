import { defineConfig } from 'wxt';
import preact from '@preact/preset-vite';

// Loopback is declared so the sandbox API and its demo dashboard work without a prompt;
// real dashboard origins are optional and requested at run time from the options page.
const LOOPBACK = ['http://127.0.0.1/*', 'http://localhost/*'];
const DAAKEY_API = ['https://api.daakey.com/*', 'https://staging-api.daakey.com/*'];
// Dashboard sites, asked for one origin at a time from a click in the options page.
const OPTIONAL_ORIGINS = ['https://*/*'];

export default defineConfig({
  // Manifest V3 for Firefox too (WXT's default there is MV2): an event page that the browser unloads, as Chrome
  // stops its worker, and a panel exposed only to possible dashboard pages. Measured reasons in the README.
  manifestVersion: 3,
  imports: false,
  modules: ['@wxt-dev/webextension-polyfill'],
  hooks: {
    // The content script runs on every dashboard page and has a size budget (README, Performance): Terser takes
    // 131 B more off its gzip than Rolldown's minifier (12,634 -> 12,503 B on 8ef2893, bench/README.md). Pages
    // and the worker keep the default.
    'vite:build:extendConfig': (entrypoints, config) => {
      if (process.env.DQR_NO_MINIFY || !entrypoints.some((entry) => entry.type === 'content-script')) return;
      config.build = { ...config.build, minify: 'terser', terserOptions: { ecma: 2020, safari10: false, compress: { passes: 3 } } };
    },
    // WXT builds all HTML pages in one Vite build, so each page loaded six shared chunks and three stylesheets.
    // One build per page gives each page one script and one stylesheet: measured in the README (popup start).
    'entrypoints:grouped': (_wxt, groups) => {
      const split = groups.flatMap((group) => (Array.isArray(group) ? group.map((entry) => [entry]) : [group]));
      groups.splice(0, groups.length, ...split);
    },
  },
  // DQR_NO_MINIFY=1 keeps function names, for reading a CPU profile (bench/README.md).
  vite: () => ({ plugins: [preact()], ...(process.env.DQR_NO_MINIFY ? { build: { minify: false } } : {}) }),
  manifest: ({ browser, manifestVersion }) => ({
    name: '__MSG_extName__',
    description: '__MSG_extDescription__',
    default_locale: 'en',
    // `contextMenus` is also accepted by Firefox (an alias of `menus`).
    permissions: ['storage', 'alarms', 'activeTab', 'scripting', 'notifications', 'contextMenus'],
    host_permissions: [...LOOPBACK, ...DAAKEY_API],
    // MV3 has `optional_host_permissions`; MV2 (Firefox's default target) lists optional origins in
    // `optional_permissions`, and WXT drops the MV3 key from an MV2 build instead of converting it.
    ...(manifestVersion === 3 ? { optional_host_permissions: OPTIONAL_ORIGINS } : { optional_permissions: OPTIONAL_ORIGINS }),
    // Only the panel page, and only to pages that can be dashboard sites (the browser cannot narrow this to the
    // sites the agent enabled; the content script that frames it runs only there, and the panel does nothing
    // without the single-use pass the background hands that script). Chrome also hides it behind a per-session
    // URL. Firefox MV2 takes a plain list (its extension URLs are random per install).
    web_accessible_resources:
      manifestVersion === 3
        ? [
            {
              resources: ['panel.html'],
              matches: [...LOOPBACK, ...OPTIONAL_ORIGINS],
              ...(browser === 'firefox' ? {} : { use_dynamic_url: true }),
            },
          ]
        : ['panel.html'],
    action: { default_title: '__MSG_extName__' },
    commands: {
      'open-quick-reply': {
        suggested_key: { default: 'Ctrl+Shift+Y', mac: 'Command+Shift+Y' },
        description: '__MSG_cmd_open_quick_reply__',
      },
    },
    ...(browser === 'firefox'
      ? {
          // Firefox reads managed settings from enterprise policies (policies.json, "3rdparty"), not
          // from a schema file, and web-ext lint flags `storage.managed_schema`.
          browser_specific_settings: {
            gecko: {
              id: 'quick-reply@daakey.dev',
              // 140 is the first version that knows `data_collection_permissions` (142 on Android).
              strict_min_version: '140.0',
              data_collection_permissions: { required: ['authenticationInfo', 'websiteContent'] },
            },
            gecko_android: { strict_min_version: '142.0' },
          },
        }
      : {
          // What an IT administrator may preset by policy (read by entrypoints/background/managed.ts).
          storage: { managed_schema: 'managed-schema.json' },
        }),
  }),
});
