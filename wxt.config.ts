import { defineConfig } from 'wxt';
import preact from '@preact/preset-vite';

// Loopback is declared so the sandbox API and its demo dashboard work without a prompt;
// real dashboard origins are optional and requested at run time from the options page.
const LOOPBACK = ['http://127.0.0.1/*', 'http://localhost/*'];
const DAAKEY_API = ['https://api.daakey.com/*', 'https://staging-api.daakey.com/*'];

export default defineConfig({
  imports: false,
  modules: ['@wxt-dev/webextension-polyfill'],
  vite: () => ({ plugins: [preact()] }),
  manifest: ({ browser }) => ({
    name: '__MSG_extName__',
    description: '__MSG_extDescription__',
    default_locale: 'en',
    permissions: ['storage', 'alarms', 'activeTab', 'scripting', 'notifications'],
    host_permissions: [...LOOPBACK, ...DAAKEY_API],
    optional_host_permissions: ['https://*/*'],
    action: { default_title: '__MSG_extName__' },
    ...(browser === 'firefox'
      ? {
          browser_specific_settings: {
            gecko: {
              id: 'quick-reply@daakey.dev',
              strict_min_version: '128.0',
              data_collection_permissions: { required: ['authenticationInfo', 'websiteContent'] },
            },
          },
        }
      : {}),
  }),
});
