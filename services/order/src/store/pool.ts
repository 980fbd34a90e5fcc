import pg from 'pg';

export interface PoolOptions {
  max: number;
  /**
   * The longest a request waits on PostgreSQL: for a pooled connection, and for a statement's answer. A server
   * that stopped answering (a storage stall, a failover, SIGSTOP) then costs a 503 after this long, never a hang.
   */
  timeoutMs: number;
  onLost: (error: Error) => void;
}

export function createPool(databaseUrl: string, opts: PoolOptions): pg.Pool {
  const pool = new pg.Pool({
    connectionString: databaseUrl,
    max: opts.max,
    connectionTimeoutMillis: opts.timeoutMs,
    // The server cancels a statement that runs too long (57014, a 503); the client gives up a little later on a
    // server that does not answer at all, and the pool then discards that connection.
    statement_timeout: opts.timeoutMs,
    query_timeout: opts.timeoutMs + 1000,
    // A peer that vanished without a FIN (a failover, a dead host) is found by the kernel, not after hours.
    keepAlive: true,
    keepAliveInitialDelayMillis: 10_000,
  });
  // An idle client whose server went away emits here; without a listener the process would crash.
  pool.on('error', opts.onLost);
  return pool;
}

/**
 * A client checked out of the pool for a transaction. node-postgres emits `'error'` on a client whose server
 * ends the session (a backend killed, a restart) even while a query of it is failing with the same error, and the
 * pool only listens while the client is idle: unheard, that `'error'` ends the process. So while it is checked
 * out it is heard here, and a client that failed is destroyed on release rather than handed to the next request.
 */
export async function withClient<T>(pool: pg.Pool, work: (client: pg.PoolClient) => Promise<T>): Promise<T> {
  const client = await pool.connect();
  let lost: Error | undefined;
  const onError = (error: Error) => {
    lost = error;
  };
  client.on('error', onError);
  try {
    return await work(client);
  } catch (error) {
    lost ??= isDatabaseUnavailable(error) ? (error as Error) : undefined;
    throw error;
  } finally {
    client.removeListener('error', onError);
    client.release(lost);
  }
}

const UNAVAILABLE_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  '57P01',
  '57P02',
  '57P03',
  '08000',
  '08001',
  '08003',
  '08006',
]);

/** True for "PostgreSQL is not there right now" (as opposed to a bug or bad data). */
export function isDatabaseUnavailable(error: unknown): boolean {
  const e = error as { code?: string; message?: string };
  return (
    (e?.code !== undefined && UNAVAILABLE_CODES.has(e.code)) ||
    /Connection terminated|timeout exceeded when trying to connect|Query read timeout|Client has encountered a connection error/.test(
      e?.message ?? '',
    )
  );
}
