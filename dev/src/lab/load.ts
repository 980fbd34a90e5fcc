// A load generator for the running stack: realistic orders (random products and quantities from the live
// catalogue, some from demo@metalbear.com so mirrord's split catches them) at a fixed rate, with what was accepted
// and refused counted per second. `npm run load` drives it from a terminal.
import type { CreateOrderRequest, Product } from '@metalmart/contracts';

/** One in five orders comes from the seed's demo address (the walkthrough's mirrord filter). */
export const DEMO_EMAIL = 'demo@metalbear.com';
const DEMO_SHARE = 0.2;
/** Requests waiting for an answer at most: past it a tick's orders are counted as skipped, not queued. */
const MAX_IN_FLIGHT = 256;
const TICK_MS = 100;

const NAMES = ['Ada Lovelace', 'Grace Hopper', 'Alan Turing', 'Edsger Dijkstra', 'Barbara Liskov', 'Ken Thompson'];
const PLACES = [
  { city: 'Berlin', postalCode: '10115', country: 'DE' },
  { city: 'Tel Aviv', postalCode: '6100000', country: 'IL' },
  { city: 'Lisbon', postalCode: '1100-148', country: 'PT' },
  { city: 'Austin', postalCode: '78701', country: 'US' },
  { city: 'Leeds', postalCode: 'LS1 4AP', country: 'GB' },
];

const pick = <T>(list: readonly T[], random: () => number): T => list[Math.floor(random() * list.length)] as T;

/** A valid order of 1–3 different products, 1–3 of each. */
export function randomOrder(productIds: readonly string[], random: () => number = Math.random): CreateOrderRequest {
  const lines = new Map<string, number>();
  const count = 1 + Math.floor(random() * 3);
  for (let i = 0; i < count; i++) lines.set(pick(productIds, random), 1 + Math.floor(random() * 3));
  const name = pick(NAMES, random);
  const demo = random() < DEMO_SHARE;
  const place = pick(PLACES, random);
  return {
    customer: {
      name,
      email: demo ? DEMO_EMAIL : `${name.split(' ')[0]?.toLowerCase()}.${Math.floor(random() * 1e6)}@example.com`,
    },
    shippingAddress: { line1: `${1 + Math.floor(random() * 200)} Forge Street`, ...place },
    items: [...lines].map(([productId, quantity]) => ({ productId, quantity })),
  };
}

export interface LoadCounts {
  /** 201s. */
  accepted: number;
  /** Answered with another status (4xx, 5xx), by status. */
  refused: Record<number, number>;
  /** No answer (connection refused or reset, timeout). */
  failed: number;
  /** Not sent: MAX_IN_FLIGHT requests were already waiting. */
  skipped: number;
  inFlight: number;
}

export interface Load {
  readonly rate: number;
  /** Totals since the start. */
  counts(): LoadCounts;
  /** Accepted and refused (all statuses and failures) in the last whole second. */
  perSecond(): { accepted: number; refused: number };
  /** Stops sending and waits for the answers of what was sent. */
  stop(): Promise<LoadCounts>;
}

export async function fetchProductIds(orderServiceUrl: string): Promise<string[]> {
  const response = await fetch(`${orderServiceUrl}/api/products`);
  if (!response.ok) throw new Error(`GET /api/products → ${response.status}`);
  const ids = ((await response.json()) as Product[]).map((p) => p.id);
  if (ids.length === 0) throw new Error('the catalogue is empty');
  return ids;
}

/** Sends `rate` orders a second to the Order Service at `orderServiceUrl` until stop(). */
export async function startLoad(orderServiceUrl: string, rate: number): Promise<Load> {
  if (!Number.isFinite(rate) || rate <= 0 || rate > 10_000)
    throw new RangeError('rate must be 1–10000 orders a second');
  const productIds = await fetchProductIds(orderServiceUrl);
  const counts: LoadCounts = { accepted: 0, refused: {}, failed: 0, skipped: 0, inFlight: 0 };
  const pending = new Set<Promise<void>>();
  // Per-second buckets of [accepted, refused]; the one being filled is the last.
  const seconds: [number, number][] = [[0, 0]];
  const bucket = () => seconds[seconds.length - 1] as [number, number];

  async function send() {
    counts.inFlight++;
    try {
      const response = await fetch(`${orderServiceUrl}/api/orders`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(randomOrder(productIds)),
        signal: AbortSignal.timeout(10_000),
      });
      await response.arrayBuffer();
      if (response.status === 201) {
        counts.accepted++;
        bucket()[0]++;
      } else {
        counts.refused[response.status] = (counts.refused[response.status] ?? 0) + 1;
        bucket()[1]++;
      }
    } catch {
      counts.failed++;
      bucket()[1]++;
    } finally {
      counts.inFlight--;
    }
  }

  let owed = 0;
  const ticker = setInterval(() => {
    owed += (rate * TICK_MS) / 1000;
    for (; owed >= 1; owed--) {
      if (counts.inFlight >= MAX_IN_FLIGHT) {
        counts.skipped++;
        continue;
      }
      const sent = send();
      pending.add(sent);
      void sent.finally(() => pending.delete(sent));
    }
  }, TICK_MS);
  const roller = setInterval(() => {
    seconds.push([0, 0]);
    if (seconds.length > 5) seconds.shift();
  }, 1000);

  return {
    rate,
    counts: () => structuredClone(counts),
    perSecond: () => {
      const [accepted, refused] = seconds[seconds.length - 2] ?? [0, 0];
      return { accepted, refused };
    },
    async stop() {
      clearInterval(ticker);
      clearInterval(roller);
      await Promise.all(pending);
      return structuredClone(counts);
    },
  };
}

/** "12 refused (503 ×10, 429 ×2)" or "0 refused". */
export function describeRefusals(counts: LoadCounts): string {
  const entries = Object.entries(counts.refused);
  const total = entries.reduce((sum, [, n]) => sum + n, 0) + counts.failed;
  const parts = [
    ...entries.map(([status, n]) => `${status} ×${n}`),
    ...(counts.failed ? [`no answer ×${counts.failed}`] : []),
  ];
  return parts.length ? `${total} refused (${parts.join(', ')})` : '0 refused';
}

/** The runner's one load generator, started, re-rated and stopped from the page (the control API's /stack/load). */
export type LoadControl = ReturnType<typeof createLoadControl>;

/** One at a time: a new rate replaces the old one. */
export function createLoadControl(orderServiceUrl: string) {
  let current: Load | undefined;
  /** The last one stopped: its totals stay readable (running false) until the next start. */
  let last: Load | undefined;
  return {
    state() {
      const shown = current ?? last;
      const counts = shown?.counts();
      const now = current?.perSecond() ?? { accepted: 0, refused: 0 };
      const refused = counts ? Object.values(counts.refused).reduce((a, b) => a + b, 0) + counts.failed : 0;
      return {
        running: current !== undefined,
        rate: current?.rate ?? 0,
        accepted: counts?.accepted ?? 0,
        refused,
        acceptedPerSecond: now.accepted,
        refusedPerSecond: now.refused,
      };
    },
    async start(rate: number) {
      const next = await startLoad(orderServiceUrl, rate);
      const previous = current;
      current = next;
      await previous?.stop();
    },
    async stop() {
      last = current ?? last;
      current = undefined;
      await last?.stop();
    },
  };
}
