// Memory in every rendering (each overlay, each component on the base): the Order Service's and the processor's
// containers get at least what the rule of deploy/test/support/memory.ts derives from the latest benchmark, and
// V8's old space (the image's NODE_OPTIONS, unless the container sets its own) stays within 75 % of the limit.
import { describe, expect, it } from 'vitest';
import { imageEnv } from './support/dockerfile.ts';
import { containerOf, envOf } from './support/manifests.ts';
import {
  BENCH_FILE,
  kubernetesMiB,
  MAX_HEAP_SHARE,
  measured,
  oldSpaceMiB,
  readLatestBench,
  sizing,
} from './support/memory.ts';
import { renderEverything } from './support/renderings.ts';
import { SERVICES } from './support/services.ts';

const rendered = renderEverything();
const run = readLatestBench();

describe('memory', () => {
  it.each([
    ['order', SERVICES.order],
    ['processor', SERVICES.processor],
  ] as const)('gives the %s container the measured peak × 1.25 and V8 ≤ 75 % of it', (key, service) => {
    const figures = measured(run, key);
    const wanted = sizing(figures);
    const source = `${BENCH_FILE}: ${figures.samples.join(', ')}`;
    for (const [name, list] of rendered.all()) {
      const container = containerOf(list, service.name);
      const where = `${name}: ${service.name}`;
      const limitMiB = kubernetesMiB(container.resources?.limits?.memory);
      const requestMiB = kubernetesMiB(container.resources?.requests?.memory);
      expect(limitMiB, `${where}: limits.memory ≥ peak × 1.25 (${source})`).toBeGreaterThanOrEqual(wanted.limitMiB);
      expect(requestMiB, `${where}: requests.memory ≥ median (${source})`).toBeGreaterThanOrEqual(wanted.requestMiB);
      expect(requestMiB, `${where}: requests.memory ≤ limits.memory`).toBeLessThanOrEqual(limitMiB);

      // The container's own NODE_OPTIONS replaces the image's (one from a Secret or ConfigMap is not read: it fails).
      const own = envOf(container).get('NODE_OPTIONS');
      const nodeOptions = own ? own.value : imageEnv(`${service.dir}/Dockerfile`).NODE_OPTIONS;
      const heapMiB = oldSpaceMiB(nodeOptions, limitMiB);
      expect(heapMiB, `${where}: no heap setting in NODE_OPTIONS`).toBeDefined();
      expect(heapMiB, `${where}: V8's old space`).toBeLessThanOrEqual(limitMiB * MAX_HEAP_SHARE);
    }
  });
});
