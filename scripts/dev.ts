#!/usr/bin/env -S npx tsx
// `npm run dev`: the sandbox API and demo dashboard on loopback, plus WXT's dev mode (hot reload)
// opening Chromium on a demo ticket page. `npm run dev -- -b firefox` for Firefox.
import { spawn } from 'node:child_process';
import { startSandbox } from '../sandbox/server';

const port = Number(process.env.SANDBOX_PORT ?? 8787);
const sandbox = await startSandbox({ port, control: true });
console.log(`Sandbox on ${sandbox.url} (agent@demo.daakey.test / demo-password, agency AGENCY123 / sandbox-secret-123)`);
const wxt = spawn('npx', ['wxt', ...process.argv.slice(2)], { stdio: 'inherit' });
const stop = async () => {
  wxt.kill('SIGINT');
  await sandbox.close();
  process.exit(0);
};
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
wxt.on('exit', (code) => void sandbox.close().then(() => process.exit(code ?? 0)));
