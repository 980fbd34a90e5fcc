/**
 * Every way handling an order can fail, each with a stable code (logs, dead-letter reasons, tests) and
 * what the consumer does about it. One file, so the classification is read in one place.
 */
export type FailureCode = 'POISON' | 'UNAVAILABLE' | 'FAILED' | 'CONFLICT';

export abstract class ProcessingError extends Error {
  abstract readonly code: FailureCode;
}

/** Will never succeed however often it is retried (not the contract, unknown order): dead-lettered at once. */
export class PoisonMessageError extends ProcessingError {
  readonly code = 'POISON';
}

/**
 * The Order Service cannot take any request right now (unreachable, timing out, 502/503/504, 429, a rejected
 * service token): nothing is wrong with the message, so it is retried without limit — every order waits alike.
 */
export class UnavailableError extends ProcessingError {
  readonly code = 'UNAVAILABLE';
}

/**
 * This request failed (500, a 4xx the contract does not explain): retried with backoff, and
 * after PROCESSOR_MAX_ATTEMPTS such failures the message is dead-lettered with the reason, so one bad
 * order never blocks its partition's commits forever.
 */
export class RequestFailedError extends ProcessingError {
  readonly code = 'FAILED';
}

/** The order is not in the state the transition expects (another instance moved it): re-read and go on. */
export class TransitionConflictError extends ProcessingError {
  readonly code = 'CONFLICT';
}

/** The code of any error; an unexpected one (a bug) counts as a failed attempt, never as poison. */
export function failureCode(error: unknown): FailureCode {
  return error instanceof ProcessingError ? error.code : 'FAILED';
}
