// Group commit: calls that arrive while the database is busy with earlier ones go together, in one statement and
// one transaction, and each caller gets its own answer. An idle service sends a call at once and alone, so batching
// adds no wait at low load; under load the batches grow by themselves to what arrived during the last statement.

export interface GroupCommitOptions {
  /** Batches running at once (the rest queue): a few keep PostgreSQL busy while the service prepares the next. */
  maxInFlight: number;
  maxBatch: number;
  /**
   * A batch that failed with such an error (one item's data, not the database being away) runs again one item at
   * a time, so the item at fault fails alone.
   */
  splitOn(error: unknown): boolean;
}

interface Waiting<I, O> {
  item: I;
  resolve(result: O): void;
  reject(error: unknown): void;
}

/** `run` answers one result per item, in the items' order. */
export function groupCommit<I, O>(run: (items: I[]) => Promise<O[]>, options: GroupCommitOptions) {
  let queue: Waiting<I, O>[] = [];
  let inFlight = 0;

  async function execute(batch: Waiting<I, O>[]): Promise<void> {
    try {
      const results = await run(batch.map((w) => w.item));
      for (const [i, w] of batch.entries()) w.resolve(results[i] as O);
    } catch (error) {
      if (batch.length > 1 && options.splitOn(error)) await Promise.all(batch.map((w) => execute([w])));
      else for (const w of batch) w.reject(error);
    }
  }

  function next(): void {
    while (inFlight < options.maxInFlight && queue.length > 0) {
      const batch = queue.slice(0, options.maxBatch);
      queue = queue.slice(batch.length);
      inFlight += 1;
      void execute(batch).finally(() => {
        inFlight -= 1;
        next();
      });
    }
  }

  return function submit(item: I): Promise<O> {
    return new Promise<O>((resolve, reject) => {
      queue.push({ item, resolve, reject });
      next();
    });
  };
}

/** PostgreSQL's data exceptions (22) and integrity violations (23): the rows' fault, not the server's. */
export function rowsAtFault(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && (code.startsWith('22') || code.startsWith('23'));
}
