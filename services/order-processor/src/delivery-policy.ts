// The consumer's decisions, apart from its I/O: what to do with a delivery whose handling failed, when a dead
// letter Kafka keeps refusing counts as stuck, and which offsets a flush commits. Pure: consumer.ts carries
// them out.
import { BACKOFFS, backoffDelay } from '@metalmart/contracts';
import { type FailureCode, failureCode } from './errors.ts';

/** Failed dead-letter sends after which a letter counts as stuck (logged as an error, in /metrics). */
export const DEAD_LETTER_STUCK_AFTER = 5;

/** How one delivery's handling has gone so far: attempts made (this one included) and those that failed. */
export interface AttemptHistory {
  attempt: number;
  /** Attempts that failed as FAILED (an outage or a conflict does not spend the order's attempts). */
  failed: number;
}

export type FailureDecision =
  | { action: 'dead-letter'; kind: 'poison' | 'exhausted'; reason: string; failed: number }
  | { action: 'retry'; code: FailureCode; delayMs: number; failed: number };

/**
 * Given the error of an attempt: a poison message is dead-lettered at once; a FAILED one counts, and the
 * `maxAttempts`-th dead-letters it with the last reason; anything else (the Order Service away, a conflict) is
 * retried after the order backoff, without limit.
 */
export function onFailedAttempt(
  error: unknown,
  { attempt, failed }: AttemptHistory,
  maxAttempts: number,
  random?: () => number,
): FailureDecision {
  const code = failureCode(error);
  const message = (error as Error).message;
  const failedNow = code === 'FAILED' ? failed + 1 : failed;
  if (code === 'POISON') return { action: 'dead-letter', kind: 'poison', reason: `POISON: ${message}`, failed };
  if (failedNow >= maxAttempts) {
    return {
      action: 'dead-letter',
      kind: 'exhausted',
      reason: `FAILED ${failedNow} times, last: ${message}`,
      failed: failedNow,
    };
  }
  return { action: 'retry', code, delayMs: backoffDelay(attempt, BACKOFFS.order, random), failed: failedNow };
}

/** A dead letter's publish failed for the `attempt`-th time: when to try again, and whether it just got stuck. */
export function onRefusedDeadLetter(attempt: number, random?: () => number): { delayMs: number; nowStuck: boolean } {
  return { delayMs: backoffDelay(attempt, BACKOFFS.deadLetter, random), nowStuck: attempt === DEAD_LETTER_STUCK_AFTER };
}

/** The tracker's key of a partition, and back: a topic name may hold `:` only before the last one. */
export const partitionKey = (topic: string, partition: number) => `${topic}:${partition}`;

/** The offsets a flush commits, from what the tracker says is due per partition key. */
export function commitsOf(due: ReadonlyMap<string, bigint>): { topic: string; partition: number; offset: bigint }[] {
  return [...due].map(([key, offset]) => {
    const at = key.lastIndexOf(':');
    return { topic: key.slice(0, at), partition: Number(key.slice(at + 1)), offset };
  });
}
