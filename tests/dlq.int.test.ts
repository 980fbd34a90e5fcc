// `npm run dlq`: an event whose order was unknown when it arrived is dead-lettered with its reason, listed, and —
// once the order exists — replayed to its topic, where the processor ships it.
import { spawn } from 'node:child_process';
import { deadLetterTopicOf, HEADERS } from '@metalmart/contracts';
import { clientOptions } from '@metalmart/contracts/kafka-connection';
import { repoRoot } from '@metalmart/dev/settings';
import { Producer, stringSerializers } from '@platformatic/kafka';
import { afterAll, describe, expect, it } from 'vitest';
import { statusCounts } from './support/fleet.ts';
import {
  createTestDatabase,
  createTestTopic,
  kafkaBrokers,
  kafkaConnection,
  sendRecords,
  uniqueName,
} from './support/infra.ts';
import { consumeWithConsoleConsumer, runKafkaToolOrThrow } from './support/kafka-tools.ts';
import { insertOrderOf, orderCreatedEvent } from './support/orders.ts';
import { type ServiceProcess, startOrderService, startProcessor, waitUntil } from './support/processes.ts';

function dlq(topic: string, ...args: string[]) {
  return new Promise<{ code: number | null; output: string }>((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'dev/src/cli/dlq-cli.ts', ...args], {
      cwd: repoRoot,
      env: { ...process.env, KAFKA_BROKERS: kafkaBrokers(), KAFKA_TOPIC: topic },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (c) => (output += c));
    child.stderr.on('data', (c) => (output += c));
    child.on('exit', (code) => resolve({ code, output }));
  });
}

const running: ServiceProcess[] = [];
afterAll(async () => {
  await Promise.all(running.map((p) => p.stop()));
});

/** An Order Service and one processor on `topic`, stopped after the file; resolves with the processor. */
async function startPipeline(databaseUrl: string, topic: string, instance: string) {
  const orderService = await startOrderService({ databaseUrl, kafkaBrokers: kafkaBrokers(), topic });
  running.push(orderService);
  const processor = await startProcessor({
    kafkaBrokers: kafkaBrokers(),
    topic,
    groupId: uniqueName(`${instance}-group`),
    orderServiceUrl: orderService.url,
    instance,
  });
  running.push(processor);
  return processor;
}

describe('npm run dlq', () => {
  it('lists a dead letter with its reason and replays it once its cause is gone', async () => {
    const databaseUrl = await createTestDatabase();
    const topic = await createTestTopic('dlq');
    await startPipeline(databaseUrl, topic, 'dlq');
    expect((await dlq(topic, 'list')).output).toContain('no dead letters');

    // An event for an order the Order Service does not know (yet).
    const event = orderCreatedEvent();
    await sendRecords(topic, [{ key: event.order.id, value: JSON.stringify(event) }]);
    let listed = '';
    await waitUntil(
      'dead-lettered',
      async () => {
        listed = (await dlq(topic, 'list')).output;
        return listed.includes(event.order.id);
      },
      60_000,
      1000,
    );
    const line = listed.split('\n').find((l) => l.includes(event.order.id)) ?? '';
    expect(line).toMatch(/^0\t\S+\t.+-\d+@\d+\tkey=\S+\tPOISON: unknown order/);

    // The cause goes away: the order now exists (as if it had been restored), still pending.
    await insertOrderOf(databaseUrl, event);
    const replay = await dlq(topic, 'replay', '0');
    expect(replay.code, replay.output).toBe(0);
    await waitUntil(
      'the replayed order shipped',
      async () => (await statusCounts(databaseUrl, [event.order.id])).shipped === 1,
      60_000,
    );
    expect((await dlq(topic, 'replay', '99')).code).toBe(1);
    expect((await dlq(topic, 'nonsense')).code).toBe(2);
  });

  it('sends a letter too large for the dead-letter topic without its value, and replays the original from its source', async () => {
    const databaseUrl = await createTestDatabase();
    const topic = await createTestTopic('dlq-large');
    // The dead-letter topic takes less than the source topic: the original plus the dlq_* headers cannot fit.
    await runKafkaToolOrThrow(kafkaBrokers(), 'configs', [
      ...['--alter', '--entity-type', 'topics', '--entity-name', deadLetterTopicOf(topic)],
      ...['--add-config', 'max.message.bytes=2000'],
    ]);
    await startPipeline(databaseUrl, topic, 'dlq-large');
    const event = orderCreatedEvent(); // its order is unknown: POISON
    const producer = new Producer({
      clientId: uniqueName('dlq-large'),
      ...clientOptions(kafkaConnection()),
      serializers: stringSerializers,
    });
    try {
      await producer.send({
        messages: [
          { topic, key: event.order.id, value: JSON.stringify(event), headers: new Map([['note', 'x'.repeat(3000)]]) },
        ],
      });
    } finally {
      await producer.close();
    }
    const [letter] = await consumeWithConsoleConsumer(kafkaBrokers(), {
      topic: deadLetterTopicOf(topic),
      maxMessages: 1,
      timeoutMs: 60_000,
    });
    expect(letter?.key).toBe(event.order.id);
    expect(letter?.headers[HEADERS.dlqError]).toMatch(/^POISON: unknown order/);
    expect(Number(letter?.headers[HEADERS.dlqValueOmitted])).toBe(JSON.stringify(event).length);
    expect(letter?.headers.note).toBeUndefined();
    expect(letter?.headers[HEADERS.dlqSourceOffset]).toBe('0');

    await insertOrderOf(databaseUrl, event);
    const replay = await dlq(topic, 'replay', '0');
    expect(replay.code, replay.output).toBe(0);
    await waitUntil(
      'the replayed order shipped',
      async () => (await statusCounts(databaseUrl, [event.order.id])).shipped === 1,
      60_000,
    );
    const records = await consumeWithConsoleConsumer(kafkaBrokers(), { topic, maxMessages: 2, timeoutMs: 8000 });
    const replayed = records.find((r) => r.headers.replayed_from_dlq_offset === '0');
    expect(replayed?.value).toBe(JSON.stringify(event));
    expect(replayed?.headers.note).toHaveLength(3000);
  });

  it('creates a deleted dead-letter topic again and writes the letter there', async () => {
    const databaseUrl = await createTestDatabase();
    const topic = await createTestTopic('dlq-gone');
    const dlqTopic = deadLetterTopicOf(topic);
    await runKafkaToolOrThrow(kafkaBrokers(), 'topics', ['--delete', '--topic', dlqTopic]);
    await waitUntil('the dead-letter topic deleted', async () => {
      const list = await runKafkaToolOrThrow(kafkaBrokers(), 'topics', ['--list']);
      return !list.split('\n').includes(dlqTopic);
    });
    const processor = await startPipeline(databaseUrl, topic, 'dlq-gone');
    const event = orderCreatedEvent(); // its order is unknown: POISON
    await sendRecords(topic, [{ key: event.order.id, value: JSON.stringify(event) }]);
    const [letter] = await consumeWithConsoleConsumer(kafkaBrokers(), {
      topic: dlqTopic,
      maxMessages: 1,
      timeoutMs: 60_000,
    });
    expect(letter?.key).toBe(event.order.id);
    expect(letter?.headers[HEADERS.dlqError]).toMatch(/^POISON: unknown order/);
    expect(
      processor.logs.some((line) => line.includes(`the dead-letter topic ${dlqTopic} did not exist: created it`)),
    ).toBe(true);
  });
});
