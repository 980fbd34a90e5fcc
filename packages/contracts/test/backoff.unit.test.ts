import { describe, expect, it } from 'vitest';
import { backoffDelay } from '../src/backoff.ts';

describe('backoff', () => {
  const policy = { baseMs: 100, maxMs: 1000 };
  it('doubles from the base and stops at the cap (no jitter at the midpoint)', () => {
    expect([1, 2, 3, 4, 5, 10].map((a) => backoffDelay(a, policy, () => 0.5))).toEqual([
      100, 200, 400, 800, 1000, 1000,
    ]);
  });
  it('spreads retriers by ±20 %', () => {
    expect(backoffDelay(3, policy, () => 0)).toBe(320);
    expect(backoffDelay(3, policy, () => 0.999999)).toBe(480);
  });
});
