// Entry point of the root scripts (npm start / npm run infra / npm test). Plain JavaScript on purpose:
// it runs on a fresh clone, before any dependency is installed, installs what is missing, then hands
// over to the TypeScript runners in dev/src.
import { spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = dirname(dirname(fileURLToPath(import.meta.url)));
const stamp = join(root, 'node_modules', '.metalmart-lock-hash');
const commands = {
  start: 'dev/src/start.ts',
  infra: 'dev/src/infra.ts',
  test: 'dev/src/test.ts',
  bench: 'bench/pipeline.ts',
};

function run(cmd, args) {
  const result = spawnSync(cmd, args, { cwd: root, stdio: 'inherit' });
  if (result.error) throw result.error;
  return result.status ?? 1;
}

function ensureNodeModules() {
  const lockHash = createHash('sha256')
    .update(readFileSync(join(root, 'package-lock.json')))
    .digest('hex');
  if (existsSync(stamp) && readFileSync(stamp, 'utf8') === lockHash) return;
  console.log('[setup] installing npm packages (npm ci)…');
  if (run('npm', ['ci', '--no-audit', '--no-fund']) !== 0) {
    console.error('[setup] npm ci failed; see the output above.');
    process.exit(1);
  }
  writeFileSync(stamp, lockHash);
}

const [major, minor] = process.versions.node.split('.').map(Number);
if (major < 20 || (major === 20 && minor < 19)) {
  console.error(`MetalMart needs Node.js 20.19 or newer; this is ${process.version}.`);
  process.exit(1);
}
const command = process.argv[2];
if (!(command in commands)) {
  console.error(`usage: node dev/bootstrap.mjs ${Object.keys(commands).join('|')}`);
  process.exit(2);
}
ensureNodeModules();
// The runner owns shutdown: forward signals to it (a terminal's Ctrl-C reaches it directly as well)
// and exit with its code.
const runner = spawn(
  process.execPath,
  ['--enable-source-maps', '--import', 'tsx', commands[command], ...process.argv.slice(3)],
  { cwd: root, stdio: 'inherit' },
);
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => runner.kill(signal));
runner.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
