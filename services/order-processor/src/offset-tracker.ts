/**
 * Safe commits under concurrent handling and rebalances. Per partition we own, the offset to commit is one
 * below which every delivered message is done. Pure bookkeeping, no I/O.
 *
 * Rebalances: a partition's lane lives as long as we own it without a break ("ownership period"). A
 * delivery is fenced (not handled, not tracked) when its partition is not ours now, or when it was fetched
 * in a generation before the current period began — the stream re-reads such partitions from the committed
 * offset. Within a period nothing is forgotten: a rewind after a rebalance re-delivers offsets already
 * tracked (skipped as duplicates), and an unfinished delivery stays a floor, so no commit passes it.
 *
 * Memory: finished deliveries next to each other (no unfinished one between them) are kept as one run, so a
 * delivery that never finishes (a dead letter Kafka keeps refusing) holds the commit, not memory: the lane holds
 * at most about twice its unfinished deliveries, however many finish behind it.
 */
interface Entry {
  /** The first offset; for a finished run, every delivery from here to `last` is done. */
  offset: bigint;
  last: bigint;
  done: boolean;
}

interface Lane {
  /** The generation in which this ownership period began. */
  since: number;
  /** Unfinished deliveries and the finished ones above the lowest of them, sorted by offset. */
  entries: Entry[];
  /** Every offset below it is done (undefined until a delivery finishes). */
  done: bigint | undefined;
  committed: bigint | undefined;
}

export interface Ticket {
  readonly partition: string;
  readonly lane: Lane;
  readonly entry: Entry;
}

export type Fenced = 'not-assigned' | 'old-generation' | 'duplicate' | 'revoked';

export class OffsetTracker {
  readonly #lanes = new Map<string, Lane>();

  #generation: number | undefined;

  /**
   * The partitions assigned in `generation`: periods of the others end, new ones begin. A generation more than one
   * past the last this member saw means it was out of the group in between (frozen past its session, cut off): any
   * of its partitions may have had another owner meanwhile, so every period ends, even for partitions it gets back.
   */
  assign(partitions: Iterable<string>, generation: number): void {
    if (this.#generation !== undefined && generation > this.#generation + 1) this.#lanes.clear();
    this.#generation = generation;
    const owned = new Set(partitions);
    for (const partition of this.#lanes.keys()) if (!owned.has(partition)) this.#lanes.delete(partition);
    for (const partition of owned) {
      if (!this.#lanes.has(partition))
        this.#lanes.set(partition, { since: generation, entries: [], done: undefined, committed: undefined });
    }
  }

  /** Records a delivered message, or says why it must not be handled. */
  start(partition: string, offset: bigint, generation: number): Ticket | Fenced {
    const lane = this.#lanes.get(partition);
    if (!lane) return 'not-assigned';
    if (generation < lane.since) return 'old-generation';
    if (lane.done !== undefined && offset < lane.done) return 'duplicate';
    const { entries } = lane;
    let at = entries.length; // deliveries come in order: found at once unless it is a rewind
    while (at > 0 && (entries[at - 1] as Entry).offset > offset) at--;
    const before = entries[at - 1];
    if (before && offset <= before.last) return 'duplicate';
    const entry = { offset, last: offset, done: false };
    entries.splice(at, 0, entry);
    return { partition, lane, entry };
  }

  /** False once the ticket's ownership period ended (its partition revoked, even if it came back since). */
  owns(ticket: Ticket): boolean {
    return this.#lanes.get(ticket.partition) === ticket.lane;
  }

  /** Marks a message done and advances its partition's watermark over every finished head entry. */
  finish(ticket: Ticket): void {
    const { lane, entry } = ticket;
    entry.done = true;
    const { entries } = lane;
    // Merge with finished neighbours into one run (a rewind may have put the entry anywhere).
    const at = entries.indexOf(entry);
    if (at < 0) return; // already merged into a run: finished twice
    const next = entries[at + 1];
    if (next?.done) {
      entry.last = next.last;
      entries.splice(at + 1, 1);
    }
    const previous = entries[at - 1];
    if (at > 0 && previous?.done) {
      previous.last = entry.last;
      entries.splice(at, 1);
    }
    while (entries[0]?.done) {
      const head = entries.shift() as Entry;
      if (lane.done === undefined || head.last >= lane.done) lane.done = head.last + 1n;
    }
  }

  /** The offset that may be committed for a partition now: the lowest unfinished delivery, or past the last done. */
  safeOffset(partition: string): bigint | undefined {
    const lane = this.#lanes.get(partition);
    if (!lane) return undefined;
    const lowestUnfinished = lane.entries[0]?.offset;
    if (lowestUnfinished === undefined) return lane.done;
    return lane.done !== undefined && lane.done > lowestUnfinished ? lane.done : lowestUnfinished;
  }

  /** Owned partitions whose safe offset moved past what was last committed, with that offset. */
  due(): Map<string, bigint> {
    const due = new Map<string, bigint>();
    for (const [partition, lane] of this.#lanes) {
      const offset = this.safeOffset(partition);
      if (offset !== undefined && (lane.committed === undefined || offset > lane.committed)) due.set(partition, offset);
    }
    return due;
  }

  /** Records a successful commit (a failed one is simply due again at the next flush). */
  committed(partition: string, offset: bigint): void {
    const lane = this.#lanes.get(partition);
    if (lane && (lane.committed === undefined || offset > lane.committed)) lane.committed = offset;
  }

  /** Messages delivered and not finished, in the partitions we own. */
  get inFlight(): number {
    let count = 0;
    for (const lane of this.#lanes.values()) for (const entry of lane.entries) if (!entry.done) count++;
    return count;
  }

  /** Entries held (unfinished deliveries, and runs of finished ones behind them): the tracker's memory. */
  get held(): number {
    let count = 0;
    for (const lane of this.#lanes.values()) count += lane.entries.length;
    return count;
  }
}
