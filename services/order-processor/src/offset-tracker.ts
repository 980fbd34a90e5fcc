/**
 * Safe commits under concurrent handling: per partition, only the highest offset below which every
 * message is done may be committed. Pure bookkeeping, no I/O; `C` is whatever commits (a message's own
 * commit function in production, a label in tests).
 */
interface Entry<C> {
  partition: string;
  offset: bigint;
  done: boolean;
  commit: C;
  lane: Entry<C>[];
}

export type Ticket<C> = Entry<C>;

export class OffsetTracker<C> {
  readonly #lanes = new Map<string, Entry<C>[]>();
  readonly #committable = new Map<string, C>();

  /** Records a delivered message. A delivery at or below one still tracked means a rewind (rebalance): restart the lane. */
  start(partition: string, offset: bigint, commit: C): Ticket<C> {
    let lane = this.#lanes.get(partition);
    const last = lane?.[lane.length - 1];
    if (!lane || (last && offset <= last.offset)) {
      lane = [];
      this.#lanes.set(partition, lane);
      this.#committable.delete(partition);
    }
    const entry = { partition, offset, done: false, commit, lane };
    lane.push(entry);
    return entry;
  }

  /** Marks a message done and advances its partition's watermark over every finished head entry. */
  finish(ticket: Ticket<C>): void {
    ticket.done = true;
    const lane = ticket.lane;
    // A ticket from before a rewind or reset belongs to a lane no longer tracked: nothing to commit.
    const current = this.#lanes.get(ticket.partition) === lane;
    let head = lane[0];
    while (head?.done) {
      lane.shift();
      if (current) this.#committable.set(ticket.partition, head.commit);
      head = lane[0];
    }
  }

  /** The commits due since the last call, one per partition (the highest safe one). */
  takeCommittable(): Map<string, C> {
    const due = new Map(this.#committable);
    this.#committable.clear();
    return due;
  }

  /** Forgets everything (after a rebalance): later finishes of old tickets change nothing. */
  reset(): void {
    this.#lanes.clear();
    this.#committable.clear();
  }

  get inFlight(): number {
    let count = 0;
    for (const lane of this.#lanes.values()) count += lane.filter((e) => !e.done).length;
    return count;
  }
}
