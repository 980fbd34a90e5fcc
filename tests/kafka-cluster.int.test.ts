// The pipeline on a real three-node KRaft cluster (three JVMs, each broker and controller), as a user who outgrew
// one machine runs it: a comma-separated KAFKA_BROKERS, topics at factor 3 / min ISR 2, the broker leading most
// partitions killed -9 and left dead, two of three brokers down, and the topic grown 6 → 12 while orders flow.
// What is on the cluster is read with Kafka's own tools (kafka-topics, kafka-consumer-groups, the console consumer),
// and the ops page's cluster view (/api/ops) is held against them while a broker is dead.
import { spawnSync } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { OpsCluster, OpsSnapshot } from '@metalmart/contracts';
import { FaultLab } from '@metalmart/dev/lab/faults';
import { ensureTopics } from '@metalmart/dev/servers/topics';
import { repoRoot } from '@metalmart/dev/settings';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  histories,
  placeOrders,
  placeOrdersContinuously,
  statusCounts,
  unpublishedOutboxRows,
} from './support/fleet.ts';
import { createTestDatabase, createTopicOn, kafkaConnection, uniqueName } from './support/infra.ts';
import {
  consumeWithConsoleConsumer,
  describeGroup,
  describeTopic,
  kafkaBinDir,
  quorumLeader,
  runKafkaToolOrThrow,
  type TopicDescription,
} from './support/kafka-tools.ts';
import { startPrivateKafka } from './support/private-kafka.ts';
import { type ServiceProcess, startOrderService, startProcessor, waitUntil } from './support/processes.ts';

let cluster: Awaited<ReturnType<typeof startPrivateKafka>>;
let databaseUrl: string;
let topic: string;
let groupId: string;
let orderService: ServiceProcess;
const processors: ServiceProcess[] = [];
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const LIFECYCLE = ['pending', 'processing', 'confirmed', 'shipped'];

beforeAll(async () => {
  cluster = await startPrivateKafka({ nodes: 3 });
  expect(cluster.brokers.split(',')).toHaveLength(3);
  topic = uniqueName('cluster');
  groupId = uniqueName('cluster-group');
  await createTopicOn(cluster.brokers, topic, 6);
  databaseUrl = await createTestDatabase();
  // Every service gets the whole list, comma-separated, as a user's KAFKA_BROKERS would be.
  orderService = await startOrderService({
    databaseUrl,
    kafkaBrokers: cluster.brokers,
    topic,
    env: { OPS_API: '1', KAFKA_GROUP_ID: groupId },
  });
  for (const instance of ['cluster-a', 'cluster-b']) {
    processors.push(
      await startProcessor({
        kafkaBrokers: cluster.brokers,
        topic,
        groupId,
        orderServiceUrl: orderService.url,
        instance,
        stageDelayMs: 20,
        env: { KAFKA_METADATA_MAX_AGE_MS: '2000' },
      }),
    );
  }
});
afterAll(async () => {
  await Promise.all([...processors.map((p) => p.stop()), orderService?.stop()]);
  // Kept for a look after a failure (test-results/ is ignored).
  await mkdir(join(repoRoot, 'test-results'), { recursive: true });
  for (const [i, p] of processors.entries()) {
    await writeFile(join(repoRoot, 'test-results', `kafka-cluster-processor-${i + 1}.log`), p.logs.join('\n'));
  }
  await cluster?.destroy();
});

/** Every accepted order shipped with an exact history, the outbox drained, and no service restarted. */
async function expectAllShipped(ids: string[], timeoutMs = 120_000) {
  await waitUntil(
    `${ids.length} orders shipped`,
    async () => (await statusCounts(databaseUrl, ids)).shipped === ids.length,
    timeoutMs,
    500,
  );
  expect(await unpublishedOutboxRows(databaseUrl)).toBe(0);
  for (const statuses of (await histories(databaseUrl, ids)).values()) expect(statuses).toEqual(LIFECYCLE);
  for (const service of [orderService, ...processors]) {
    expect(service.child.exitCode, service.logs.slice(-30).join('\n')).toBeNull();
  }
}

/** The broker that leads the most partitions of the topic, by kafka-topics --describe. */
async function busiestLeader(brokers: string): Promise<number> {
  const counts = new Map<number, number>();
  for (const p of (await describeTopic(brokers, topic)).partitions) {
    if (p.leader !== null) counts.set(p.leader, (counts.get(p.leader) ?? 0) + 1);
  }
  return [...counts].sort((a, b) => b[1] - a[1])[0]?.[0] as number;
}

