// The benchmark's outputs: the printed table with ratios and targets, docs/benchmarks/<time>.json (+ latest.json),
// an SVG chart drawn from it, and the README's benchmark table (between its bench markers).
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { join } from 'node:path';
import { repoRoot } from '../dev/src/settings.ts';
import type { StatementCost } from './pipeline.ts';
import type { ProcessUse } from './resources.ts';

export interface BenchRun {
  seconds: number;
  warmup: number;
  backlog: number;
  figures: Record<string, { value: number; unit: string }>;
  resources: Record<string, ProcessUse[]>;
  /** pg_stat_statements per phase: the costliest statements, per order. */
  statements: Record<string, StatementCost[]>;
  /** The settings the stage figures are measured at, and their ceilings (concurrency ÷ 3 stages). */
  limits: {
    stageDelayMs: number;
    demoCeiling: number;
    scalingConcurrency: number;
    scalingCeilingPerInstance: number;
    scalingInstances: number[];
  };
}

/** Per instance count: shipped/s, and what each step up added per added instance, as a share of one instance. */
export function scalingCurve(run: BenchRun) {
  const rate = (n: number) => run.figures[`scaling, ${n} instance(s)`]?.value ?? Number.NaN;
  const one = rate(1);
  return run.limits.scalingInstances.map((instances, i) => {
    const previous = run.limits.scalingInstances[i - 1];
    const addedPerInstance =
      previous === undefined ? undefined : (rate(instances) - rate(previous)) / (instances - previous) / one;
    return { instances, perSecond: rate(instances), addedPerInstance };
  });
}

interface Row {
  what: string;
  value: string;
  ratio?: string;
  target?: string;
  met?: boolean;
}

const outDir = join(repoRoot, 'docs', 'benchmarks');

const round = (value: number) => Math.round(value * 10) / 10;
const percent = (value: number, of: number) => `${Math.round((value / of) * 100)} %`;

function rows(run: BenchRun): Row[] {
  const f = (key: string) => run.figures[key]?.value ?? Number.NaN;
  const insert = f('pgbench order+outbox insert');
  const pct = (value: number) => `${Math.round((value / insert) * 100)} % of pgbench insert`;
  const maxRss = (name: RegExp) =>
    Math.max(
      ...Object.values(run.resources).flatMap((use) => use.filter((u) => name.test(u.name)).map((u) => u.rssMaxMb)),
    );
  const rssOrder = maxRss(/^Order Service$/);
  const rssProcessor = maxRss(/^processor/);
  return [
    { what: 'pgbench: order + outbox insert (16 clients)', value: `${insert} tx/s` },
    { what: 'pgbench: guarded transition (16 clients)', value: `${f('pgbench guarded transition')} tx/s` },
    { what: 'Kafka produce, idempotent, acks=all, event-sized', value: `${f('Kafka produce')} msg/s` },
    { what: 'Kafka consume, event-sized', value: `${f('Kafka consume')} msg/s` },
    {
      what: 'POST /api/orders, 32 connections (processor at delay 0)',
      value: `${f('accepted at 32 connections')} req/s, p50 ${f('p50 at 32 connections')} ms, p99 ${f('p99 at 32 connections')} ms`,
      ratio: pct(f('accepted at 32 connections')),
      target: 'p99 ≤ 100 ms',
      met: f('p99 at 32 connections') <= 100,
    },
    {
      what: 'POST /api/orders, 128 connections (processor at delay 0)',
      value: `${f('accepted at 128 connections')} req/s, p50 ${f('p50 at 128 connections')} ms, p99 ${f('p99 at 128 connections')} ms`,
      ratio: pct(f('accepted at 128 connections')),
      target: '≥ 50 %',
      met: f('accepted at 128 connections') >= insert * 0.5,
    },
    {
      what: `fully processed at delay 0, 1 instance (${run.backlog} queued)`,
      value: `${f('processed with 1 instance(s)')} orders/s`,
      ratio: pct(f('processed with 1 instance(s)')),
      target: '≥ 25 %',
      met: f('processed with 1 instance(s)') >= insert * 0.25,
    },
    {
      what: `fully processed at delay 0, 2 instances (${run.backlog} queued)`,
      value: `${f('processed with 2 instance(s)')} orders/s`,
      target: '> 1 instance',
      met: f('processed with 2 instance(s)') > f('processed with 1 instance(s)'),
    },
    {
      what: `the demo's stages (${run.limits.stageDelayMs / 1000} s each), default settings, 1 instance, steady state`,
      value: `${f('demo stages, per instance')} orders/s`,
      ratio: `${percent(f('demo stages, per instance'), run.limits.demoCeiling)} of the stages' ceiling (${round(run.limits.demoCeiling)}/s)`,
      target: '≥ 95 % of the ceiling',
      met: f('demo stages, per instance') >= run.limits.demoCeiling * 0.95,
    },
    ...scalingCurve(run).map(
      (point): Row => ({
        what: `scaling: ${point.instances} instance(s) × ${run.limits.scalingConcurrency} orders at a time, steady state`,
        value: `${point.perSecond} orders/s`,
        ratio: `${percent(point.perSecond, point.instances * run.limits.scalingCeilingPerInstance)} of ${point.instances} × the ceiling (${round(run.limits.scalingCeilingPerInstance)}/s)`,
        ...(point.addedPerInstance !== undefined && {
          target: 'each added instance adds ≥ 90 % of one',
          met: point.addedPerInstance >= 0.9,
        }),
      }),
    ),
    {
      what: `commit → on the topic at ${f('paced load')} orders/s`,
      value: `p50 ${f('commit to topic p50')} ms, p99 ${f('commit to topic p99')} ms`,
      ratio: `${round((f('paced load') / f('Kafka produce')) * 100)} % of Kafka's raw produce rate`,
      target: 'p99 ≤ 20 ms',
      met: f('commit to topic p99') <= 20,
    },
    {
      what: 'RSS under load, max: Order Service / processor',
      value: `${rssOrder} MB / ${rssProcessor} MB`,
      target: '≤ 150 MB each',
      met: rssOrder <= 150 && rssProcessor <= 150,
    },
  ];
}

