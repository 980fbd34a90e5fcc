// A property test of the Kafka boundary (issue 10): random bytes and near-valid order.created events (a valid
// one with one field broken: wrong type, out-of-range number, NUL or a lone surrogate in a string, a missing
// field, an extra one) published to the topic are all dead-lettered with a reason, while the valid orders
// placed around them ship. Seeded, so a failure names the case that can be replayed.
import { deadLetterTopicOf, HEADERS, INT32_MAX, type OrderCreatedEvent } from '@metalmart/contracts';
import { clientOptions } from '@metalmart/contracts/kafka-connection';
import { histories, statusCounts } from '@metalmart/test-support/fleet';
import {
  createTestDatabase,
  createTestTopic,
  kafkaBrokers,
  kafkaConnection,
  readTopic,
  uniqueName,
} from '@metalmart/test-support/infra';
import { orderCreatedEvent, placeOrder } from '@metalmart/test-support/orders';
import { type ServiceProcess, startOrderService, startProcessor, waitUntil } from '@metalmart/test-support/processes';
import { Producer } from '@platformatic/kafka';
import { afterAll, beforeAll, expect, it } from 'vitest';

const SEED = 20261201;
const CASES = 50;

/** mulberry32: small, seeded, good enough to pick cases. */
function generator(seed: number) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 2 ** 32;
  };
  return {
    int: (max: number) => Math.floor(next() * max),
    pick: <T>(items: readonly T[]): T => items[Math.floor(next() * items.length)] as T,
  };
}
type Random = ReturnType<typeof generator>;

type Json = Record<string, unknown>;
const STRING_FIELDS = [
  '/order/orderNumber',
  '/order/items/0/productId',
  '/order/items/0/name',
  '/order/customer/name',
  '/order/customer/email',
  '/order/shippingAddress/line1',
  '/order/shippingAddress/city',
  '/order/shippingAddress/postalCode',
  '/order/shippingAddress/country',
];
const NUMBER_FIELDS = ['/order/items/0/quantity', '/order/items/0/unitPriceCents', '/order/totalCents'];
const REQUIRED_FIELDS = [
  '/eventId',
  '/type',
  '/version',
  '/occurredAt',
  '/order',
  '/order/id',
  '/order/items',
  '/order/customer',
  '/order/customer/email',
  '/order/shippingAddress/line1',
  '/order/items/0/quantity',
  '/order/currency',
];

function parentOf(root: Json, pointer: string): [Json, string] {
  const keys = pointer.split('/').slice(1);
  const last = keys.pop() as string;
  let target = root;
  for (const key of keys) target = target[key] as Json;
  return [target, last];
}

/** One near-valid event: a valid one with exactly one thing wrong, and what was done to it. */
function nearValid(random: Random): { what: string; value: string } {
  const event = orderCreatedEvent() as unknown as Json;
  const kind = random.int(6);
  let what: string;
  if (kind === 0) {
    const pointer = random.pick([...STRING_FIELDS, ...NUMBER_FIELDS, '/version', '/order/items']);
    const [parent, key] = parentOf(event, pointer);
    const wrong = random.pick([null, true, {}, [], 42, '42']);
    parent[key] = typeof parent[key] === typeof wrong && !Array.isArray(parent[key]) ? [wrong] : wrong;
    what = `wrong type at ${pointer}`;
  } else if (kind === 1) {
    const pointer = random.pick(NUMBER_FIELDS);
    const [parent, key] = parentOf(event, pointer);
    parent[key] = random.pick([
      -1,
      0.5,
      INT32_MAX + 1,
      2 ** 53,
      1e300,
      ...(pointer.endsWith('quantity') ? [0, 100] : []),
    ]);
    what = `${parent[key]} at ${pointer}`;
  } else if (kind === 2 || kind === 3) {
    const pointer = random.pick(STRING_FIELDS);
    const [parent, key] = parentOf(event, pointer);
    const bad =
      kind === 2 ? random.pick(['\u0000', '\u0001', '\n', '\u001f', '\u007f']) : random.pick(['\ud800', '\udfff']);
    const text = String(parent[key]);
    const at = random.int(text.length + 1);
    parent[key] = text.slice(0, at) + bad + text.slice(at);
    what = `${JSON.stringify(bad)} in ${pointer}`;
  } else if (kind === 4) {
    const pointer = random.pick(REQUIRED_FIELDS);
    const [parent, key] = parentOf(event, pointer);
    delete parent[key];
    what = `no ${pointer}`;
  } else {
    // The two objects the contract closes (additionalProperties: false); an order line is open.
    const pointer = random.pick(['/order/customer', '/order/shippingAddress']);
    const [parent, key] = parentOf(event, pointer);
    (parent[key] as Json).extra = 'x';
    what = `an extra property in ${pointer}`;
  }
  // JSON.stringify writes a lone surrogate as the escape `\ud800`, as a producer in another language would.
  return { what, value: JSON.stringify(event) };
}

