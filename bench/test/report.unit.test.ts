import { describe, expect, it } from 'vitest';
import { type BenchRun, scalingChart, scalingCurve } from '../report.ts';

function run(rates: Record<number, number>): BenchRun {
  return {
    seconds: 20,
    warmup: 5,
    backlog: 10_000,
    figures: Object.fromEntries(
      Object.entries(rates).map(([n, value]) => [`scaling, ${n} instance(s)`, { value, unit: 'orders/s' }]),
    ),
    resources: {},
    statements: {},
    limits: {
      stageDelayMs: 2000,
      demoCeiling: 1024 / 6,
      scalingConcurrency: 64,
      scalingCeilingPerInstance: 64 / 6,
      scalingInstances: [1, 2, 3, 6],
    },
  };
}

describe("the bench's scaling curve", () => {
  it('gives each step what an added instance added, as a share of one instance', () => {
    const curve = scalingCurve(run({ 1: 10, 2: 20, 3: 29, 6: 50 }));
    expect(curve.map((p) => p.instances)).toEqual([1, 2, 3, 6]);
    expect(curve[0]?.addedPerInstance).toBeUndefined();
    expect(curve[1]?.addedPerInstance).toBeCloseTo(1);
    expect(curve[2]?.addedPerInstance).toBeCloseTo(0.9);
    expect(curve[3]?.addedPerInstance).toBeCloseTo(7 / 10); // (50 − 29) ÷ 3 added ÷ 10
  });

  it('draws one bar per instance count, labelled with its figure', () => {
    const svg = scalingChart(run({ 1: 10.5, 2: 21, 3: 31.4, 6: 62.9 }));
    for (const label of ['10.5', '21', '31.4', '62.9', '1 instance', '6 instances'])
      expect(svg).toContain(`>${label}<`);
  });
});
