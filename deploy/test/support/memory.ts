// How much memory the two services' containers get, from what `npm run bench` measured: the one place the rule
// lives. docs/deploy.md ("Memory") says it in words; deploy/test/memory.*.test.ts hold every Kubernetes rendering,
// docker-compose.yml and the images' heap setting to it.
import { readRepoFile } from './files.ts';

/** The figures come from here: `resources.<phase>[] = { name, rssMaxMb, cpuPercent }`, per process. */
export const BENCH_FILE = 'docs/benchmarks/latest.json';

/** A container's memory limit ≥ the highest RSS measured in any phase × LIMIT_HEADROOM, rounded up to STEP_MIB. */
export const LIMIT_HEADROOM = 1.25;
/**
 * Limits and requests go in steps of 64 Mi. A request ≥ the median of the per-phase peaks (what a pod usually
 * reaches), rounded up to a step.
 */
export const STEP_MIB = 64;
/**
 * V8's old space may take at most this share of the container's limit: the rest is for what it does not hold —
 * Node's own code and native memory, Buffers (Kafka fetches, HTTP bodies), the young generation, thread stacks.
 */
export const MAX_HEAP_SHARE = 0.75;

const MIB = 2 ** 20;

/** Which processes of a benchmark run are which service (bench/suite.ts names them). */
const BENCH_PROCESSES = {
  order: (name: string) => name === 'Order Service',
  processor: (name: string) => /^processor \d+$/.test(name),
} as const;
export type BenchService = keyof typeof BENCH_PROCESSES;

export interface Measured {
  /** Every phase's peak of every matching process: `<phase>: <process> <rssMaxMb> MB`. */
  samples: string[];
  /** The highest of them, MiB. */
  peakMiB: number;
  /** Their median, MiB. */
  typicalMiB: number;
}

export interface Sizing {
  limitMiB: number;
  requestMiB: number;
}

type BenchRun = { resources?: Record<string, { name: string; rssMaxMb: number }[]> };

export function readLatestBench(): BenchRun {
  return JSON.parse(readRepoFile(BENCH_FILE)) as BenchRun;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1
    ? (sorted[middle] as number)
    : ((sorted[middle - 1] as number) + (sorted[middle] as number)) / 2;
}

/** A service's RSS figures in a benchmark run (its `rssMaxMb` is in MB, 10⁶ bytes: bench/resources.ts). */
export function measured(run: BenchRun, service: BenchService): Measured {
  const matches = BENCH_PROCESSES[service];
  const found = Object.entries(run.resources ?? {}).flatMap(([phase, processes]) =>
    processes.filter((p) => matches(p.name)).map((p) => ({ phase, ...p })),
  );
  if (found.length === 0) throw new Error(`${BENCH_FILE} has no RSS figures for the ${service} service`);
  const mib = found.map((p) => (p.rssMaxMb * 1e6) / MIB);
  return {
    samples: found.map((p) => `${p.phase}: ${p.name} ${p.rssMaxMb} MB`),
    peakMiB: Math.max(...mib),
    typicalMiB: median(mib),
  };
}

export function roundUpToStep(mib: number): number {
  return Math.ceil(mib / STEP_MIB) * STEP_MIB;
}

/** The smallest limit and request the rule allows for these figures. */
export function sizing(figures: Measured): Sizing {
  return {
    limitMiB: roundUpToStep(figures.peakMiB * LIMIT_HEADROOM),
    requestMiB: roundUpToStep(figures.typicalMiB),
  };
}

const KUBERNETES_UNITS: Record<string, number> = {
  '': 1,
  k: 1e3,
  M: 1e6,
  G: 1e9,
  T: 1e12,
  Ki: 2 ** 10,
  Mi: 2 ** 20,
  Gi: 2 ** 30,
  Ti: 2 ** 40,
};

/** A Kubernetes memory quantity ("448Mi", "1Gi", "512M", 1073741824) in MiB. */
export function kubernetesMiB(quantity: string | number | undefined): number {
  if (typeof quantity === 'number') return quantity / MIB;
  const [, amount, unit = ''] = /^(\d+(?:\.\d+)?)(Ki|Mi|Gi|Ti|k|M|G|T)?$/.exec(quantity ?? '') ?? [];
  const factor = KUBERNETES_UNITS[unit];
  if (amount === undefined || factor === undefined) throw new Error(`not a memory quantity: ${quantity}`);
  return (Number(amount) * factor) / MIB;
}

/** A Compose byte value ("448M", "1G") in MiB: Docker reads its units as binary (1M = 1 MiB). */
export function composeMiB(value: string | undefined): number {
  const [, amount, unit = 'b'] = /^(\d+(?:\.\d+)?)([bkmg])b?$/i.exec(value ?? '') ?? [];
  if (amount === undefined) throw new Error(`not a Compose byte value: ${value}`);
  const power = 'bkmg'.indexOf(unit.toLowerCase());
  return (Number(amount) * 1024 ** power) / MIB;
}

/**
 * The old-space size (MiB) that Node.js gives V8 with these NODE_OPTIONS in a container limited to `limitMiB`:
 * `--max-old-space-size-percentage` (a share of the container's memory, Node ≥ 24.6; it wins over the other),
 * else `--max-old-space-size`; undefined when neither is set.
 */
export function oldSpaceMiB(nodeOptions: string | undefined, limitMiB: number): number | undefined {
  const flag = (name: string) => {
    const pattern = new RegExp(`(?:^|\\s)--${name.replaceAll('-', '[-_]')}[=\\s]"?(\\d+(?:\\.\\d+)?)"?(?=\\s|$)`, 'g');
    const values = [...(nodeOptions ?? '').matchAll(pattern)].map((m) => Number(m[1]));
    return values.at(-1); // the last one counts
  };
  const percentage = flag('max-old-space-size-percentage');
  if (percentage !== undefined) return (limitMiB * percentage) / 100;
  return flag('max-old-space-size');
}
