// `.data/node/bin/node bench/memory.ts`: where a service's memory goes before it does any work. Each line is a
// fresh Node.js that imports one thing and reports its RSS and V8 heap, so a component's cost is its line minus the
// bare runtime's. `--load "<VARIABLE=value> <node flags>" …` runs both services under load with each variant in
// turn; the suite (`npm run bench`) reads the same figures from the running services in every phase.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { serviceArgs } from '../dev/src/processes.ts';
import { startInfra } from '../dev/src/runner/stack.ts';
import { readStackSettings, repoRoot } from '../dev/src/settings.ts';
import { loadOrders, startPipeline } from './pipeline.ts';
import type { ProcessUse } from './resources.ts';

interface Reading {
  what: string;
  rssMb: number;
  heapUsedMb: number;
  heapTotalMb: number;
  externalMb: number;
}

const REPORT = `const m = process.memoryUsage();
process.stdout.write(JSON.stringify([m.rss, m.heapUsed, m.heapTotal, m.external].map((b) => Math.round(b / 1e5) / 10)));`;

/** One fresh Node.js, run from `cwd` (so it resolves that service's dependencies) with `flags`. */
function measure(what: string, code: string, options: { cwd: string; flags?: string[]; ts?: boolean }): Reading {
  const dir = mkdtempSync(join(tmpdir(), 'metalmart-memory-'));
  const file = join(dir, options.ts ? 'probe.ts' : 'probe.mjs');
  writeFileSync(file, `${code}\n${REPORT}\n`);
  const run = spawnSync(process.execPath, [...(options.flags ?? []), file], {
    cwd: options.cwd,
    encoding: 'utf8',
    env: { ...process.env, NODE_PATH: join(options.cwd, 'node_modules') },
  });
  if (run.status !== 0) throw new Error(`${what}: ${run.stderr}`);
  const [rssMb, heapUsedMb, heapTotalMb, externalMb] = JSON.parse(run.stdout) as number[];
  return {
    what,
    rssMb: rssMb ?? 0,
    heapUsedMb: heapUsedMb ?? 0,
    heapTotalMb: heapTotalMb ?? 0,
    externalMb: externalMb ?? 0,
  };
}

/** An import by absolute path (the probe lives in a temporary folder, outside the workspace). */
const importOf = (cwd: string, specifier: string) =>
  `await import(${JSON.stringify(import.meta.resolve(specifier, `file://${cwd}/`))});`;

export function componentReadings(): Reading[] {
  const order = join(repoRoot, 'services', 'order');
  const processor = join(repoRoot, 'services', 'order-processor');
  const flags = serviceArgs('').filter((a) => a.startsWith('--'));
  const probe = (what: string, cwd: string, specifiers: string[], ts = false) =>
    measure(what, specifiers.map((s) => importOf(cwd, s)).join('\n'), { cwd, flags, ts });
  return [
    probe('Node.js alone (plain JavaScript)', order, []),
    probe('Node.js running a .ts file (type stripping)', order, [], true),
    probe('pino', order, ['pino']),
    probe('pg', order, ['pg']),
    probe('undici', processor, ['undici']),
    probe('prom-client', order, ['prom-client']),
    probe('typebox', order, ['typebox']),
    probe('fastify', order, ['fastify']),
    probe('@platformatic/kafka', order, ['@platformatic/kafka']),
    probe('Order Service: all its modules (service.ts)', order, [join(order, 'src', 'service.ts')], true),
    probe('processor: all its modules (processor.ts)', processor, [join(processor, 'src', 'processor.ts')], true),
  ];
}

/** `"MALLOC_ARENA_MAX=2 --max-semi-space-size=4"`: variables first, then NODE_OPTIONS. */
function variantEnv(variant: string): Record<string, string> {
  const words = variant.split(' ').filter(Boolean);
  const variables = words.filter((w) => /^[A-Z_]+=/.test(w)).map((w) => w.split('='));
  const nodeOptions = words.filter((w) => w.startsWith('--')).join(' ');
  return { ...Object.fromEntries(variables), ...(nodeOptions ? { NODE_OPTIONS: nodeOptions } : {}) };
}

/**
 * RSS of both services (max over the run, /proc) while POST /api/orders runs at 128 connections and a processor
 * works the queue at delay 0, with each variant (environment variables and NODE_OPTIONS) in turn.
 */
export async function underLoad(variants: string[], seconds = 20) {
  const settings = readStackSettings();
  const infra = await startInfra(settings);
  const results: { nodeOptions: string; use: ProcessUse[]; perSecond: number }[] = [];
  try {
    for (const nodeOptions of variants) {
      const pipeline = await startPipeline(infra, new Map(), variantEnv(nodeOptions));
      await pipeline.addProcessors(1);
      await loadOrders(pipeline.orderService.url, { connections: 128, seconds: 3 });
      const watch = pipeline.watch();
      const load = await loadOrders(pipeline.orderService.url, { connections: 128, seconds });
      const use = watch.stop();
      results.push({ nodeOptions, use, perSecond: load.perSecond });
      console.log(
        `  NODE_OPTIONS="${nodeOptions}": ${load.perSecond} req/s; ${use.map((u) => `${u.name} ${u.rssMaxMb} MB ${u.cpuPercent} %`).join(' · ')}`,
      );
      await pipeline.close();
    }
  } finally {
    await infra.stop();
  }
  return results;
}

if (import.meta.main && process.argv[2] === '--load') {
  await underLoad(process.argv.slice(3));
} else if (import.meta.main) {
  const readings = componentReadings();
  const bare = readings[0]?.rssMb ?? 0;
  console.log('RSS after importing each alone (a fresh Node.js each, no work done):');
  for (const r of readings) {
    console.log(
      `  ${r.what.padEnd(48)} RSS ${String(r.rssMb).padStart(6)} MB (+${(r.rssMb - bare).toFixed(1)})  heap used ${r.heapUsedMb} of ${r.heapTotalMb} MB, external ${r.externalMb} MB`,
    );
  }
}