const address = (id: number) => `127.0.0.1:${cluster.nodes.find((n) => n.id === id)?.port}`;

/** A partition's leader, replicas and ISR (sorted: its order carries no meaning). */
const replicaSet = (p: { partition: number; leader: number | null; replicas: number[]; isr: number[] }) => ({
  partition: p.partition,
  leader: p.leader,
  replicas: p.replicas,
  isr: [...p.isr].sort((a, b) => a - b),
});

async function opsSnapshot(): Promise<OpsSnapshot> {
  const response = await fetch(`${orderService.url}/api/ops/snapshot`);
  expect(response.status).toBe(200);
  return (await response.json()) as OpsSnapshot;
}

async function opsCluster(): Promise<OpsCluster | null> {
  return (await opsSnapshot()).cluster;
}

/** The ops page's cluster view against kafka-topics --describe and kafka-metadata-quorum on the survivors. */
async function expectOpsShowsDown(dead: number, survivors: string, described: TopicDescription) {
  let view = await opsCluster();
  await waitUntil(`the ops page shows broker ${dead} down`, async () => {
    view = await opsCluster();
    return view?.brokers.find((b) => b.id === dead)?.up === false;
  });
  const live = cluster.nodes.map((n) => n.id).filter((id) => id !== dead);
  expect(view?.brokers).toEqual(
    [...live, dead]
      .sort((a, b) => a - b)
      .map((id) => ({ id, address: address(id), up: id !== dead, controller: id === view?.controllerId })),
  );
  expect(view?.controllerId).toBe(await quorumLeader(survivors));
  expect(live).toContain(view?.controllerId);
  expect(view?.partitions.map((p) => ({ ...replicaSet(p), underReplicated: p.underReplicated }))).toEqual(
    described.partitions.map((p) => ({ ...replicaSet(p), underReplicated: p.isr.length < p.replicas.length })),
  );
  // Factor 3 on three brokers: every partition had a replica on the dead one.
  expect(view?.partitions.every((p) => p.underReplicated && !p.offline && !p.isr.includes(dead))).toBe(true);
}

/**
 * Every partition of every topic in sync on all three brokers again (`kafka-topics --under-replicated-partitions`
 * prints nothing). A fault must start from there: a partition whose only in-sync replica is then killed stays
 * offline until that very broker returns (no unclean election) — Kafka's safety, not what a test means to probe.
 */
async function waitUntilFullyReplicated() {
  await waitUntil(
    'every partition in sync on three brokers',
    async () =>
      (await runKafkaToolOrThrow(cluster.brokers, 'topics', ['--describe', '--under-replicated-partitions'])).trim() ===
      '',
    120_000,
    2000,
  );
}

const others = (dead: number[]) =>
  cluster.nodes
    .filter((n) => !dead.includes(n.id))
    .map((n) => `127.0.0.1:${n.port}`)
    .join(',');