function machine() {
  const commit = (() => {
    try {
      return execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: repoRoot, encoding: 'utf8' }).trim();
    } catch {
      return 'unknown';
    }
  })();
  return {
    cpu: `${cpus().length} × ${cpus()[0]?.model.trim() ?? 'unknown CPU'}`,
    memoryGiB: Math.round(totalmem() / 2 ** 30),
    node: process.version,
    commit,
    at: new Date().toISOString(),
  };
}

function markdownTable(table: Row[]): string {
  const lines = ['| what | figure | ratio to the raw limit | target | met |', '| --- | --- | --- | --- | --- |'];
  for (const r of table) {
    const met = r.met === undefined ? '' : r.met ? 'yes' : '**no**';
    lines.push(`| ${r.what} | ${r.value} | ${r.ratio ?? ''} | ${r.target ?? ''} | ${met} |`);
  }
  return lines.join('\n');
}

/** Horizontal bars in orders/s (or tx/s) on one scale: the pipeline next to the raw limit it stands on. */
function chart(run: BenchRun): string {
  const bars: [string, number][] = [
    ['pgbench order+outbox insert (tx/s)', run.figures['pgbench order+outbox insert']?.value ?? 0],
    ['accepted, 32 connections', run.figures['accepted at 32 connections']?.value ?? 0],
    ['accepted, 128 connections', run.figures['accepted at 128 connections']?.value ?? 0],
    ['processed, 1 instance', run.figures['processed with 1 instance(s)']?.value ?? 0],
    ['processed, 2 instances', run.figures['processed with 2 instance(s)']?.value ?? 0],
    ['demo 2 s stages, 1 instance', run.figures['demo stages, per instance']?.value ?? 0],
  ];
  const max = Math.max(...bars.map(([, v]) => v), 1);
  const rowsSvg = bars
    .map(([label, value], i) => {
      const y = 40 + i * 34;
      const width = Math.round((value / max) * 460);
      return `<text x="10" y="${y + 16}" font-size="13">${label}</text><rect x="250" y="${y}" width="${width}" height="22" fill="${i === 0 ? '#6b7280' : '#c2410c'}"/><text x="${256 + width}" y="${y + 16}" font-size="13">${value}</text>`;
    })
    .join('\n  ');
  return `<svg xmlns="http://www.w3.org/2000/svg" role="img" width="800" height="${60 + bars.length * 34}" font-family="sans-serif">
  <title>Orders per second of the pipeline next to pgbench's rate for the same insert statement</title>
  <text x="10" y="22" font-size="15" font-weight="bold">MetalMart npm run bench — orders per second next to PostgreSQL's own rate</text>
  ${rowsSvg}
</svg>
`;
}

/**
 * The seed's scaling story as a picture: shipped orders a second for each instance count (bars), next to the ceiling
 * of that many instances (count × concurrency ÷ 3 stages; outlined).
 */
