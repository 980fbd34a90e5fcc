import type pg from 'pg';

export interface OutboxBacklog {
  /** Waiting for the relay (parked rows not counted). */
  unpublished: number;
  /** Set aside because Kafka will not take them as they are (see the relay); republished by an operator. */
  parked: number;
  /** Age of the oldest unpublished event in seconds; null when everything is published. */
  oldestUnpublishedSeconds: number | null;
}

/** How far the relay is behind: read from the partial index over unpublished rows. */
export async function outboxBacklog(pool: pg.Pool): Promise<OutboxBacklog> {
  const { rows } = await pool.query<{ unpublished: string; parked: string; oldest: number | null }>(
    `SELECT count(*) FILTER (WHERE parked_at IS NULL) AS unpublished, count(parked_at) AS parked,
            extract(epoch FROM clock_timestamp() - min(created_at) FILTER (WHERE parked_at IS NULL))::float8 AS oldest
       FROM outbox WHERE published_at IS NULL`,
  );
  const row = rows[0];
  return {
    unpublished: Number(row?.unpublished ?? 0),
    parked: Number(row?.parked ?? 0),
    oldestUnpublishedSeconds: row?.oldest == null ? null : Math.round(row.oldest * 10) / 10,
  };
}

/** Parked rows go back to the relay (their cause fixed: the topic back, its size limit raised); resolves with how many. */
export async function republishParked(pool: pg.Pool): Promise<number> {
  const { rowCount } = await pool.query(
    'UPDATE outbox SET parked_at = NULL WHERE parked_at IS NOT NULL AND published_at IS NULL',
  );
  return rowCount ?? 0;
}
