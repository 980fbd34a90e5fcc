// `npm test`: the whole gate, in the order that fails fastest — format + lint, type check, then every
// test tier (unit, frontend components, integration and browser tests against the real servers).
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { ensureChromium } from './chromium.ts';
import { prefixedLogger } from './log.ts';
import { repoRoot } from './settings.ts';

const log = prefixedLogger('test');
const bin = (name: string) => `${repoRoot}/node_modules/.bin/${name}`;

function step(title: string, command: string, args: string[]): void {
  log(title);
  const result = spawnSync(command, args, { cwd: repoRoot, stdio: 'inherit' });
  if (result.status !== 0) {
    log(`${title}: failed`);
    process.exit(result.status ?? 1);
  }
}

step('format and lint (biome ci)', bin('biome'), ['ci', '.']);
step('type check (tsc)', bin('tsc'), ['-p', 'tsconfig.json']);
if (existsSync(`${repoRoot}/frontend/tsconfig.json`)) {
  step('type check frontend (tsc)', bin('tsc'), ['-p', 'frontend/tsconfig.json']);
}
process.env.CHROMIUM_PATH = ensureChromium(log);
step('tests (vitest)', bin('vitest'), ['run', ...process.argv.slice(2)]);