function randomBytes(random: Random): Buffer {
  const bytes = Buffer.alloc(1 + random.int(300));
  for (let i = 0; i < bytes.length; i++) bytes[i] = random.int(256);
  return bytes;
}

let databaseUrl: string;
const running: ServiceProcess[] = [];
beforeAll(async () => {
  databaseUrl = await createTestDatabase();
});
afterAll(async () => {
  await Promise.all(running.map((p) => p.stop()));
});

it(`dead-letters ${CASES} random and near-valid records with a reason while the orders around them ship`, async () => {
  const topic = await createTestTopic('boundary');
  const orderService = await startOrderService({ databaseUrl, kafkaBrokers: kafkaBrokers(), topic });
  running.push(orderService);
  const processor = await startProcessor({
    kafkaBrokers: kafkaBrokers(),
    topic,
    groupId: uniqueName('boundary-group'),
    orderServiceUrl: orderService.url,
    instance: 'boundary',
    stageDelayMs: 0,
  });
  running.push(processor);

  const random = generator(SEED);
  const cases = new Map<string, string>();
  const valid: string[] = [];
  const producer = new Producer({ clientId: uniqueName('boundary-producer'), ...clientOptions(kafkaConnection()) });
  try {
    for (let i = 0; i < CASES; i++) {
      if (i % 10 === 0) valid.push((await placeOrder(orderService.url)).id);
      const key = `case-${i}`;
      const bytes = random.int(3) === 0;
      const record = bytes ? { what: 'random bytes', value: randomBytes(random) } : nearValid(random);
      cases.set(key, record.what);
      await producer.send({ messages: [{ topic, key: Buffer.from(key), value: Buffer.from(record.value) }] });
    }
    valid.push((await placeOrder(orderService.url)).id);
  } finally {
    await producer.close();
  }

  const letters = await readTopic(deadLetterTopicOf(topic), CASES, 60_000);
  const byKey = new Map(letters.map((letter) => [letter.key ?? '', letter]));
  for (const [key, what] of cases) {
    const letter = byKey.get(key);
    const label = `seed ${SEED}, ${key}: ${what}`;
    expect(letter, `${label} was not dead-lettered`).toBeDefined();
    const reason = letter?.headers.get(HEADERS.dlqError) ?? '';
    // Refused by the parser (not JSON, or not the contract), never "unknown order": it did not get that far.
    expect(reason, label).toMatch(/not JSON|does not match order\.created v1|empty record value/);
    expect(letter?.headers.get(HEADERS.dlqSourceTopic), label).toBe(topic);
  }
  expect(letters).toHaveLength(CASES);

  await waitUntil(
    `${valid.length} valid orders shipped`,
    async () => (await statusCounts(databaseUrl, valid)).shipped === valid.length,
    60_000,
    500,
  );
  for (const statuses of (await histories(databaseUrl, valid)).values()) {
    expect(statuses).toEqual(['pending', 'processing', 'confirmed', 'shipped']);
  }
  expect(processor.child.exitCode).toBeNull();
});

// The generator's own sanity: every near-valid event really is refused by the contract's parser.
it('generates near-valid events that the contract refuses, each for one reason', async () => {
  const { parseOrderCreatedEvent } = await import('@metalmart/contracts');
  const random = generator(SEED + 1);
  for (let i = 0; i < 500; i++) {
    const { what, value } = nearValid(random);
    expect(parseOrderCreatedEvent(value).ok, what).toBe(false);
  }
  const event: OrderCreatedEvent = orderCreatedEvent();
  expect(parseOrderCreatedEvent(JSON.stringify(event)).ok).toBe(true);
});
