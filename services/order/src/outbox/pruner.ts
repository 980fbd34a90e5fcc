import type { Logger } from '@metalmart/contracts';
import type pg from 'pg';

// Batches keep each DELETE short (no long lock on the table while orders are being written).
const PRUNE = `
DELETE FROM outbox WHERE id IN (
  SELECT id FROM outbox
   WHERE published_at IS NOT NULL AND published_at < clock_timestamp() - make_interval(secs => $1::double precision / 1000)
   ORDER BY id
   LIMIT $2)`;

/** Deletes outbox rows published more than `retentionMs` ago; resolves with how many went. Unpublished rows stay. */
export async function pruneOutbox(pool: pg.Pool, retentionMs: number, batchSize = 5000): Promise<number> {
  let deleted = 0;
  for (;;) {
    const { rowCount } = await pool.query(PRUNE, [retentionMs, batchSize]);
    deleted += rowCount ?? 0;
    if ((rowCount ?? 0) < batchSize) return deleted;
  }
}

/** Prunes at start and then every `everyMs`, in the background; a failure (PostgreSQL away) waits for the next round. */
export function startOutboxPruner(opts: {
  pool: pg.Pool;
  retentionMs: number;
  everyMs: number;
  log: Pick<Logger, 'info' | 'warn'>;
}) {
  let running: Promise<void> | undefined;
  const round = () => {
    running ??= pruneOutbox(opts.pool, opts.retentionMs)
      .then((deleted) => {
        if (deleted > 0) opts.log.info(`outbox: pruned ${deleted} rows published more than ${opts.retentionMs} ms ago`);
      })
      .catch((error: Error) => opts.log.warn(`outbox pruning failed (${error.message}); next round later`))
      .finally(() => {
        running = undefined;
      });
  };
  round();
  const timer = setInterval(round, opts.everyMs);
  timer.unref();
  return {
    async stop() {
      clearInterval(timer);
      await running;
    },
  };
}
