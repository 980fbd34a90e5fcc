import { describe, expect, it } from 'vitest';
import {
  commitsOf,
  DEAD_LETTER_STUCK_AFTER,
  onFailedAttempt,
  onRefusedDeadLetter,
  partitionKey,
} from '../src/delivery-policy.ts';
import { PoisonMessageError, RequestFailedError, TransitionConflictError, UnavailableError } from '../src/errors.ts';

const middle = () => 0.5; // no jitter: the backoff's own value

describe('a failed attempt', () => {
  it('given a poison message, when it fails once, then it is dead-lettered at once with the reason', () => {
    expect(onFailedAttempt(new PoisonMessageError('not the contract'), { attempt: 1, failed: 0 }, 5)).toEqual({
      action: 'dead-letter',
      kind: 'poison',
      reason: 'POISON: not the contract',
      failed: 0,
    });
  });

  it('given a request that fails, when it is below the limit, then it is retried after the order backoff', () => {
    const decision = onFailedAttempt(new RequestFailedError('500'), { attempt: 3, failed: 1 }, 5, middle);
    expect(decision).toEqual({ action: 'retry', code: 'FAILED', delayMs: 2000, failed: 2 });
  });

  it('given the maxAttempts-th failed request, then it is dead-lettered as exhausted with the last error', () => {
    expect(onFailedAttempt(new RequestFailedError('500 boom'), { attempt: 9, failed: 4 }, 5)).toEqual({
      action: 'dead-letter',
      kind: 'exhausted',
      reason: 'FAILED 5 times, last: 500 boom',
      failed: 5,
    });
  });

  it('given the Order Service away or a conflict, then it waits without spending attempts, however long', () => {
    for (const error of [new UnavailableError('503'), new TransitionConflictError('moved')]) {
      const decision = onFailedAttempt(error, { attempt: 40, failed: 4 }, 5, middle);
      expect(decision).toMatchObject({ action: 'retry', failed: 4, delayMs: 15_000 }); // the backoff's cap
    }
  });

  it('given an unexpected error (a bug), then it counts as a failed attempt, never as poison', () => {
    expect(onFailedAttempt(new TypeError('x is undefined'), { attempt: 1, failed: 0 }, 1)).toMatchObject({
      action: 'dead-letter',
      kind: 'exhausted',
    });
  });
});

describe('a refused dead letter', () => {
  it('backs off, and counts as stuck exactly once, at the DEAD_LETTER_STUCK_AFTER-th refusal', () => {
    const stuckAt = [1, 2, 3, 4, 5, 6, 7].filter((attempt) => onRefusedDeadLetter(attempt, middle).nowStuck);
    expect(stuckAt).toEqual([DEAD_LETTER_STUCK_AFTER]);
    expect(onRefusedDeadLetter(1, middle).delayMs).toBe(200);
    expect(onRefusedDeadLetter(3, middle).delayMs).toBe(800);
  });
});

describe('commits of a flush', () => {
  it('gives back topic and partition from the tracker keys, even for a topic name with a colon', () => {
    const due = new Map([
      [partitionKey('order.created', 3), 42n],
      [partitionKey('team:orders', 0), 7n],
    ]);
    expect(commitsOf(due)).toEqual([
      { topic: 'order.created', partition: 3, offset: 42n },
      { topic: 'team:orders', partition: 0, offset: 7n },
    ]);
  });
});
