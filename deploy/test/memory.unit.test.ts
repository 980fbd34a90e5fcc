// Memory without Kubernetes: the rule's arithmetic (deploy/test/support/memory.ts), the figures it takes from the
// latest benchmark, the images' heap setting, and docker-compose.yml's limits. Every Kubernetes rendering is held
// to the same rule by memory.render.test.ts.
import { describe, expect, it } from 'vitest';
import { parse, parseAllDocuments } from 'yaml';
import { POD_NODE_OPTIONS } from '../../bench/pod.ts';
import { imageEnv, parseDockerfile } from './support/dockerfile.ts';
import { readRepoFile } from './support/files.ts';
import {
  composeMiB,
  kubernetesMiB,
  MAX_HEAP_SHARE,
  measured,
  oldSpaceMiB,
  readLatestBench,
  roundUpToStep,
  sizing,
} from './support/memory.ts';
import { SERVICES } from './support/services.ts';

const MB = 1e6 / 2 ** 20; // one MB (what the benchmark records) in MiB

describe('the rule', () => {
  const run = {
    resources: {
      accept: [
        { name: 'PostgreSQL', rssMaxMb: 1100 },
        { name: 'Order Service', rssMaxMb: 250 },
        { name: 'processor 1', rssMaxMb: 200 },
      ],
      process: [
        { name: 'Order Service', rssMaxMb: 290 },
        { name: 'processor 1', rssMaxMb: 300 },
        { name: 'processor 2', rssMaxMb: 346 },
      ],
      demo: [
        { name: 'Order Service', rssMaxMb: 296 },
        { name: 'processor 1', rssMaxMb: 320 },
      ],
    },
  };

  it('takes the highest and the median per-phase RSS of each service, converted from MB to MiB', () => {
    const processor = measured(run, 'processor');
    expect(processor.samples).toEqual([
      'accept: processor 1 200 MB',
      'process: processor 1 300 MB',
      'process: processor 2 346 MB',
      'demo: processor 1 320 MB',
    ]);
    expect(processor.peakMiB).toBeCloseTo(346 * MB);
    expect(processor.typicalMiB).toBeCloseTo(310 * MB); // (300 + 320) / 2
    expect(measured(run, 'order').typicalMiB).toBeCloseTo(290 * MB);
    expect(() => measured({ resources: { demo: [{ name: 'Kafka', rssMaxMb: 500 }] } }, 'order')).toThrow(
      /no RSS figures for the order service/,
    );
  });

  it('sizes the limit at peak × 1.25 and the request at the median, both rounded up to 64 Mi', () => {
    // 346 MB = 330.0 MiB; × 1.25 = 412.5 → 448. 310 MB = 295.6 MiB → 320.
    expect(sizing(measured(run, 'processor'))).toEqual({ limitMiB: 448, requestMiB: 320 });
    // 296 MB = 282.3 MiB; × 1.25 = 352.9 → 384. 290 MB = 276.6 MiB → 320.
    expect(sizing(measured(run, 'order'))).toEqual({ limitMiB: 384, requestMiB: 320 });
    expect([roundUpToStep(384), roundUpToStep(384.01), roundUpToStep(1)]).toEqual([384, 448, 64]);
  });

  it('reads Kubernetes quantities and Compose byte values', () => {
    expect(['448Mi', '1Gi', '512Ki', '1.5Gi', 2 ** 29].map(kubernetesMiB)).toEqual([448, 1024, 0.5, 1536, 512]);
    expect(kubernetesMiB('512M')).toBeCloseTo(488.28, 2); // decimal units are 10⁶ bytes
    expect(() => kubernetesMiB('448 Mi')).toThrow(/not a memory quantity/);
    expect(() => kubernetesMiB(undefined)).toThrow(/not a memory quantity/);
    expect(['448M', '1G', '1g', '512m', '1024k'].map(composeMiB)).toEqual([448, 1024, 1024, 512, 1]);
    expect(() => composeMiB('448Mi')).toThrow(/not a Compose byte value/);
  });

  it('reads the heap flags from NODE_OPTIONS (the percentage wins, the last one counts)', () => {
    expect(oldSpaceMiB('--max-old-space-size-percentage=60', 400)).toBe(240);
    expect(oldSpaceMiB('--enable-source-maps --max_old_space_size_percentage=50', 400)).toBe(200);
    expect(oldSpaceMiB('--max-old-space-size=300 --max-old-space-size-percentage=50', 400)).toBe(200);
    expect(oldSpaceMiB('--max-old-space-size=300', 400)).toBe(300);
    expect(oldSpaceMiB('--max-old-space-size=100 --max-old-space-size=300', 400)).toBe(300);
    expect(oldSpaceMiB('--max-semi-space-size=16', 400)).toBeUndefined();
    expect(oldSpaceMiB(undefined, 400)).toBeUndefined();
  });
});

