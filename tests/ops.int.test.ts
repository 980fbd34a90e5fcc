// /api/ops (the shop's live pipeline page) against the real stack, checked with Kafka's own
// kafka-consumer-groups: the partitions table, the owners, the lag while nobody consumes, the rebalance timeline;
// and the cluster view on the one test broker (tests/kafka-cluster.int.test.ts has it with a broker down).
import { deadLetterTopicOf, type OpsDeadLetter, type OpsSnapshot } from '@metalmart/contracts';
import { afterAll, describe, expect, it } from 'vitest';
import { placeOrders, statusCounts } from './support/fleet.ts';
import { createTestDatabase, createTestTopic, kafkaBrokers, sendRecords, uniqueName } from './support/infra.ts';
import { consumeWithConsoleConsumer, describeGroup } from './support/kafka-tools.ts';
import { startPipeline } from './support/pipeline.ts';
import { type ServiceProcess, startOrderService, startProcessor, waitUntil } from './support/processes.ts';

const running: ServiceProcess[] = [];
afterAll(async () => {
  await Promise.all(running.map((p) => p.stop()));
});

describe('/api/ops', () => {
  it('shows what kafka-consumer-groups shows, and lag while the processors are away', {
    timeout: 180_000,
  }, async () => {
    const databaseUrl = await createTestDatabase();
    const topic = await createTestTopic('ops');
    const groupId = uniqueName('ops-group');
    const orderService = await startOrderService({
      databaseUrl,
      kafkaBrokers: kafkaBrokers(),
      topic,
      env: { OPS_API: '1', KAFKA_GROUP_ID: groupId },
    });
    running.push(orderService);
    const snapshot = async () => {
      const response = await fetch(`${orderService.url}/api/ops/snapshot`);
      expect(response.status).toBe(200);
      return (await response.json()) as OpsSnapshot;
    };
    const processor = (instance: string) =>
      startProcessor({ kafkaBrokers: kafkaBrokers(), topic, groupId, orderServiceUrl: orderService.url, instance });
    const a = await processor('ops-a');
    const b = await processor('ops-b');
    running.push(a, b);

    const ids = await placeOrders(orderService.url, 30);
    await waitUntil('30 shipped', async () => (await statusCounts(databaseUrl, ids)).shipped === 30);
    let now = await snapshot();
    await waitUntil('no lag and both members owning', async () => {
      now = await snapshot();
      const owners = new Set(now.partitions.map((p) => p.owner));
      return now.partitions.every((p) => p.lag === 0) && owners.size === 2 && !owners.has(null);
    });
    expect(now.partitions.map((p) => p.partition)).toEqual([0, 1, 2, 3, 4, 5]);
    expect(now.statuses.shipped).toBe(30);
    expect(now.transitions[0]).toMatchObject({ status: 'shipped' });
    const rows = await describeGroup(kafkaBrokers(), groupId);
    for (const p of now.partitions) {
      const row = rows.find((r) => r.partition === p.partition);
      expect(Number(p.endOffset)).toBe(row?.logEndOffset);
      expect(p.committed === null ? null : Number(p.committed)).toBe(row?.currentOffset);
      const owner = now.group.members.find((m) => m.partitions.includes(p.partition));
      expect(owner?.memberId).toBe(row?.consumerId);
      expect(owner?.instance).toBe(p.owner);
    }
    // One broker: the controller too, and each partition's one replica leads and is in sync.
    const id = now.cluster?.brokers[0]?.id;
    expect(now.cluster?.brokers).toEqual([{ id, address: kafkaBrokers(), up: true, controller: true }]);
    expect(now.cluster?.partitions).toEqual(
      now.partitions.map(({ partition }) => ({
        partition,
        leader: id,
        replicas: [id],
        isr: [id],
        underReplicated: false,
        offline: false,
      })),
    );

    // One leaves: its partitions move to the other, and the timeline shows the change.
    await b.stop();
    await waitUntil('ops-a owns all six', async () => {
      now = await snapshot();
      return now.partitions.every((p) => p.owner === 'ops-a');
    });
    expect(now.rebalances[0]?.assignment).toEqual({ 'ops-a': [0, 1, 2, 3, 4, 5] });
    expect(now.rebalances.length).toBeGreaterThanOrEqual(2);

    // Nobody consumes: lag rises with every order, in records and in seconds, as Kafka counts it.
    await a.stop();
    await waitUntil('the group is empty', async () => (await snapshot()).group.members.length === 0);
    await placeOrders(orderService.url, 20);
    await waitUntil('20 records of lag, seconds counting', async () => {
      now = await snapshot();
      const lag = now.partitions.reduce((sum, p) => sum + p.lag, 0);
      return lag === 20 && now.partitions.some((p) => (p.lagSeconds ?? 0) >= 2);
    });
    const lagging = await describeGroup(kafkaBrokers(), groupId);
    for (const p of now.partitions) {
      const row = lagging.find((r) => r.partition === p.partition);
      if (!row) {
        // kafka-consumer-groups lists an empty group's partitions with a commit only: this one never had one,
        // so all of it is lag.
        expect(p.committed).toBeNull();
        expect(p.lag).toBe(Number(p.endOffset));
        continue;
      }
      expect(p.lag).toBe((row.logEndOffset ?? 0) - (row.currentOffset ?? 0));
      expect(p.owner).toBeNull();
      expect(p.lagSeconds === null).toBe(p.lag === 0);
    }

    // Replaying a dead letter that is not there is a 404 with a message, not a 500.
    const missing = await fetch(`${orderService.url}/api/ops/dead-letters/42/replay`, { method: 'POST' });
    expect(missing.status).toBe(404);
    expect(((await missing.json()) as { detail: string }).detail).toContain('no dead letter at offset 42');
    expect(await (await fetch(`${orderService.url}/api/ops/dead-letters`)).json()).toEqual({ deadLetters: [] });
  });

  it('lists and replays the dead letters where KAFKA_DLQ_TOPIC puts them', { timeout: 180_000 }, async () => {
    const topic = await createTestTopic('ops-dlq');
    const deadLetterTopic = await createTestTopic('ops-custom-dlq', 1);
    const groupId = uniqueName('ops-dlq-group');
    const env = { KAFKA_DLQ_TOPIC: deadLetterTopic };
    const { orderService } = await startPipeline({
      topic,
      groupId,
      instance: 'ops-dlq',
      running,
      orderServiceEnv: { ...env, OPS_API: '1', KAFKA_GROUP_ID: groupId },
      processorEnv: env,
    });
    const letters = async () => {
      const response = await fetch(`${orderService.url}/api/ops/dead-letters`);
      expect(response.status).toBe(200);
      return ((await response.json()) as { deadLetters: OpsDeadLetter[] }).deadLetters;
    };

    await sendRecords(topic, [{ key: 'poison', value: 'not an order' }]);
    await waitUntil('the poison record on the ops page', async () => (await letters()).length === 1);
    expect((await letters())[0]).toMatchObject({ id: '0', key: 'poison', source: { topic, offset: '0' } });
    const replay = await fetch(`${orderService.url}/api/ops/dead-letters/0/replay`, { method: 'POST' });
    expect(replay.status).toBe(200);
    expect(await replay.json()).toEqual({ replayed: '0', topic });
    // Back on the order topic and still poison: the processor dead-letters it again, into the same topic.
    await waitUntil('dead-lettered again after the replay', async () => (await letters()).length === 2);
    expect((await letters())[0]).toMatchObject({ id: '1', key: 'poison', source: { topic, offset: '1' } });

    // Kafka's own console consumer: both letters are in KAFKA_DLQ_TOPIC, none in the default `<topic>.dlq`.
    const custom = await consumeWithConsoleConsumer(kafkaBrokers(), { topic: deadLetterTopic, maxMessages: 2 });
    expect(custom.map((r) => r.key)).toEqual(['poison', 'poison']);
    const fallback = deadLetterTopicOf(topic);
    expect(
      await consumeWithConsoleConsumer(kafkaBrokers(), { topic: fallback, maxMessages: 1, timeoutMs: 3000 }),
    ).toEqual([]);
  });

  it('is not served unless OPS_API is set', async () => {
    const orderService = await startOrderService({
      databaseUrl: await createTestDatabase(),
      kafkaBrokers: kafkaBrokers(),
      topic: await createTestTopic('ops-off'),
    });
    running.push(orderService);
    expect((await fetch(`${orderService.url}/api/ops/snapshot`)).status).toBe(404);
  });
});
