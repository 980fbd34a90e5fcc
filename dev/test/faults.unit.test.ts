// The fault lab's bookkeeping with plain fakes of its own interfaces: one of each at a time, a timeline with
// start and end, lasting faults undone by hand or by their timer, instant ones ended at once.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { FAULTS, type FaultDefinition, FaultLab, FaultRefused, type FaultTargets } from '../src/lab/faults.ts';

const targets: FaultTargets = {
  processorPids: () => [],
  kafkaNodes: () => [],
  postgres: () => undefined,
  kafka: { bootstrapBrokers: ['127.0.0.1:1'] } as FaultTargets['kafka'],
};

function fakeFaults() {
  const undone: string[] = [];
  const faults: FaultDefinition[] = [
    {
      name: 'freeze',
      what: 'a lasting one',
      lasting: true,
      start: async () => ({ target: 'thing 1', undo: () => void undone.push('freeze') }),
    },
    { name: 'kill', what: 'an instant one', lasting: false, start: async () => ({ target: 'thing 2' }) },
  ];
  return { faults, undone };
}

afterEach(() => vi.useRealTimers());

describe('the fault lab', () => {
  it('given a lasting fault, when started and ended, then the timeline has its start and end and it was undone', async () => {
    const { faults, undone } = fakeFaults();
    let clock = 0;
    const lab = new FaultLab(targets, faults, () => new Date(clock));
    clock = 1000;
    expect(await lab.start('freeze')).toEqual({
      fault: 'freeze',
      target: 'thing 1',
      startedAt: '1970-01-01T00:00:01.000Z',
      endedAt: null,
    });
    expect(lab.list().find((f) => f.name === 'freeze')?.active).toBe(true);
    await expect(lab.start('freeze')).rejects.toBeInstanceOf(FaultRefused); // one at a time
    clock = 5000;
    await lab.end('freeze');
    expect(undone).toEqual(['freeze']);
    expect(lab.timeline()).toEqual([
      {
        fault: 'freeze',
        target: 'thing 1',
        startedAt: '1970-01-01T00:00:01.000Z',
        endedAt: '1970-01-01T00:00:05.000Z',
      },
    ]);
    await expect(lab.end('freeze')).rejects.toBeInstanceOf(FaultRefused); // not on any more
  });

  it('given a time, then a lasting fault ends by itself', async () => {
    vi.useFakeTimers();
    const { faults, undone } = fakeFaults();
    const lab = new FaultLab(targets, faults);
    await lab.start('freeze', { seconds: 3 });
    await vi.advanceTimersByTimeAsync(2900);
    expect(undone).toEqual([]);
    await vi.advanceTimersByTimeAsync(200);
    expect(undone).toEqual(['freeze']);
    expect(lab.timeline()[0]?.endedAt).not.toBeNull();
  });

  it('given an instant fault, then it is in the timeline, ended when it started, and never active', async () => {
    const { faults } = fakeFaults();
    const lab = new FaultLab(targets, faults);
    const entry = await lab.start('kill');
    expect(entry.endedAt).toBe(entry.startedAt);
    expect(lab.list().every((f) => !f.active)).toBe(true);
  });

  it('refuses an unknown fault, a bad time, and a fault with nothing to act on, each with a message', async () => {
    const lab = new FaultLab(targets);
    await expect(lab.start('meteor')).rejects.toThrow(RangeError);
    await expect(lab.start('pause-processor', { seconds: 0 })).rejects.toThrow(/seconds must be 1–3600/);
    await expect(lab.start('pause-processor')).rejects.toThrow(
      new FaultRefused('no processor instance runs (npm run scale -- 1)'),
    );
    await expect(lab.start('stop-broker')).rejects.toThrow(/the Kafka broker is not run by npm start here/);
    await expect(lab.start('freeze-postgres')).rejects.toThrow(/PostgreSQL is not run by npm start here/);
    await expect(lab.start('slow-internal-api')).rejects.toThrow(/the proxy to the Order Service's internal API/);
    expect(lab.timeline()).toEqual([]);
  });

  it('given a latency, then slow-internal-api sets it on the proxy until ended, and refuses one out of range', async () => {
    const latencies: number[] = [];
    const lab = new FaultLab({ ...targets, orderServiceLatency: { set: (ms) => void latencies.push(ms) } });
    await expect(lab.start('slow-internal-api', { latencyMs: 0 })).rejects.toThrow(RangeError);
    await expect(lab.start('slow-internal-api', { latencyMs: 1.5 })).rejects.toThrow(/whole number/);
    const entry = await lab.start('slow-internal-api', { latencyMs: 750 });
    expect(entry.target).toBe('the internal API, +750 ms a call');
    await lab.end('slow-internal-api');
    await lab.start('slow-internal-api'); // a second by default
    await lab.endAll();
    expect(latencies).toEqual([750, 0, 1000, 0]);
  });

  it('names each of the issue’s faults once', () => {
    expect(FAULTS.map((f) => f.name)).toEqual([
      'pause-processor',
      'kill-processor',
      'stop-broker',
      'crash-postgres',
      'freeze-postgres',
      'slow-internal-api',
      'poison',
      'grow-partitions',
    ]);
  });
});
