/**
 * CLI: `npx tsx sandbox/main.ts [--port 8787] [--host 127.0.0.1] [--control | --no-control]`.
 * The control API is on by default here (a development tool); `--no-control` turns it off.
 */
import { API_PREFIX } from '../utils/shared/api-contract';
import { DEMO_AGENCY, DEMO_USER } from './seed';
import { startSandbox } from './server';

function parseArgs(argv: string[]): { port: number; host: string; control: boolean } {
  let port = 8787;
  let host = '127.0.0.1';
  let control = true;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] ?? '';
    const [flag, inline] = arg.includes('=') ? [arg.slice(0, arg.indexOf('=')), arg.slice(arg.indexOf('=') + 1)] : [arg, undefined];
    const value = () => inline ?? argv[++i] ?? '';
    switch (flag) {
      case '--port': {
        const n = Number(value());
        if (!Number.isInteger(n) || n < 0 || n > 65535) throw new Error('--port needs an integer between 0 and 65535');
        port = n;
        break;
      }
      case '--host':
        host = value();
        break;
      case '--control':
        control = true;
        break;
      case '--no-control':
        control = false;
        break;
      case '--help':
      case '-h':
        console.log('Usage: npx tsx sandbox/main.ts [--port 8787] [--host 127.0.0.1] [--control | --no-control]');
        process.exit(0);
        break;
      default:
        throw new Error(`Unknown argument: ${arg} (try --help)`);
    }
  }
  return { port, host, control };
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  const sandbox = await startSandbox(args);
  const lines = [
    `Daakey sandbox listening on ${sandbox.url}`,
    `  Client API   ${sandbox.url}${API_PREFIX}   (public: ${sandbox.url}${API_PREFIX}/config)`,
    `  Dashboard    ${sandbox.url}/dashboard/tickets   (also /dashboard/spa, /dashboard/hostile, /dashboard/big?rows=10000)`,
    args.control ? `  Control      ${sandbox.url}/__control   (test-only; --no-control to turn off)` : '  Control      off',
    '',
    'Demo credentials',
    `  Email / password      ${DEMO_USER.email} / ${DEMO_USER.password}`,
    `  Agency code / secret  ${DEMO_AGENCY.code} / ${DEMO_AGENCY.secret}`,
    `  Issued signature      ${DEMO_AGENCY.issuedSignature ?? '(none)'}`,
    '',
    'Ctrl+C to stop.',
  ];
  console.log(lines.join('\n'));
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    console.log(`\n${signal}: stopping the sandbox`);
    sandbox.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
