// `npm test`: the whole gate, in the order that fails fastest — format + lint, type check, then every
// test tier (unit, frontend components, integration and browser tests against the real servers).
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { prefixedLogger } from '../log.ts';
import { repoRoot } from '../settings.ts';
import { ensureChromium } from '../tools/chromium.ts';

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
const summaryFile = `${repoRoot}/test-results/vitest.json`;
step('tests (vitest)', bin('vitest'), [
  'run',
  '--reporter=default',
  '--reporter=json',
  `--outputFile.json=${summaryFile}`,
  ...process.argv.slice(2),
]);
// Belt and braces: a configuration error can end a Vitest run with exit code 0 and no test run.
const summary = JSON.parse(readFileSync(summaryFile, 'utf8')) as {
  success: boolean;
  numTotalTests: number;
  numFailedTests: number;
};
if (!summary.success || summary.numTotalTests === 0) {
  log(`tests: failed (${summary.numFailedTests} failed of ${summary.numTotalTests}; success=${summary.success})`);
  process.exit(1);
}
console.log(`tests: ${summary.numTotalTests - summary.numFailedTests} passed, ${summary.numFailedTests} failed`);
