// The fault lab's verdict: did the pipeline lose anything? Pure arithmetic over what PostgreSQL and the topic
// say (verdict-facts.ts reads them): every accepted order must be waiting somewhere (the outbox, the topic
// ahead of the group's commit, a stage) or shipped, with a history that is the status list in order, once each.
import { ORDER_STATUSES, type OrderStatus } from '@metalmart/contracts';

export interface OrderFacts {
  orderNumber: string;
  status: OrderStatus;
  /** Epoch ms. */
  createdAt: number;
  /** Its status history, oldest first. */
  history: { status: string; at: number }[];
  /** An outbox row still waiting to be published (parked ones too). */
  inOutbox: boolean;
  /** Where its `order.created` records are on the topic (more than one: duplicates the guards absorb). */
  records: { partition: number; offset: bigint }[];
  deadLettered: boolean;
}

export interface Problem {
  orderNumber: string;
  /** Follows the order number in a sentence: " was accepted but …", ": its history …". */
  reason: string;
}

export interface Verdict {
  accepted: number;
  waitingInOutbox: number;
  /** Published and not yet consumed: ahead of the group's commit. */
  waitingOnTopic: number;
  byStatus: Record<OrderStatus, number>;
  lost: Problem[];
  outOfOrder: Problem[];
  deadLettered: number;
  /** Records beyond one per order: sent again after a failed attempt, absorbed by the guarded transitions. */
  duplicatesOnTopic: number;
  /** Accepted → shipped, the slowest; null before the first shipped order. */
  slowestMs: number | null;
  green: boolean;
  /** The verdict in one sentence: the first problem when red. */
  sentence: string;
}

/** How long a fresh order may be in neither place (published a moment ago, not yet read back from the topic). */
export const DEFAULT_GRACE_MS = 15_000;

/** Why a history is not the status list in order, once each (as far as it goes); undefined when it is. */
export function historyProblem(history: { status: string }[]): string | undefined {
  const statuses = history.map((h) => h.status);
  if (statuses.every((status, i) => status === ORDER_STATUSES[i])) return undefined;
  const repeated = statuses.find((s, i) => statuses.indexOf(s) !== i);
  const path = statuses.join(' → ');
  if (repeated) return `: its history has ${repeated} twice (${path})`;
  return `: its history is out of order (${path})`;
}

/**
 * Lost: accepted and in neither the outbox nor on the topic (past the grace), or not shipped although the group
 * committed past every record of it — nobody will ever work on it again. A dead-lettered order is counted apart:
 * it is where an operator finds it, not lost.
 */
function lostReason(order: OrderFacts, committed: Map<number, bigint | null>, now: number, graceMs: number) {
  if (order.status === 'shipped' || order.deadLettered || order.inOutbox) return undefined;
  const lastChange = order.history.at(-1)?.at ?? order.createdAt;
  if (now - lastChange < graceMs) return undefined;
  if (order.records.length === 0) return ' was accepted but is neither in the outbox nor on the topic';
  const passed = order.records.every((r) => {
    const at = committed.get(r.partition);
    return at !== undefined && at !== null && at > r.offset;
  });
  if (passed) return ` is still ${order.status}, but the group committed past its record`;
  return undefined;
}

export function judge(
  orders: OrderFacts[],
  committed: Map<number, bigint | null>,
  now: number,
  graceMs = DEFAULT_GRACE_MS,
): Verdict {
  const byStatus = Object.fromEntries(ORDER_STATUSES.map((s) => [s, 0])) as Record<OrderStatus, number>;
  const lost: Problem[] = [];
  const outOfOrder: Problem[] = [];
  let waitingInOutbox = 0;
  let waitingOnTopic = 0;
  let deadLettered = 0;
  let duplicatesOnTopic = 0;
  let slowestMs: number | null = null;
  for (const order of orders) {
    byStatus[order.status]++;
    if (order.deadLettered) deadLettered++;
    duplicatesOnTopic += Math.max(0, order.records.length - 1);
    const historyIssue = historyProblem(order.history);
    if (historyIssue) outOfOrder.push({ orderNumber: order.orderNumber, reason: historyIssue });
    const lostIssue = lostReason(order, committed, now, graceMs);
    if (lostIssue) lost.push({ orderNumber: order.orderNumber, reason: lostIssue });
    if (order.status === 'pending' && order.inOutbox) waitingInOutbox++;
    else if (order.status === 'pending' && order.records.length > 0 && !lostIssue) waitingOnTopic++;
    const shipped = order.history.find((h) => h.status === 'shipped');
    if (shipped) slowestMs = Math.max(slowestMs ?? 0, shipped.at - order.createdAt);
  }
  const green = lost.length === 0 && outOfOrder.length === 0;
  const accepted = orders.length;
  const inStages = byStatus.processing + byStatus.confirmed;
  const first = lost[0] ?? outOfOrder[0];
  const more = lost.length + outOfOrder.length - 1;
  const sentence = first
    ? `Order ${first.orderNumber}${first.reason}${more > 0 ? ` (and ${more} more)` : ''}.`
    : `Nothing lost: ${accepted} accepted, ${byStatus.shipped} shipped, ${waitingInOutbox} in the outbox, ` +
      `${waitingOnTopic} on the topic, ${inStages} in a stage${deadLettered ? `, ${deadLettered} dead-lettered` : ''}.`;
  return {
    accepted,
    waitingInOutbox,
    waitingOnTopic,
    byStatus,
    lost,
    outOfOrder,
    deadLettered,
    duplicatesOnTopic,
    slowestMs,
    green,
    sentence,
  };
}

/** The chart's window: the last five minutes, one bucket a second. */
export const FLOW_WINDOW_SECONDS = 300;

/** Orders accepted and shipped in each second of the window ending at `now` (the chart's two lines). */
export interface Flow {
  /** Epoch ms of the window's first second. */
  from: number;
  accepted: number[];
  shipped: number[];
}

export function flowPerSecond(orders: OrderFacts[], now: number, seconds = FLOW_WINDOW_SECONDS): Flow {
  const from = Math.floor(now / 1000) * 1000 - (seconds - 1) * 1000;
  const accepted = new Array<number>(seconds).fill(0);
  const shipped = new Array<number>(seconds).fill(0);
  const count = (series: number[], at: number) => {
    const bucket = Math.floor((at - from) / 1000);
    if (bucket >= 0 && bucket < seconds) series[bucket] = (series[bucket] ?? 0) + 1;
  };
  for (const order of orders) {
    count(accepted, order.createdAt);
    const shippedAt = order.history.find((h) => h.status === 'shipped')?.at;
    if (shippedAt !== undefined) count(shipped, shippedAt);
  }
  return { from, accepted, shipped };
}
