// `npm run scale -- N`: the running `npm start` runs N processor instances (started or stopped one by one);
// `npm run scale` alone lists them.
import { PROCESSORS_PATH } from '../runner/control.ts';
import { readStackSettings } from '../settings.ts';

const { controlPort } = readStackSettings();
const url = `http://127.0.0.1:${controlPort}${PROCESSORS_PATH}`;
const argument = process.argv[2];
if (argument !== undefined && !/^\d+$/.test(argument)) {
  console.error('usage: npm run scale -- <instances>   (npm run scale alone lists them)');
  process.exit(2);
}

try {
  const response = await fetch(url, {
    method: argument === undefined ? 'GET' : 'PUT',
    headers: { 'content-type': 'application/json' },
    ...(argument === undefined ? {} : { body: JSON.stringify({ count: Number(argument) }) }),
  });
  const body = (await response.json()) as { instances?: { name: string; port: number }[]; detail?: string };
  if (!response.ok) {
    console.error(`scale: ${body.detail ?? response.statusText}`);
    process.exit(1);
  }
  const instances = body.instances ?? [];
  console.log(`${instances.length} processor instance(s) in the group`);
  for (const i of instances) console.log(`  ${i.name}\thttp://127.0.0.1:${i.port}/status`);
} catch {
  console.error(`scale: no npm start answers on ${url} (start the stack first: npm start)`);
  process.exit(1);
}
