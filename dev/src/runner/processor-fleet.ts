// The processor instances of `npm start`, scalable while it runs (`npm run scale -- N`, the ops page's buttons):
// instance i is "processor" (i = 0) or "processor-<i+1>", on health port PROCESSOR_PORT + i, all in one group.
import { httpOk, waitFor } from '../ports.ts';
import { SupervisedProcess, serviceArgs } from '../processes.ts';

/** More than the partitions on purpose: an instance beyond them joins and shows as idle. */
const MAX_PROCESSORS = 16;

export interface FleetInstance {
  name: string;
  port: number;
  pid: number | null;
}

export interface ProcessorFleet {
  instances(): FleetInstance[];
  /** Starts or stops instances (the newest first) until `count` run; resolves when the new ones are ready. */
  scaleTo(count: number): Promise<FleetInstance[]>;
  stopAll(): Promise<void>;
  expectExit(): void;
}

export function createProcessorFleet(opts: {
  basePort: number;
  env: () => Record<string, string>;
  /** Called before each start; throwing stops the scale-up (Ctrl-C during one). */
  beforeStart?: () => void;
}): ProcessorFleet {
  const running: { name: string; port: number; process: SupervisedProcess }[] = [];
  let scaling: Promise<unknown> = Promise.resolve();

  async function add(): Promise<void> {
    opts.beforeStart?.();
    const i = running.length;
    const name = i === 0 ? 'processor' : `processor-${i + 1}`;
    const port = opts.basePort + i;
    const process = new SupervisedProcess({
      name,
      args: serviceArgs('services/order-processor/src/main.ts'),
      env: { ...opts.env(), PORT: String(port), PROCESSOR_INSTANCE: name },
    });
    running.push({ name, port, process });
    process.start();
    await waitFor(`the Order Processor (${name})`, () => httpOk(`http://127.0.0.1:${port}/readyz`), 60_000);
  }

  const instances = () => running.map(({ name, port, process }) => ({ name, port, pid: process.pid ?? null }));

  return {
    instances,
    scaleTo(count) {
      if (!Number.isInteger(count) || count < 0 || count > MAX_PROCESSORS) {
        return Promise.reject(
          new RangeError(`the number of processors must be an integer from 0 to ${MAX_PROCESSORS}`),
        );
      }
      // One change at a time: two quick clicks make two steps, never interleaved starts and stops.
      const next = scaling.then(async () => {
        while (running.length > count) await running.pop()?.process.stop();
        while (running.length < count) await add();
        return instances();
      });
      scaling = next.catch(() => {});
      return next;
    },
    async stopAll() {
      await scaling;
      for (const { process } of [...running].reverse()) await process.stop();
      running.length = 0;
    },
    expectExit() {
      for (const { process } of running) process.expectExit();
    },
  };
}
