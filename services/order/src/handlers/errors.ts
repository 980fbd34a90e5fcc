import type { FieldError } from '../domain/order.ts';

/** Domain errors a handler raises; the app's one error mapper turns them into problem details. */
export class ProblemError extends Error {
  readonly status: number;
  readonly title: string;
  readonly errors?: FieldError[];

  constructor(status: number, title: string, detail: string, errors?: FieldError[]) {
    super(detail);
    this.status = status;
    this.title = title;
    this.errors = errors;
  }
}

export const notFound = (detail: string) => new ProblemError(404, 'Not Found', detail);
export const conflict = (detail: string) => new ProblemError(409, 'Conflict', detail);