export function scalingChart(run: BenchRun): string {
  const curve = scalingCurve(run);
  const ceiling = (n: number) => n * run.limits.scalingCeilingPerInstance;
  const max = Math.max(...curve.map((p) => Math.max(p.perSecond || 0, ceiling(p.instances))), 1);
  const height = 260;
  const base = 300;
  const bars = curve
    .map((p, i) => {
      const x = 90 + i * 150;
      const h = Math.round(((p.perSecond || 0) / max) * height);
      const c = Math.round((ceiling(p.instances) / max) * height);
      const added =
        p.addedPerInstance === undefined ? '' : `each added: +${Math.round(p.addedPerInstance * 100)} % of one`;
      return [
        `<rect x="${x}" y="${base - c}" width="70" height="${c}" fill="none" stroke="#6b7280" stroke-dasharray="4 3"/>`,
        `<rect x="${x}" y="${base - h}" width="70" height="${h}" fill="#c2410c"/>`,
        `<text x="${x + 35}" y="${base - h - 6}" font-size="13" text-anchor="middle">${p.perSecond}</text>`,
        `<text x="${x + 35}" y="${base + 18}" font-size="13" text-anchor="middle">${p.instances} instance${p.instances > 1 ? 's' : ''}</text>`,
        `<text x="${x + 35}" y="${base + 34}" font-size="11" text-anchor="middle" fill="#6b7280">${added}</text>`,
      ].join('');
    })
    .join('\n  ');
  return `<svg xmlns="http://www.w3.org/2000/svg" role="img" width="720" height="360" font-family="sans-serif">
  <title>Shipped orders per second with 1, 2, 3 and 6 processor instances at the demo's stages</title>
  <text x="10" y="22" font-size="15" font-weight="bold">Add processors, ship more: orders/s in steady state (${run.limits.stageDelayMs / 1000} s stages, ${run.limits.scalingConcurrency} orders at a time each)</text>
  <text x="10" y="40" font-size="12" fill="#6b7280">bars: measured by npm run bench · dashed: the ceiling, instances × ${run.limits.scalingConcurrency} ÷ ${round(run.limits.scalingConcurrency / run.limits.scalingCeilingPerInstance)} s</text>
  ${bars}
</svg>
`;
}

export async function writeReport(run: BenchRun): Promise<void> {
  const table = rows(run);
  const host = machine();
  console.log('\nResults (one run, same servers):');
  for (const r of table) {
    const target = r.target ? `  [target ${r.target}: ${r.met ? 'met' : 'NOT met'}]` : '';
    console.log(`  ${r.what}: ${r.value}${r.ratio ? ` — ${r.ratio}` : ''}${target}`);
  }
  mkdirSync(outDir, { recursive: true });
  const json = `${JSON.stringify({ machine: host, ...run, table }, null, 2)}\n`;
  writeFileSync(join(outDir, `${host.at.slice(0, 16).replace(':', '-')}.json`), json);
  writeFileSync(join(outDir, 'latest.json'), json);
  writeFileSync(join(outDir, 'latest.svg'), chart(run));
  writeFileSync(join(outDir, 'scaling.svg'), scalingChart(run));
  const readme = join(repoRoot, 'README.md');
  const text = readFileSync(readme, 'utf8');
  const start = '<!-- bench:start -->';
  const end = '<!-- bench:end -->';
  const generated = `${start}\n\n_Generated by \`npm run bench\` on ${host.at.slice(0, 10)}, commit ${host.commit}: ${host.cpu}, ${host.memoryGiB} GiB, Node.js ${host.node}; ${run.seconds} s per phase after ${run.warmup} s of warm-up. JSON and charts: [docs/benchmarks/](docs/benchmarks/)._\n\n${markdownTable(table)}\n\n![Shipped orders per second with 1, 2, 3 and 6 processor instances](docs/benchmarks/scaling.svg)\n\n${end}`;
  if (text.includes(start) && text.includes(end)) {
    writeFileSync(readme, text.replace(new RegExp(`${start}[\\s\\S]*${end}`), generated));
    console.log('README.md: benchmark table updated; docs/benchmarks/latest.{json,svg} written.');
  }
  // The repo's one formatter lays out what was generated (the table's padding, the JSON), so `biome ci` passes.
  execFileSync(join(repoRoot, 'node_modules', '.bin', 'biome'), ['format', '--write', readme, outDir], {
    stdio: 'ignore',
  });
}
