// `npm run chaos -- --minutes N [--seed S] [--rate R]`: the fault lab on autopilot against the stack `npm start`
// runs (one is started for the run when none answers): load at R orders a second, a fault every 8–15 s picked by
// a seeded generator (the same seed, the same schedule), then the load stopped, the faults ended, the pipeline
// drained, and the verdict's last line. Exit code 1 on any loss, out-of-order history or order left unshipped.
import { type ChildProcess, spawn } from 'node:child_process';
import { parseArgs } from 'node:util';
import { FAULTS_PATH, LOAD_PATH, VERDICT_PATH } from '../runner/control.ts';
import { readStackSettings, repoRoot } from '../settings.ts';
import { FAULTS as DEFINITIONS } from './faults.ts';

const FAULT_NAMES = DEFINITIONS.map((f) => f.name);

const USAGE = 'usage: npm run chaos -- --minutes <N> [--seed <S>] [--rate <orders a second, default 20>]';
function fail(message: string): never {
  console.error(`chaos: ${message}\n${USAGE}`);
  process.exit(2);
}

let values: { minutes?: string; seed?: string; rate?: string };
try {
  values = parseArgs({
    options: { minutes: { type: 'string' }, seed: { type: 'string' }, rate: { type: 'string' } },
  }).values;
} catch (error) {
  fail((error as Error).message);
}
const minutes = Number(values.minutes);
if (!(minutes > 0 && minutes <= 24 * 60)) fail('--minutes must be a number above 0');
const seed = values.seed === undefined ? Date.now() % 2 ** 31 : Number(values.seed);
if (!Number.isInteger(seed)) fail('--seed must be a whole number');
const rate = values.rate === undefined ? 20 : Number(values.rate);
if (!(rate >= 1 && rate <= 1000)) fail('--rate must be 1–1000');

/** mulberry32: small, seedable, the same sequence for the same seed everywhere. */
function generator(state: number) {
  return () => {
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
const random = generator(seed);
const between = (low: number, high: number) => low + Math.floor(random() * (high - low + 1));
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

const control = `http://127.0.0.1:${readStackSettings().controlPort}`;
async function call(method: string, path: string, body?: unknown) {
  const response = await fetch(`${control}${path}`, {
    method,
    headers: { 'content-type': 'application/json' },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    signal: AbortSignal.timeout(20_000),
  });
  return { ok: response.ok, body: (await response.json()) as Record<string, unknown> };
}
const answers = () =>
  call('GET', FAULTS_PATH).then(
    (r) => r.ok,
    () => false,
  );

const started = Date.now();
const at = () => `+${((Date.now() - started) / 1000).toFixed(1).padStart(6)} s`;
const say = (line: string) => console.log(`chaos: ${at()}  ${line}`);

/** `npm start` for this run, when none answers: stopped with Ctrl-C's signal at the end. */
async function startStack(): Promise<ChildProcess> {
  say('no npm start answers: starting one for this run');
  const child = spawn(process.execPath, ['dev/bootstrap.mjs', 'start'], {
    cwd: repoRoot,
    stdio: 'ignore',
    detached: true,
  });
  for (const deadline = Date.now() + 300_000; Date.now() < deadline; await sleep(2000))
    if (await answers()) return child;
  process.kill(-(child.pid as number), 'SIGINT');
  throw new Error('npm start did not come up within 5 minutes');
}

// Lasting ones get 3–10 s (a slow internal API 0.2–3 s a call); the partitions grow once per run (each time adds 6).
const ONCE = 'grow-partitions';
const FAULTS = FAULT_NAMES.filter((name) => name !== ONCE);

const own = (await answers()) ? undefined : await startStack();
console.log(`chaos: seed ${seed} (npm run chaos -- --minutes ${minutes} --seed ${seed} repeats this schedule)`);
await call('PUT', LOAD_PATH, { rate });
say(`load at ${rate} orders a second`);
let grown = false;
const end = started + minutes * 60_000;
while (Date.now() < end) {
  await sleep(Math.min(between(8, 15) * 1000, Math.max(0, end - Date.now())));
  if (Date.now() >= end) break;
  const name = !grown && random() < 0.1 ? ONCE : (FAULTS[between(0, FAULTS.length - 1)] as string);
  if (name === ONCE) grown = true;
  const seconds = between(3, 10);
  const latencyMs = between(2, 30) * 100; // slow-internal-api's: 0.2–3 s a call
  const result = await call('POST', `${FAULTS_PATH}/${name}`, { seconds, latencyMs }).catch((error: Error) => ({
    ok: false,
    body: { detail: error.message } as Record<string, unknown>,
  }));
  if (!result.ok) say(`${name} refused: ${String(result.body.detail)}`);
  else {
    const lasting = result.body.endedAt === null;
    say(`${name} on ${String(result.body.target)}${lasting ? ` for ${seconds} s` : ''}`);
    if (lasting) await sleep(seconds * 1000 + 500); // one fault at a time: the next waits for this one's end
  }
}

const load = (await call('DELETE', LOAD_PATH)).body;
say(`load stopped: ${String(load.accepted)} accepted`);
const faults = (await call('GET', FAULTS_PATH)).body.faults as { name: string; active: boolean }[];
for (const fault of faults.filter((f) => f.active)) await call('DELETE', `${FAULTS_PATH}/${fault.name}`);

type Verdict = {
  accepted: number;
  byStatus: { shipped: number };
  lost: unknown[];
  outOfOrder: unknown[];
  deadLettered: number;
  slowestMs: number | null;
  sentence: string;
};
let verdict: Verdict | undefined;
for (const deadline = Date.now() + 180_000; Date.now() < deadline; await sleep(2000)) {
  const answer = await call('GET', VERDICT_PATH).catch(() => undefined);
  if (!answer?.ok) continue;
  verdict = answer.body as unknown as Verdict;
  if (verdict.byStatus.shipped + verdict.deadLettered >= verdict.accepted) break;
}
if (own) process.kill(-(own.pid as number), 'SIGINT');
if (!verdict) {
  console.error('chaos: the verdict could not be read');
  process.exit(1);
}
const unshipped = verdict.accepted - verdict.byStatus.shipped - verdict.deadLettered;
say(verdict.sentence);
console.log(
  `chaos: accepted ${verdict.accepted}, shipped ${verdict.byStatus.shipped}, lost ${verdict.lost.length}, ` +
    `out-of-order ${verdict.outOfOrder.length}, dead-lettered ${verdict.deadLettered}, ` +
    `slowest ${verdict.slowestMs === null ? '–' : (verdict.slowestMs / 1000).toFixed(1)} s` +
    (unshipped > 0 ? ` (${unshipped} not shipped 3 minutes after the load stopped)` : ''),
);
process.exit(verdict.lost.length > 0 || verdict.outOfOrder.length > 0 || unshipped > 0 ? 1 : 0);
