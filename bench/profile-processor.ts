// Ad hoc: a CPU profile of one processor working a backlog at delay 0 (node --cpu-prof), summarised by self time.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { startInfra } from '../dev/src/runner/stack.ts';
import { readStackSettings } from '../dev/src/settings.ts';
import { count, loadOrders, startPipeline, waitFor } from './pipeline.ts';

const dir = process.env.PROFILE_DIR || '/tmp/prof';
const infra = await startInfra(readStackSettings());
const pipeline = await startPipeline(infra, new Map());
await loadOrders(pipeline.orderService.url, { connections: 32, amount: 3000 });
process.env.NODE_OPTIONS = `--cpu-prof --cpu-prof-dir=${dir}`;
await pipeline.addProcessors(1);
delete process.env.NODE_OPTIONS;
const t0 = Date.now();
await waitFor('shipped', async () => (await count(pipeline.db, "status <> 'shipped'")) === 0, 600_000);
console.log(`3000 orders in ${Date.now() - t0} ms`);
await pipeline.close();
await infra.stop();
const file = readdirSync(dir)
  .filter((f) => f.endsWith('.cpuprofile'))
  .sort()
  .at(-1) as string;
const profile = JSON.parse(readFileSync(join(dir, file), 'utf8')) as {
  nodes: { id: number; callFrame: { functionName: string; url: string; lineNumber: number } }[];
  samples: number[];
};
const byId = new Map(profile.nodes.map((n) => [n.id, n]));
const self = new Map<string, number>();
for (const id of profile.samples) {
  const f = byId.get(id)?.callFrame;
  const key = `${f?.functionName || '(anonymous)'} ${f?.url.replace(/^.*node_modules\//, '').replace(/^file:\/\/\/work\/main\//, '')}`;
  self.set(key, (self.get(key) ?? 0) + 1);
}
const total = profile.samples.length;
const byPackage = new Map<string, number>();
for (const [key, n] of self) {
  const url = key.split(' ').slice(1).join(' ');
  const pkg = url.startsWith('@') ? url.split('/').slice(0, 2).join('/') : url.split('/')[0] || '(native)';
  byPackage.set(pkg, (byPackage.get(pkg) ?? 0) + n);
}
console.log('by package/file root:');
for (const [k, n] of [...byPackage].sort((a, b) => b[1] - a[1]).slice(0, 12))
  console.log(`  ${((n / total) * 100).toFixed(1)} %  ${k}`);
console.log('top functions (self):');
for (const [k, n] of [...self].sort((a, b) => b[1] - a[1]).slice(0, 15))
  console.log(`  ${((n / total) * 100).toFixed(1)} %  ${k}`);