describe('the pipeline on a three-broker cluster', () => {
  it('creates the topics at factor 3 with min ISR 2 and leaders on all three brokers (kafka-topics --describe)', async () => {
    const described = await describeTopic(cluster.brokers, topic);
    expect(described.replicationFactor).toBe(3);
    expect(described.configs['min.insync.replicas']).toBe('2');
    expect(described.partitions).toHaveLength(6);
    for (const p of described.partitions) expect(p.isr.sort()).toEqual([1, 2, 3]);
    expect(new Set(described.partitions.map((p) => p.leader))).toEqual(new Set([1, 2, 3]));
    const dlq = await describeTopic(cluster.brokers, `${topic}.dlq`);
    expect(dlq.replicationFactor).toBe(3);
    expect(dlq.configs['min.insync.replicas']).toBe('2');
  });

  it('reports a topic less replicated than the cluster allows in one line, whose command fixes it', async () => {
    const old = uniqueName('cluster-old');
    const connection = kafkaConnection(cluster.brokers);
    expect(await ensureTopics(connection, { topic: old, partitions: 2, replicationFactor: 1 })).toEqual([]);
    const problems = await ensureTopics(connection, { topic: old, partitions: 2 });
    expect(problems).toHaveLength(2); // the topic and its dead-letter topic, one line each
    const [line] = problems;
    expect(line).toMatch(
      new RegExp(`^topic ${old} has replication factor 1, should be 3 \\(KAFKA_REPLICATION_FACTOR\\): `),
    );
    // The line's own command, run as written (npm run kafka is the reassign tool with the cluster filled in).
    const plan = /echo '([^']+)' > reassign\.json/.exec(line ?? '')?.[1] as string;
    const dir = await mkdtemp(join(tmpdir(), 'reassign-'));
    await writeFile(join(dir, 'reassign.json'), plan);
    await runKafkaToolOrThrow(cluster.brokers, 'reassign-partitions', [
      '--reassignment-json-file',
      join(dir, 'reassign.json'),
      '--execute',
    ]);
    await waitUntil('the reassignment done', async () => {
      const described = await describeTopic(cluster.brokers, old);
      return described.partitions.every((p) => p.replicas.length === 3 && p.isr.length === 3);
    });
    await rm(dir, { recursive: true, force: true });
    // Replicated now (the cluster's default min ISR, 2, applies): nothing left to report about it.
    const after = await ensureTopics(connection, { topic: old, partitions: 2 });
    expect(after.filter((l) => l.startsWith(`topic ${old} `))).toEqual([]);
  });

  it("creates the topics with the deployment's script (Job and Compose) at factor 3 / min ISR 2", async () => {
    const bin = await kafkaBinDir(await mkdtemp(join(tmpdir(), 'kafka-bin-')));
    const name = uniqueName('job-topics');
    const run = spawnSync('bash', ['deploy/k8s/base/kafka-topics.sh'], {
      encoding: 'utf8',
      env: {
        ...process.env,
        KAFKA_BIN: bin,
        KAFKA_BROKERS: cluster.brokers,
        KAFKA_TOPIC: name,
        KAFKA_TOPIC_PARTITIONS: '6',
        KAFKA_DLQ_TOPIC: `${name}.dlq`,
      },
    });
    expect(run.status, `${run.stdout}\n${run.stderr}`).toBe(0);
    for (const topic of [name, `${name}.dlq`]) {
      const described = await describeTopic(cluster.brokers, topic);
      expect(described.replicationFactor).toBe(3);
      expect(described.configs['min.insync.replicas']).toBe('2');
    }
    await rm(bin, { recursive: true, force: true });
  });

  it('ships orders placed with a comma-separated KAFKA_BROKERS; the group has committed everything', async () => {
    const ids = await placeOrders(orderService.url, 60);
    await expectAllShipped(ids);
    await waitUntil('the group committed every offset', async () => {
      const rows = await describeGroup(cluster.brokers, groupId);
      return rows.filter((r) => r.topic === topic).length === 6 && rows.every((r) => r.lag === 0);
    });
  });

  it('owns partitions added at run time within 15 s (6 → 12, kafka-topics --alter) and ships every order', async () => {
    const shoppers = placeOrdersContinuously(orderService.url);
    await sleep(2000);
    await runKafkaToolOrThrow(cluster.brokers, 'topics', ['--alter', '--topic', topic, '--partitions', '12']);
    const grown = Date.now();
    let owned = new Set<number | null>();
    await waitUntil(
      'the group owns all 12 partitions',
      async () => {
        const rows = await describeGroup(cluster.brokers, groupId);
        owned = new Set(rows.filter((r) => r.topic === topic && r.consumerId).map((r) => r.partition));
        return owned.size === 12;
      },
      15_000,
      500,
    ).catch((error: Error) => {
      const said = processors.flatMap((p) => p.logs.filter((l) => /partition count|joined consumer group/.test(l)));
      throw new Error(`${error.message}; owned: ${[...owned].join(',')}\n${said.slice(-8).join('\n')}`);
    });
    console.log(`12 partitions owned ${Date.now() - grown} ms after the topic grew`);
    // Orders keep coming until the Order Service's producer, at its next metadata refresh, sends some to the new
    // partitions (its refresh, not the group's, decides when: up to its metadata max age).
    await waitUntil(
      'an order on a new partition',
      async () =>
        (await describeGroup(cluster.brokers, groupId)).some(
          (r) => r.topic === topic && (r.partition ?? 0) >= 6 && (r.logEndOffset ?? 0) > 0,
        ),
      30_000,
      500,
    );
    const { accepted, failed } = await shoppers.stop();
    expect(failed).toBe(0);
    await expectAllShipped(accepted);
    // Orders went to the new partitions too, and the group committed them there (commits follow within a flush).
    await waitUntil('the group committed all 12 partitions, some of the new ones past 0', async () => {
      const rows = (await describeGroup(cluster.brokers, groupId)).filter((r) => r.topic === topic);
      const onNew = rows.filter((r) => (r.partition ?? 0) >= 6);
      // A new partition no order went to has neither records nor a commit: kafka-consumer-groups shows no lag.
      const done = (r: (typeof rows)[number]) => r.lag === 0 || (r.lag === null && (r.logEndOffset ?? 0) === 0);
      if (rows.length === 12 && rows.every(done) && onNew.some((r) => (r.currentOffset ?? 0) > 0)) return true;
      throw new Error(rows.map((r) => `${r.partition}:${r.currentOffset}/${r.logEndOffset}`).join(' '));
    });
    // The ops page shows the new partitions too, each owned by one of the two processors.
    await waitUntil('the ops page shows 12 partitions, each owned', async () => {
      const { partitions } = await opsSnapshot();
      const owners = new Set(partitions.map((p) => p.owner));
      return partitions.length === 12 && owners.size === 2 && !owners.has(null);
    });
  }, 240_000);

  it("the lab's stop-broker freezes the broker leading partition 0 of three; orders keep coming and all ship", async () => {
    await waitUntilFullyReplicated();
    const lab = new FaultLab({
      processorPids: () => [],
      kafkaNodes: () => cluster.nodes.flatMap((n) => (n.pid === undefined ? [] : [{ id: n.id, pid: n.pid }])),
      postgres: () => undefined,
      kafka: kafkaConnection(cluster.brokers),
      topic,
    });
    const leader = (await describeTopic(cluster.brokers, topic)).partitions[0]?.leader;
    const shoppers = placeOrdersContinuously(orderService.url);
    await sleep(2000);
    const entry = await lab.start('stop-broker', { seconds: 15 });
    expect(entry.target).toMatch(new RegExp(`^broker ${leader} of 3 \\(leader of partition 0\\) pid \\d+$`));
    const frozen = cluster.nodes.find((n) => n.id === leader);
    expect(entry.target.endsWith(`pid ${frozen?.pid}`)).toBe(true);
    await waitUntil('thawed by its timer', async () => lab.list().every((f) => !f.active), 30_000);
    await sleep(3000);
    const { accepted, failed } = await shoppers.stop();
    expect(failed).toBe(0); // the outbox takes orders while Kafka cannot
    await expectAllShipped(accepted);
    console.log(`broker ${leader} of 3 stopped 15 s by the lab: ${accepted.length} accepted, all shipped`);
  });

  it('loses nothing when the broker leading most partitions is killed -9 mid-traffic and left dead', async () => {
    await waitUntilFullyReplicated();
    const victim = await busiestLeader(cluster.brokers);
    // The ops page sees all three up first (and so knows the victim's address once it is gone).
    expect((await opsCluster())?.brokers.map((b) => [b.id, b.address, b.up])).toEqual(
      cluster.nodes.map((n) => [n.id, address(n.id), true]),
    );
    const shoppers = placeOrdersContinuously(orderService.url);
    await sleep(4000);
    await cluster.kill9(victim);
    await sleep(12_000);
    const { accepted, failed } = await shoppers.stop();
    expect(failed).toBe(0);
    expect(accepted.length).toBeGreaterThan(100);
    await expectAllShipped(accepted);
    // The leaders moved to the two live brokers; the topic holds every order (the console consumer).
    const survivors = others([victim]);
    const described = await describeTopic(survivors, topic);
    for (const p of described.partitions) expect([null, victim]).not.toContain(p.leader);
    await expectOpsShowsDown(victim, survivors, described);
    const onTopic = new Set(
      (await consumeWithConsoleConsumer(survivors, { topic, maxMessages: 1_000_000, timeoutMs: 8000 })).map(
        (r) => r.key,
      ),
    );
    expect(accepted.filter((id) => !onTopic.has(id))).toEqual([]);
    console.log(`broker ${victim} killed -9: ${accepted.length} accepted, all shipped`);
    await cluster.restart(victim);
  });

  it('takes orders (201) with two brokers down and ships them all once one is back', async () => {
    const [first, second] = [1, 2];
    await waitUntilFullyReplicated(); // the broker killed by the test before has caught up
    await cluster.kill9(first);
    await cluster.kill9(second);
    try {
      const ids = await placeOrders(orderService.url, 30); // throws unless every answer is 201
      await sleep(5000);
      const counts = await statusCounts(databaseUrl, ids);
      expect(counts.shipped ?? 0).toBe(0); // below min ISR nothing can be published
      expect(await unpublishedOutboxRows(databaseUrl)).toBeGreaterThan(0);
      const back = Date.now();
      await cluster.restart(first);
      await expectAllShipped(ids, 180_000);
      console.log(`two brokers down: 30 accepted; all shipped ${Date.now() - back} ms after one came back`);
    } finally {
      await Promise.all([cluster.restart(first), cluster.restart(second)]);
    }
  }, 300_000);
});
