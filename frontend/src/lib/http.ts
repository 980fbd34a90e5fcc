import { type Problem, ProblemSchema } from '@metalmart/contracts';
import { Compile } from 'typebox/compile';

export type FetchFn = (input: string, init?: RequestInit) => Promise<Response>;

/** What went wrong, by kind: the UI words each one differently and retries only `unavailable`. */
export type ApiErrorKind =
  /** The API answered 4xx with problem details (`problem` is set). */
  | 'rejected'
  /** No answer, a timeout, a 5xx or a proxy error: worth retrying. */
  | 'unavailable'
  /** A 2xx whose body does not match the contract. */
  | 'invalid-response';

export class ApiError extends Error {
  override readonly name = 'ApiError';
  constructor(
    readonly kind: ApiErrorKind,
    message: string,
    readonly status?: number,
    readonly problem?: Problem,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** A compiled TypeBox validator, or anything else that narrows `unknown` to `T`. */
export interface ResponseValidator<T> {
  Check(value: unknown): value is T;
}

export interface RequestOptions<T> {
  method?: 'GET' | 'POST' | 'PUT' | 'DELETE';
  body?: unknown;
  headers?: Record<string, string>;
  signal?: AbortSignal;
  /** Requests that hang (a stalled port-forward) fail after this long, so polling can carry on. */
  timeoutMs?: number;
  validate: ResponseValidator<T>;
}

const problemValidator = Compile(ProblemSchema);
const DEFAULT_TIMEOUT_MS = 10_000;

/** One JSON request to the Order Service: the body checked against its contract, failures as an ApiError. */
export async function requestJson<T>(fetchFn: FetchFn, path: string, options: RequestOptions<T>): Promise<T> {
  const { method = 'GET', body, signal, timeoutMs = DEFAULT_TIMEOUT_MS, validate } = options;
  const headers: Record<string, string> = { accept: 'application/json', ...options.headers };
  if (body !== undefined) headers['content-type'] = 'application/json';

  const controller = new AbortController();
  const abort = () => controller.abort();
  signal?.addEventListener('abort', abort, { once: true });
  const timer = setTimeout(abort, timeoutMs);
  let response: Response;
  try {
    response = await fetchFn(path, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
      signal: controller.signal,
    });
  } catch (error) {
    if (signal?.aborted) throw error;
    throw new ApiError('unavailable', 'The shop could not be reached.', undefined, undefined, { cause: error });
  } finally {
    clearTimeout(timer);
    signal?.removeEventListener('abort', abort);
  }

  const payload = await readJson(response);
  if (response.ok) {
    if (validate.Check(payload)) return payload;
    throw new ApiError('invalid-response', 'The shop sent an answer this page does not understand.', response.status);
  }
  if (response.status >= 500 || response.status === 408 || response.status === 429) {
    throw new ApiError('unavailable', 'The shop is not answering right now.', response.status);
  }
  const problem: Problem = problemValidator.Check(payload)
    ? payload
    : { title: response.statusText || 'Request failed', status: response.status };
  throw new ApiError('rejected', problem.detail ?? problem.title, response.status, problem);
}

async function readJson(response: Response): Promise<unknown> {
  try {
    return await response.json();
  } catch {
    return undefined;
  }
}
