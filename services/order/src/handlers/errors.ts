import type { FieldError } from '../domain/order.ts';

/** The problem details' `title` of each status the service answers with: one per status, wherever it is raised. */
export const PROBLEM_TITLES = {
  400: 'Bad Request',
  401: 'Unauthorized',
  404: 'Not Found',
  405: 'Method Not Allowed',
  409: 'Conflict',
  413: 'Payload Too Large',
  415: 'Unsupported Media Type',
  422: 'Unprocessable Content',
  429: 'Too Many Requests',
  500: 'Internal Server Error',
  503: 'Service Unavailable',
} as const;
export type ProblemStatus = keyof typeof PROBLEM_TITLES;

/** The title of any status: PROBLEM_TITLES', else that of its class. */
export function titleOf(status: number): string {
  const titles: Record<number, string> = PROBLEM_TITLES;
  return titles[status] ?? (status >= 500 ? PROBLEM_TITLES[500] : PROBLEM_TITLES[400]);
}

/** Domain errors a handler raises; the app's one error mapper turns them into problem details. */
export class ProblemError extends Error {
  readonly status: ProblemStatus;
  readonly title: string;
  readonly errors?: FieldError[];

  constructor(status: ProblemStatus, detail: string, errors?: FieldError[]) {
    super(detail);
    this.status = status;
    this.title = PROBLEM_TITLES[status];
    this.errors = errors;
  }
}

export const notFound = (detail: string) => new ProblemError(404, detail);
export const conflict = (detail: string) => new ProblemError(409, detail);