describe('the latest benchmark', () => {
  it('has RSS figures for the Order Service and the processors (the figures every limit is checked against)', () => {
    const run = readLatestBench();
    for (const service of ['order', 'processor'] as const) {
      const figures = measured(run, service);
      expect(figures.samples.length, service).toBeGreaterThanOrEqual(3);
      expect(figures.peakMiB, service).toBeGreaterThan(50);
    }
  });
});

describe('service images', () => {
  it.each(Object.values(SERVICES).map((service) => service.dir))(
    '%s/Dockerfile sizes V8 to the container: --max-old-space-size-percentage ≤ 75 %',
    (dir) => {
      const dockerfile = `${dir}/Dockerfile`;
      const nodeOptions = imageEnv(dockerfile).NODE_OPTIONS;
      expect(nodeOptions).toMatch(/--max-old-space-size-percentage=\d+/);
      // A share of whatever limit the container gets: 100 stands for any limit.
      const percent = oldSpaceMiB(nodeOptions, 100) ?? Number.NaN;
      expect(percent).toBeGreaterThan(0);
      expect(percent).toBeLessThanOrEqual(MAX_HEAP_SHARE * 100);
      // The flag needs Node ≥ 24.6 (engines.node): the image is the latest 24, or a pinned 24.x ≥ 24.6.
      const image = parseDockerfile(readRepoFile(dockerfile)).args.NODE_IMAGE ?? '';
      const [, minor] = /^node:24(?:\.(\d+))?/.exec(image) ?? [];
      expect(image).toMatch(/^node:24[.-]/);
      if (minor !== undefined) expect(Number(minor)).toBeGreaterThanOrEqual(6);
    },
  );
});

describe('the bench', () => {
  /** The memory limit of a service's container in deploy/k8s/base/<name>.yaml. */
  function baseLimitMiB(name: string): number {
    const docs = parseAllDocuments(readRepoFile(`deploy/k8s/base/${name}.yaml`)).map((d) => d.toJS());
    const deployment = docs.find((d) => d?.kind === 'Deployment' && d.metadata?.name === name);
    return kubernetesMiB(deployment?.spec?.template?.spec?.containers?.[0]?.resources?.limits?.memory);
  }
  const semiSpace = (nodeOptions: string | undefined) => /--max-semi-space-size=(\d+)/.exec(nodeOptions ?? '')?.[1];

  it.each(Object.values(SERVICES))(
    'runs $name with what its image gives V8 in a pod of the base limit (bench/pipeline.ts POD_NODE_OPTIONS)',
    ({ dir, name }) => {
      const nodeOptions = imageEnv(`${dir}/Dockerfile`).NODE_OPTIONS;
      const inPod = Math.floor(oldSpaceMiB(nodeOptions, baseLimitMiB(name)) ?? Number.NaN);
      expect(inPod).toBe(oldSpaceMiB(POD_NODE_OPTIONS, 0));
      expect(semiSpace(nodeOptions)).toBeDefined();
      expect(semiSpace(nodeOptions)).toBe(semiSpace(POD_NODE_OPTIONS));
    },
  );
});

describe('docker-compose.yml', () => {
  type ComposeService = {
    environment?: Record<string, string | number | boolean>;
    build?: { dockerfile: string };
    deploy?: { resources?: { limits?: { memory?: string } } };
  };
  const compose = parse(readRepoFile('docker-compose.yml'), { merge: true }) as {
    services: Record<string, ComposeService>;
  };
  const run = readLatestBench();

  it.each([
    ['order', SERVICES.order],
    ['processor', SERVICES.processor],
  ] as const)('limits the %s service to at least its measured peak × 1.25, V8 to ≤ 75 % of that', (key, service) => {
    const composed = compose.services[service.name];
    const figures = measured(run, key);
    const limitMiB = composeMiB(composed?.deploy?.resources?.limits?.memory);
    const where = `${service.name}: deploy.resources.limits.memory (peaks: ${figures.samples.join(', ')})`;
    expect(limitMiB, where).toBeGreaterThanOrEqual(sizing(figures).limitMiB);
    const nodeOptions = composed?.environment?.NODE_OPTIONS ?? imageEnv(composed?.build?.dockerfile ?? '').NODE_OPTIONS;
    const heap = oldSpaceMiB(String(nodeOptions ?? ''), limitMiB);
    expect(heap, `${service.name}: no heap setting`).toBeDefined();
    expect(heap, `${service.name}: V8's old space`).toBeLessThanOrEqual(limitMiB * MAX_HEAP_SHARE);
  });
});
