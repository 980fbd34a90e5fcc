// `npm run load -- --rate N --seconds S`: orders into the running stack (`npm start`) at N a second for S
// seconds (until Ctrl-C without --seconds), with a live line of what was accepted and refused.
import { parseArgs } from 'node:util';
import { readStackSettings } from '../settings.ts';
import { describeRefusals, type Load, startLoad } from './load.ts';

const USAGE = 'usage: npm run load -- --rate <orders a second, 1–10000> [--seconds <S>] [--url <Order Service URL>]';

function fail(message: string, code = 2): never {
  console.error(`load: ${message}\n${USAGE}`);
  process.exit(code);
}

let args: { rate?: string; seconds?: string; url?: string };
try {
  args = parseArgs({
    options: { rate: { type: 'string' }, seconds: { type: 'string' }, url: { type: 'string' } },
  }).values;
} catch (error) {
  fail((error as Error).message);
}
const rate = Number(args.rate ?? Number.NaN);
if (!Number.isFinite(rate) || rate < 1 || rate > 10_000) fail('--rate must be a number from 1 to 10000');
const seconds = args.seconds === undefined ? undefined : Number(args.seconds);
if (seconds !== undefined && !(Number.isInteger(seconds) && seconds > 0))
  fail('--seconds must be a whole number above 0');
const url = args.url ?? `http://127.0.0.1:${readStackSettings().orderServicePort}`;

let load: Load;
try {
  load = await startLoad(url, rate);
} catch (error) {
  fail(
    `the Order Service at ${url} does not answer (${(error as Error).message}): start the stack first (npm start)`,
    1,
  );
}

const started = Date.now();
const live = process.stdout.isTTY;
const line = () => {
  const elapsed = Math.round((Date.now() - started) / 1000);
  const counts = load.counts();
  const now = load.perSecond();
  return (
    `load: ${elapsed}${seconds ? ` of ${seconds}` : ''} s · asked ${rate}/s · accepted ${now.accepted}/s ` +
    `(${counts.accepted}) · refused ${now.refused}/s · ${describeRefusals(counts)}` +
    (counts.skipped ? ` · ${counts.skipped} not sent (${counts.inFlight} waiting for answers)` : '')
  );
};
// A terminal gets one line rewritten every second; a pipe or a log gets a line every 5 s.
let ticks = 0;
const progress = setInterval(() => {
  ticks++;
  if (live) process.stdout.write(`\r\x1b[2K${line()}`);
  else if (ticks % 5 === 0) console.log(line());
}, 1000);

const finish = async () => {
  clearInterval(progress);
  const counts = await load.stop();
  if (live) process.stdout.write('\r\x1b[2K');
  const elapsed = (Date.now() - started) / 1000;
  console.log(
    `load: ${counts.accepted} accepted in ${elapsed.toFixed(1)} s (${(counts.accepted / elapsed).toFixed(1)}/s), ` +
      `${describeRefusals(counts)}${counts.skipped ? `, ${counts.skipped} not sent` : ''}`,
  );
  process.exit(counts.accepted > 0 ? 0 : 1);
};
process.once('SIGINT', () => void finish());
process.once('SIGTERM', () => void finish());
if (seconds) setTimeout(() => void finish(), seconds * 1000);
