import type pg from 'pg';

export interface OutboxBacklog {
  unpublished: number;
  /** Age of the oldest unpublished event in seconds; null when everything is published. */
  oldestUnpublishedSeconds: number | null;
}

/** How far the relay is behind: read from the partial index over unpublished rows. */
export async function outboxBacklog(pool: pg.Pool): Promise<OutboxBacklog> {
  const { rows } = await pool.query<{ unpublished: string; oldest: number | null }>(
    `SELECT count(*) AS unpublished, extract(epoch FROM clock_timestamp() - min(created_at))::float8 AS oldest
       FROM outbox WHERE published_at IS NULL`,
  );
  const row = rows[0];
  return {
    unpublished: Number(row?.unpublished ?? 0),
    oldestUnpublishedSeconds: row?.oldest == null ? null : Math.round(row.oldest * 10) / 10,
  };
}
