// `npm run fault -- <name> [--seconds S] [--latency MS]`: a fault of the lab in the running `npm start` (its control API);
// `npm run fault -- end <name>` undoes a lasting one; `npm run fault` alone lists them and the timeline.
import { parseArgs } from 'node:util';
import { FAULTS_PATH } from '../runner/control.ts';
import { readStackSettings } from '../settings.ts';

const USAGE =
  'usage: npm run fault -- <name> [--seconds S] [--latency MS]  |  npm run fault -- end <name>  |  npm run fault';
const base = `http://127.0.0.1:${readStackSettings().controlPort}${FAULTS_PATH}`;

let parsed: { values: { seconds?: string; latency?: string }; positionals: string[] };
try {
  parsed = parseArgs({ options: { seconds: { type: 'string' }, latency: { type: 'string' } }, allowPositionals: true });
} catch (error) {
  console.error(`fault: ${(error as Error).message}\n${USAGE}`);
  process.exit(2);
}
const [first, second] = parsed.positionals;
const seconds = parsed.values.seconds === undefined ? undefined : Number(parsed.values.seconds);
if (seconds !== undefined && !(seconds > 0)) {
  console.error(`fault: --seconds must be a number above 0\n${USAGE}`);
  process.exit(2);
}
const latencyMs = parsed.values.latency === undefined ? undefined : Number(parsed.values.latency);
if (latencyMs !== undefined && !(latencyMs > 0)) {
  console.error(`fault: --latency must be a number of milliseconds above 0\n${USAGE}`);
  process.exit(2);
}

type Entry = { fault: string; target: string; startedAt: string; endedAt: string | null };
const describe = (e: Entry) =>
  `${e.fault} on ${e.target}: ${e.startedAt}${e.endedAt === null ? ' → on' : e.endedAt === e.startedAt ? '' : ` → ${e.endedAt}`}`;

async function call(method: string, url: string, body?: unknown) {
  const response = await fetch(url, {
    method,
    headers: { 'content-type': 'application/json' },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const answer = (await response.json()) as Record<string, unknown>;
  if (!response.ok) {
    console.error(`fault: ${String(answer.detail ?? response.statusText)}`);
    process.exit(response.status === 400 ? 2 : 1);
  }
  return answer;
}

try {
  if (first === undefined) {
    const { faults, timeline } = (await call('GET', base)) as {
      faults: { name: string; what: string; active: boolean }[];
      timeline: Entry[];
    };
    for (const f of faults) console.log(`${f.active ? '*' : ' '} ${f.name.padEnd(16)} ${f.what}`);
    if (timeline.length) console.log(`timeline:\n${timeline.map((e) => `  ${describe(e)}`).join('\n')}`);
  } else if (first === 'end') {
    if (!second) throw new Error('end needs the name of the fault');
    console.log(`ended ${describe((await call('DELETE', `${base}/${encodeURIComponent(second)}`)) as Entry)}`);
  } else {
    const entry = (await call('POST', `${base}/${encodeURIComponent(first)}`, { seconds, latencyMs })) as Entry;
    console.log(
      `started ${describe(entry)}${entry.endedAt === null && seconds ? `, ends by itself in ${seconds} s` : ''}`,
    );
  }
} catch (error) {
  const message = (error as Error).message;
  console.error(
    message.startsWith('end needs')
      ? `fault: ${message}\n${USAGE}`
      : `fault: no npm start answers on ${base} (npm start)`,
  );
  process.exit(message.startsWith('end needs') ? 2 : 1);
}
