// Schemathesis (the OpenAPI fuzzer, from PyPI) against a real Order Service (child process, real PostgreSQL and
// Kafka): every operation of the whole document, positive and negative data, every check, 0 failures.
// It runs from a Python virtual environment under the data dir, made on first use and kept (stamped by version).
import { join } from 'node:path';
import { repoRoot } from '@metalmart/dev/settings';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createTestDatabase, createTestTopic, kafkaBrokers } from '../support/infra.ts';
import { type ServiceProcess, startOrderService, testToken } from '../support/processes.ts';
import { pythonVenv, runCommand } from '../support/python.ts';

/** The one pin of the fuzzer's version. */
const SCHEMATHESIS_VERSION = '4.32.5';
/** Test cases per operation and phase: the whole run takes well under a minute on two idle cores. */
const MAX_EXAMPLES = 50;

async function ensureSchemathesis(): Promise<string> {
  return join(await pythonVenv('schemathesis', SCHEMATHESIS_VERSION), 'bin', 'schemathesis');
}

/** From the first section header on: the failures with their curl reproductions, the summary and the seed. */
function summaryOf(output: string): string {
  const from = ['=== FAILURES', '=== ERRORS', '=== SUMMARY']
    .map((marker) => output.indexOf(marker))
    .find((index) => index >= 0);
  return from === undefined ? output : output.slice(output.lastIndexOf('\n', from) + 1);
}

let schemathesis: string;
let service: ServiceProcess;

beforeAll(async () => {
  const [binary, databaseUrl, topic] = await Promise.all([
    ensureSchemathesis(),
    createTestDatabase(),
    createTestTopic('schemathesis'),
  ]);
  schemathesis = binary;
  service = await startOrderService({ databaseUrl, kafkaBrokers: kafkaBrokers(), topic });
}, 600_000);
afterAll(() => service?.stop());

async function fuzz(document: string, options: { maxExamples: number; headers: string[] }) {
  const { code, output } = await runCommand(
    schemathesis,
    [
      '--config-file',
      join(repoRoot, 'tests', 'contract', 'schemathesis.toml'),
      'run',
      `${service.url}${document}`,
      '--checks',
      'all',
      '--mode',
      'all',
      '--max-examples',
      String(options.maxExamples),
      ...options.headers.flatMap((header) => ['--header', header]),
      '--workers',
      '2',
      '--generation-database',
      'none',
      // A fixed seed keeps CI reproducible; SCHEMATHESIS_SEED=<n> (or a new default) explores other inputs.
      '--seed',
      process.env.SCHEMATHESIS_SEED ?? '20261201',
      '--no-color',
    ],
    { cwd: join(schemathesis, '..', '..') }, // its working files (.hypothesis) stay in the venv
  );
  const summary = summaryOf(output);
  console.log(`[schemathesis ${SCHEMATHESIS_VERSION} on ${document}]\n${summary}`);
  expect(output).toMatch(/Selected: (\d+)\/\1\b/);
  expect(code, summary).toBe(0);
}

it('finds no failure in any operation of the whole OpenAPI document, with every check', {
  timeout: 300_000,
}, async () => {
  // The whole document, internal API included, with its token on every request (without it the internal
  // operations would all be 401s).
  await fuzz('/internal/openapi.json', {
    maxExamples: MAX_EXAMPLES,
    headers: [`Authorization: Bearer ${testToken}`],
  });
});

it('finds no failure in the public document either, as an anonymous client', { timeout: 300_000 }, async () => {
  // The same operations minus the internal API: what a browser sees (its links and schemas must hold alone).
  await fuzz('/api/openapi.json', { maxExamples: 10, headers: [] });
});
