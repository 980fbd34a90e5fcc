// `npm run dlq`: an event whose order was unknown when it arrived is dead-lettered with its reason, listed, and —
// once the order exists — replayed to its topic, where the processor ships it.
import { spawn } from 'node:child_process';
import { afterAll, describe, expect, it } from 'vitest';
import { repoRoot } from '../dev/src/settings.ts';
import { statusCounts } from './support/fleet.ts';
import { createTestDatabase, createTestTopic, kafkaBrokers, sendRecords, uniqueName } from './support/infra.ts';
import { insertOrderOf, orderCreatedEvent } from './support/orders.ts';
import { type ServiceProcess, startOrderService, startProcessor, waitUntil } from './support/processes.ts';

function dlq(topic: string, ...args: string[]) {
  return new Promise<{ code: number | null; output: string }>((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'dev/src/dlq-cli.ts', ...args], {
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

describe('npm run dlq', () => {
  it('lists a dead letter with its reason and replays it once its cause is gone', async () => {
    const databaseUrl = await createTestDatabase();
    const topic = await createTestTopic('dlq');
    const orderService = await startOrderService({ databaseUrl, kafkaBrokers: kafkaBrokers(), topic });
    running.push(orderService);
    running.push(
      await startProcessor({
        kafkaBrokers: kafkaBrokers(),
        topic,
        groupId: uniqueName('dlq-group'),
        orderServiceUrl: orderService.url,
        instance: 'dlq',
      }),
    );
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
});
