import { defineWebExtConfig } from 'wxt';

// `npm run dev`: WXT opens Debian's Chromium (or Firefox ESR) on the sandbox's demo dashboard.
export default defineWebExtConfig({
  binaries: {
    chrome: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    firefox: process.env.FIREFOX_PATH ?? '/usr/lib/firefox-esr/firefox-esr',
  },
  chromiumArgs: [
    '--no-first-run',
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
    ...(process.getuid?.() === 0 ? ['--no-sandbox'] : []),
    // No display (a CI box, a container): still runs, headless.
    ...(process.env.DISPLAY ? [] : ['--headless=new']),
  ],
  startUrls: [`http://127.0.0.1:${process.env.SANDBOX_PORT ?? 8787}/dashboard/tickets/1`],
});
